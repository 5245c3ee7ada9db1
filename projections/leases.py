"""One active projector per projection: a lease that a projector holds while it
works and that a standby takes over when the holder dies.

PostgreSQL: a session advisory lock on a connection of its own, so the server
releases it the moment the holder's connection goes (process killed, host
lost). SQLite (one host): an exclusive `flock` on a file beside the view, which
the kernel releases when the process dies. Either way the views' tracking
records stay the safety net: an event is never applied twice to a view.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import zlib
from collections.abc import Iterable
from typing import Any, Protocol

import psycopg

from ledger.infra.config import Settings, postgres_env

LEASE_CLASS = 0x45424650  # "EBFP": the advisory-lock space of projector leases


class Lease(Protocol):
    def try_acquire(self) -> bool: ...

    def held(self) -> bool: ...

    def release(self) -> None: ...


class FileLease:
    def __init__(self, path: str) -> None:
        self.path, self.fd = path, -1

    def try_acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def held(self) -> bool:
        return self.fd >= 0

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class AdvisorySession:
    """One connection for all the advisory leases of a projector process."""

    def __init__(self, settings: Settings) -> None:
        env = postgres_env(settings.database_url)
        self.schema = env.get("POSTGRES_SCHEMA", "public")
        self.connect_args: dict[str, Any] = {
            "host": env["POSTGRES_HOST"], "port": int(env["POSTGRES_PORT"]),
            "dbname": env["POSTGRES_DBNAME"], "user": env["POSTGRES_USER"],
            "password": env["POSTGRES_PASSWORD"] or None, "autocommit": True,
            "connect_timeout": 5, "application_name": "ebbflow-projector",
        }
        self.conn: psycopg.Connection[Any] | None = None
        self.held: set[int] = set()

    def try_lock(self, key: int) -> bool:
        try:
            if self.conn is None:
                self.conn = psycopg.connect(**self.connect_args)
                self.held.clear()
            row = self.conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                    (LEASE_CLASS, key)).fetchone()
        except psycopg.Error:
            self.drop()
            return False
        if row and row[0]:
            self.held.add(key)
            return True
        return False

    def holds(self, key: int) -> bool:
        """Whether the session is still there (the server keeps its locks while it is)."""
        if self.conn is None or key not in self.held:
            return False
        try:
            self.conn.execute("SELECT 1")
        except psycopg.Error:
            self.drop()
            return False
        return True

    def unlock(self, key: int) -> None:
        """Releases one lock; the session closes with the last one."""
        if self.conn is not None and key in self.held:
            self.held.discard(key)
            try:
                self.conn.execute("SELECT pg_advisory_unlock(%s, %s)", (LEASE_CLASS, key))
            except psycopg.Error:
                self.drop()
        if not self.held:
            self.drop()

    def drop(self) -> None:
        """Closing the session releases every lock it held."""
        self.held.clear()
        if self.conn is not None:
            conn, self.conn = self.conn, None
            with contextlib.suppress(psycopg.Error):
                conn.close()


class AdvisoryLease:
    def __init__(self, session: AdvisorySession, name: str) -> None:
        self.session = session
        key = zlib.crc32(f"{session.schema}:{name}".encode())  # per instance and projection
        self.key = key - 2**31  # into int4

    def try_acquire(self) -> bool:
        return self.session.try_lock(self.key)

    def held(self) -> bool:
        return self.session.holds(self.key)

    def release(self) -> None:
        self.session.unlock(self.key)


def leases_for(settings: Settings, names: Iterable[str]) -> dict[str, Lease]:
    if settings.is_sqlite:
        return {name: FileLease(f"{settings.view_path(name)}.projector") for name in names}
    session = AdvisorySession(settings)
    return {name: AdvisoryLease(session, name) for name in names}
