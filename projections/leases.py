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
from typing import Any, Protocol

import psycopg

from ledger.config import Settings, postgres_env

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


class AdvisoryLease:
    def __init__(self, settings: Settings, name: str) -> None:
        env = postgres_env(settings.database_url)
        self.connect_args = {
            "host": env["POSTGRES_HOST"], "port": int(env["POSTGRES_PORT"]),
            "dbname": env["POSTGRES_DBNAME"], "user": env["POSTGRES_USER"],
            "password": env["POSTGRES_PASSWORD"] or None, "autocommit": True,
            "connect_timeout": 5, "application_name": f"ebbflow-projector-{name}",
        }
        # one key per instance (schema) and projection
        self.key = zlib.crc32(f"{env.get('POSTGRES_SCHEMA', 'public')}:{name}".encode())
        self.key -= 2**31  # into int4
        self.conn: psycopg.Connection[Any] | None = None

    def try_acquire(self) -> bool:
        try:
            conn = psycopg.connect(**self.connect_args)  # type: ignore[arg-type]
            row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                               (LEASE_CLASS, self.key)).fetchone()
        except psycopg.Error:
            return False
        if row and row[0]:
            self.conn = conn
            return True
        conn.close()
        return False

    def held(self) -> bool:
        """Whether the lock's session is still there (the server holds the lock for it)."""
        if self.conn is None:
            return False
        try:
            self.conn.execute("SELECT 1")
        except psycopg.Error:
            self.release()
            return False
        return True

    def release(self) -> None:
        if self.conn is not None:
            conn, self.conn = self.conn, None
            with contextlib.suppress(psycopg.Error):
                conn.close()


def lease_for(settings: Settings, name: str) -> Lease:
    if settings.is_sqlite:
        return FileLease(f"{settings.view_path(name)}.projector")
    return AdvisoryLease(settings, name)
