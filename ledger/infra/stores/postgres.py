"""The PostgreSQL application recorder, extended with the key table.

A deleted key's tuple stays in the heap until vacuumed; VACUUM FULL rewrites the
(small) table so the wrapped key is gone from it. WAL archives and base backups
keep it until they are recycled: backups re-apply the erasure log (see README).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    ApplicationRecorder,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
    Subscription,
)
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresSubscription,
)
from eventsourcing.utils import retry
from psycopg.pq import TransactionStatus
from psycopg.sql import SQL, Composed, Identifier, Literal

from ledger.infra.stores.tables import AuxiliaryTables, IdempotentResponse

SAFETY_PULL_SECONDS = 1.0
WRITER_LOCK_CLASS = 0x45424657  # "EBFW": the advisory-lock space of writers
WRITER_LOCK_TIMEOUT_SECONDS = 10


# psycopg's errors as the library's pool raises them (eventsourcing.postgres), most
# specific first: callers retry on the library's IntegrityError and OperationalError
_LIBRARY_ERRORS = ((psycopg.InterfaceError, InterfaceError),
                   (psycopg.OperationalError, OperationalError), (psycopg.DataError, DataError),
                   (psycopg.IntegrityError, IntegrityError),
                   (psycopg.InternalError, InternalError),
                   (psycopg.ProgrammingError, ProgrammingError),
                   (psycopg.NotSupportedError, NotSupportedError),
                   (psycopg.DatabaseError, DatabaseError), (psycopg.Error, PersistenceError))


@contextmanager
def as_library_errors(conn: Any) -> Iterator[Any]:
    """A connection already checked out (the writer's), its errors raised as the
    library's `get_connection` would raise them."""
    try:
        yield conn
    except psycopg.Error as error:
        ours = next(mine for theirs, mine in _LIBRARY_ERRORS if isinstance(error, theirs))
        raise ours(str(error)) from error


class SafetyNetSubscription(PostgresSubscription):
    """LISTEN/NOTIFY, plus a pull every second: the library pulls once before its
    LISTEN is in place, so a commit in between would otherwise wait for the next
    notification (read-your-writes stalled under load until another write came)."""

    def __init__(self, recorder: PostgresApplicationRecorder, gt: int | None = None,
                 topics: Sequence[str] = ()) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._safety_thread = threading.Thread(target=self._safety_pulls, daemon=True)
        self._safety_thread.start()

    def _safety_pulls(self) -> None:
        while not self._has_been_stopped:
            time.sleep(SAFETY_PULL_SECONDS)
            self._has_been_notified.set()

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._safety_thread.join()


class PostgresLedgerRecorder(AuxiliaryTables, PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        base = events_table_name.removesuffix("_events")
        self.key_table = Identifier(datastore.schema, f"{base}_keys")
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (key_id text PRIMARY KEY, "
                "wrapped bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            ).format(self.key_table)
        )
        self.aux_prefix = base
        self._writer = threading.local()  # conn (until released), release: writer_lock
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in self.aux_statements())

    def aux_sql(self, text: str) -> str:
        schema = self.datastore.schema
        return text.format(tokens=f'"{schema}"."{self.aux_prefix}_tokens"',
                           idempotency=f'"{schema}"."{self.aux_prefix}_idempotency"',
                           tokens_index=f"{self.aux_prefix}_tokens_by_account",
                           ).replace("?", "%s")

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        """The library's append (the table lock that makes commit order log order, the
        notification, the insert) sent as one pipeline with BEGIN and COMMIT: one
        round trip where the library's takes five. With an idempotency record, whose
        sealed reply holds the position, a second one writes it before COMMIT."""
        if not stored_events:
            return []
        rows = [self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic,
                                               e.state) for e in stored_events]
        record: IdempotentResponse | None = kwargs.get("idempotency")
        held = self._writer_held()
        with as_library_errors(held) if held else self.datastore.get_connection() as conn:
            try:
                with conn.pipeline():
                    conn.execute("BEGIN")
                    for statement in self.lock_table_statements:
                        conn.execute(statement, prepare=True)
                    conn.execute(SQL("NOTIFY {}").format(Identifier(self.channel_name)))
                    inserted = conn.execute(self.insert_events_statement, (rows,), prepare=True)
                    if record is None:
                        self._commit_and_release(conn, held)
                ids = [row["notification_id"] for row in inserted.fetchall()]
                if record is not None:
                    with conn.pipeline():
                        self.write_idempotency(conn.cursor(), record, ids[-1])
                        self._commit_and_release(conn, held)
            finally:
                if conn.info.transaction_status != TransactionStatus.IDLE and not conn.broken:
                    conn.execute("ROLLBACK")
        if held is not None:
            self._writer.conn = None  # released: the pipeline got that far without error
        return ids

    def _writer_held(self) -> Any:
        """The connection holding this thread's writer lock, if it holds one (and the
        connection is sound): the append runs there, and releases the lock with COMMIT."""
        conn = getattr(self._writer, "conn", None)
        return None if conn is None or conn.broken else conn

    def _commit_and_release(self, conn: Any, held: Any) -> None:
        conn.execute("COMMIT")
        if held is not None:  # the next writer of this ledger may start from here
            conn.execute(self._writer.release)

    @contextmanager
    def writer_lock(self, aggregate_ids: Collection[UUID]) -> Iterator[None]:
        """Serialises writers of the same aggregates across processes with session
        advisory locks (released with the session if a process dies). Taking them is
        one round trip (one simple query, an implicit transaction for `SET LOCAL`);
        the append runs on the same connection and releases them in its pipeline,
        after COMMIT (no round trip of their own). A connection the server dropped
        is replaced once."""
        keys = sorted({_signed32(aggregate_id.int) for aggregate_id in aggregate_ids})
        take = SQL("SET LOCAL lock_timeout = '{}s'; ").format(WRITER_LOCK_TIMEOUT_SECONDS) + \
            SQL("; ").join(SQL("SELECT pg_advisory_lock({}, {})").format(
                Literal(WRITER_LOCK_CLASS), Literal(key)) for key in keys)
        release = SQL("SELECT ") + SQL(", ").join(
            SQL("pg_advisory_unlock({}, {})").format(Literal(WRITER_LOCK_CLASS), Literal(key))
            for key in reversed(keys))
        for attempt in (1, 2):
            with self.datastore.get_connection() as conn:
                try:
                    conn.execute(take)
                except (OperationalError, psycopg.OperationalError):
                    if attempt == 2 or not conn.broken:
                        raise
                    continue  # the pool discards the broken connection on return
                self._writer.conn, self._writer.release = conn, release
                try:
                    yield
                finally:
                    if self._writer.conn is not None:  # not released by an append
                        self._writer.conn = None
                        conn.execute(release)
                return

    def subscribe(self, gt: int | None = None,
                  topics: Sequence[str] = ()) -> Subscription[ApplicationRecorder]:
        return SafetyNetSubscription(recorder=self, gt=gt, topics=topics)

    def get_wrapped_keys(self, key_ids: Collection[str]) -> dict[str, bytes]:
        ids = list(key_ids)
        if not ids:
            return {}
        rows = self.read_rows(
            SQL("SELECT key_id, wrapped FROM {} WHERE key_id = ANY(%s)").format(self.key_table),
            (ids,))
        return {row["key_id"]: bytes(row["wrapped"]) for row in rows}

    @retry((InterfaceError, OperationalError), max_attempts=3)
    def read_rows(self, statement: Any, params: Sequence[Any] = ()) -> list[Any]:
        """A single statement on an autocommit connection: no BEGIN and ROLLBACK round
        trips (key and token reads ran three per read, ~1.3 ms each). Retried on a
        connection the server dropped: the pool does not ping before each checkout."""
        with self.datastore.get_connection() as conn:
            return list(conn.execute(statement, tuple(params)).fetchall())

    def write_rows(self, statement: Any, params: Sequence[Any] = ()) -> list[Any]:
        """A single writing statement is atomic on its own: autocommit, one round trip."""
        with self.datastore.get_connection() as conn:
            cursor = conn.execute(statement, tuple(params))
            return list(cursor.fetchall()) if cursor.description else []

    def wrapped_key_ids(self, prefix: str, suffix: str) -> list[str]:
        rows = self.read_rows(
            SQL("SELECT key_id FROM {} WHERE starts_with(key_id, %s) AND right(key_id, %s) = %s"
                ).format(self.key_table), (prefix, len(suffix), suffix))
        return [str(row["key_id"]) for row in rows]

    def insert_wrapped_key(self, key_id: str, wrapped: bytes) -> bool:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                SQL(
                    "INSERT INTO {} (key_id, wrapped) VALUES (%s, %s) "
                    "ON CONFLICT (key_id) DO NOTHING"
                ).format(self.key_table),
                (key_id, wrapped),
            )
            return bool(curs.rowcount == 1)

    def delete_wrapped_key(self, key_id: str) -> bool:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(SQL("DELETE FROM {} WHERE key_id = %s").format(self.key_table), (key_id,))
            deleted = bool(curs.rowcount == 1)
        self.vacuum_key_table()
        return deleted

    def any_wrapped_key(self) -> tuple[str, bytes] | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                SQL("SELECT key_id, wrapped FROM {} ORDER BY key_id LIMIT 1").format(
                    self.key_table
                )
            )
            row = curs.fetchone()
        return None if row is None else (row["key_id"], bytes(row["wrapped"]))

    def sweep_destroyed_keys(self) -> None:
        self.vacuum_key_table()

    def vacuum_key_table(self) -> None:
        """Rewrites the key table so deleted keys leave no dead tuples behind."""
        self.vacuum_full(self.key_table)

    def scrub_idempotency(self) -> None:
        self.vacuum_full(SQL(self.aux_sql("{idempotency}")))

    def vacuum_full(self, table: Any) -> None:
        with self.datastore.get_connection() as conn:
            was_autocommit = conn.autocommit  # the library's pool keeps autocommit on
            conn.autocommit = True
            try:
                conn.execute(SQL("VACUUM FULL {}").format(table))
            finally:
                conn.autocommit = was_autocommit


def _signed32(value: int) -> int:
    """Folds a 128-bit id into PostgreSQL's signed int4 range."""
    folded = (value ^ (value >> 32) ^ (value >> 64) ^ (value >> 96)) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded
