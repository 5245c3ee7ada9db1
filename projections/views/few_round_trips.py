"""How a PostgreSQL view talks to the server in few round trips: the projector's
transaction as one pipeline, reads on an autocommit connection, and a NOTIFY of
each committed position that wakes the reads waiting for it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, Tracking
from eventsourcing.utils import retry

from projections.commit_wake import channel_of, payload
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
        COMMIT go to the server together instead of one round trip each. (Only here:
        DDL and a read on the same cursor do not mix in a pipeline.)"""
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
            yield conn.cursor()

    @contextmanager
    def read(self, check: bool = True) -> Iterator[Any]:
        """A read on an autocommit connection: its statements (the serving generation,
        then the query) are a round trip each, without BEGIN and ROLLBACK."""
        with self.datastore.get_connection() as conn:
            cursor = conn.cursor()
            if self.in_scope():  # type: ignore[attr-defined]
                yield cursor
                return
            serving = self.resolve(cursor, lock=False, check=check)  # type: ignore[attr-defined]
            with self.using(serving):  # type: ignore[attr-defined]
                yield cursor

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

