"""How a PostgreSQL view talks to the server in few round trips: the projector's
transaction as one pipeline, reads on an autocommit connection, and a NOTIFY of
each committed position that wakes the reads waiting for it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, Tracking
from eventsourcing.utils import retry

from projections.commit_wake import REGISTRY_CHANGED, channel_of, payload
from projections.views.batching import RowChange


class FewerRoundTrips:
    """Mixed into PostgresView before ViewStore (whose methods it wraps)."""

    datastore: Any
    prefix: str
    _local: Any

    @property
    def commits_channel(self) -> str:
        return channel_of(self.datastore.schema, "views")

    def apply(self, changes: Sequence[RowChange], tracking: Tracking) -> None:
        """The projector's transaction is one pipeline: the changes, the position and
        COMMIT go to the server together instead of one round trip each."""
        self._local.pipelined = True
        try:
            super().apply(changes, tracking)  # type: ignore[misc]
        finally:
            self._local.pipelined = False

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Any]:
        if not (commit and getattr(self._local, "pipelined", False)):
            with self.datastore.transaction(commit=commit) as cursor:
                yield cursor
            return
        with self.datastore.get_connection() as conn, conn.pipeline(), conn.transaction():
            yield CursorPerStatement(conn)

    @contextmanager
    def read_cursor(self) -> Iterator[Any]:
        """A read on an autocommit connection: a round trip per statement, without
        BEGIN and ROLLBACK (and the serving generation mostly remembered)."""
        with self.datastore.get_connection() as conn:
            yield conn.cursor()

    def announce(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_notify(%s, %s)", (self.commits_channel, REGISTRY_CHANGED))

    @retry((InterfaceError, OperationalError), max_attempts=3)
    def query(self, text: str, params: Sequence[Any] = (), check: bool = True) -> list[Any]:
        """Retried on a connection the server dropped (the pool does not ping)."""
        return super().query(text, params, check)  # type: ignore[misc, no-any-return]

    def _insert_tracking(self, curs: Any, tracking: Tracking) -> None:
        """The position, and a notification of it that PostgreSQL delivers at commit:
        reads waiting for this position wake then (projections.commit_wake)."""
        super()._insert_tracking(curs, tracking)  # type: ignore[misc]
        curs.execute("SELECT pg_notify(%s, %s)", (self.commits_channel, payload(
            self.prefix, tracking.notification_id)))



class CursorPerStatement:
    """A cursor for a pipeline: each statement runs on a cursor of its own, and a
    fetch reads the last statement's rows (one cursor reused for several statements
    in a pipeline can hand a fetch an earlier statement's result)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.last: Any = None

    def execute(self, *args: Any, **kwargs: Any) -> CursorPerStatement:
        self.last = self.conn.cursor()
        self.last.execute(*args, **kwargs)
        return self

    def executemany(self, *args: Any, **kwargs: Any) -> None:
        self.conn.cursor().executemany(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # fetchone, fetchall, rowcount, statusmessage…
        return getattr(self.last, name)
