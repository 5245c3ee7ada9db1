"""The SQLite application recorder, extended with the key table.

Deleting a key must not leave its bytes behind: `secure_delete` zeroes the freed
cell and a TRUNCATE checkpoint empties the write-ahead log that still holds the
old page.
"""

from __future__ import annotations

import fcntl
import os
import struct
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, ListenNotifySubscription, Subscription
from eventsourcing.sqlite import SQLiteApplicationRecorder

from ledger.infra.locks import STRIPES
from ledger.infra.stores.tables import AuxiliaryTables

KEY_TABLE = "ebbflow_keys"
CHECKPOINT_ATTEMPTS = 20
POLL_SECONDS = 0.01


class PollingSubscription(ListenNotifySubscription[SQLiteApplicationRecorder]):
    """SQLite cannot notify, so a timer wakes the library's pull loop instead; the
    projector's subscription then works unchanged."""

    def __init__(self, recorder: SQLiteApplicationRecorder, gt: int | None = None,
                 topics: Sequence[str] = (), interval: float = POLL_SECONDS) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._interval = interval
        self._timer_thread = threading.Thread(target=self._tick, daemon=True)
        self._timer_thread.start()

    def _tick(self) -> None:
        while not self._has_been_stopped:
            time.sleep(self._interval)
            self._has_been_notified.set()

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._timer_thread.join()


def like(text: str) -> str:
    """`text` matched literally inside a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


FLOCK = "@hhqqi"  # struct flock on Linux: type, whence, start, length, pid (0 for OFD)


def _lock_byte(fd: int, offset: int, kind: int) -> None:
    fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, struct.pack(FLOCK, kind, os.SEEK_SET, offset, 1, 0))


class SQLiteLedgerRecorder(AuxiliaryTables, SQLiteApplicationRecorder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock_path = f"{self.datastore.pool.db_name}.locks"

    def subscribe(self, gt: int | None = None,
                  topics: Sequence[str] = ()) -> Subscription[ApplicationRecorder]:
        return PollingSubscription(recorder=self, gt=gt, topics=topics)

    @contextmanager
    def writer_lock(self, aggregate_ids: Collection[UUID]) -> Iterator[None]:
        """Serialises writers of the same aggregates across processes and threads, so
        a hot ledger's writers queue instead of losing version races: one byte per
        lock stripe of a `.locks` file beside the database, locked with an open file
        description lock on a descriptor of this call's own. (Classic POSIX record
        locks belong to the process: two threads of one worker shared them, and the
        kernel reported EDEADLK for waits that were no deadlock, seen under load.)"""
        stripes = sorted({aggregate_id.int % STRIPES for aggregate_id in aggregate_ids})
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            with ExitStack() as stack:
                for stripe in stripes:
                    _lock_byte(fd, stripe, fcntl.F_WRLCK)
                    stack.callback(_lock_byte, fd, stripe, fcntl.F_UNLCK)
                yield
        finally:
            os.close(fd)

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} ("
            "key_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created_at TEXT NOT NULL)",
            *self.aux_statements(),
        ]

    def aux_sql(self, text: str) -> str:
        return text.format(tokens="ebbflow_tokens", idempotency="ebbflow_idempotency",
                           tokens_index="ebbflow_tokens_by_account")

    def _insert_events(self, c: Any, stored_events: Sequence[Any],
                       **kwargs: Any) -> Sequence[int] | None:
        """Appends the events and, in the same transaction, any idempotency record."""
        ids = super()._insert_events(c, stored_events, **kwargs)
        record = kwargs.get("idempotency")
        if record is not None and ids:
            self.write_idempotency(c, record, ids[-1])
        return ids

    def get_wrapped_keys(self, key_ids: Collection[str]) -> dict[str, bytes]:
        ids = list(key_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT key_id, wrapped FROM {KEY_TABLE} WHERE key_id IN ({marks})", ids)  # noqa: S608
            return {row["key_id"]: bytes(row["wrapped"]) for row in c.fetchall()}

    def wrapped_key_ids(self, prefix: str, suffix: str) -> list[str]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT key_id FROM {KEY_TABLE} WHERE key_id LIKE ? ESCAPE '\\'",  # noqa: S608
                      (like(prefix) + "%" + like(suffix),))
            return [str(row["key_id"]) for row in c.fetchall()]

    def insert_wrapped_key(self, key_id: str, wrapped: bytes) -> bool:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT INTO {KEY_TABLE} (key_id, wrapped, created_at) VALUES (?, ?, ?) "  # noqa: S608
                "ON CONFLICT (key_id) DO NOTHING",
                (key_id, wrapped, datetime.now(UTC).isoformat()),
            )
            c.execute("SELECT changes()")
            inserted = bool(c.fetchone()[0])
        return inserted

    def delete_wrapped_key(self, key_id: str) -> bool:
        with self.datastore.transaction(commit=True) as c:
            c.execute("PRAGMA secure_delete=ON")
            c.execute(f"DELETE FROM {KEY_TABLE} WHERE key_id = ?", (key_id,))  # noqa: S608
            c.execute("SELECT changes()")
            deleted = bool(c.fetchone()[0])
        self.checkpoint()
        return deleted

    def any_wrapped_key(self) -> tuple[str, bytes] | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT key_id, wrapped FROM {KEY_TABLE} ORDER BY key_id LIMIT 1")  # noqa: S608
            row = c.fetchone()
        return None if row is None else (row["key_id"], bytes(row["wrapped"]))

    def before_write(self, cursor: Any) -> None:
        cursor.execute("PRAGMA secure_delete=ON")

    def scrub_idempotency(self) -> None:
        """Deleted rows were zeroed in place; empty the WAL of their earlier pages."""
        self.checkpoint()

    def sweep_destroyed_keys(self) -> None:
        """Deleted rows were zeroed in place (secure_delete); empty the WAL too."""
        self.checkpoint()

    def checkpoint(self) -> bool:
        """Copies the WAL into the file and truncates it; False if readers kept it busy."""
        for _ in range(CHECKPOINT_ATTEMPTS):
            with self.datastore.get_connection(commit=True) as conn:
                cursor = conn.cursor()
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = cursor.fetchone()[0]
            if not busy:
                return True
            time.sleep(0.05)
        return False
