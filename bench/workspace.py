"""A throwaway instance for one benchmark: a SQLite file in a temporary folder, or
a schema of its own in the local PostgreSQL, migrated, with its keys."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg

from ledger.app.application import migrate
from ledger.infra.config import Settings
from projections.runner import migrate_views

POSTGRES_URL = os.environ.get("EBBFLOW_BENCH_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost": 8192}


def postgres_available() -> bool:
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


@contextlib.contextmanager
def workspace(backend: str) -> Iterator[Settings]:
    root = Path(tempfile.mkdtemp(prefix=f"ebbflow-bench-{backend}-"))
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    url = f"sqlite:///{root}/ebbflow.db" if backend == "sqlite" \
        else f"{POSTGRES_URL}?schema={schema}"
    if backend == "postgres":
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        settings = Settings.from_env({"EBBFLOW_DATABASE_URL": url,
                                      "EBBFLOW_DATA_DIR": str(root / "keys")})
        settings = settings.with_changes(**FAST_HASHING)
        migrate(settings)
        migrate_views(settings)
        yield settings.with_changes(create_tables=False)
    finally:
        if backend == "postgres":
            with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
                admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        shutil.rmtree(root, ignore_errors=True)


def environment(settings: Settings) -> dict[str, str]:
    """What a child process (`ebbflow serve`, a projector) needs to open this instance."""
    return {**os.environ, "EBBFLOW_DATABASE_URL": settings.database_url,
            "EBBFLOW_DATA_DIR": str(settings.data_dir), "EBBFLOW_CIPHER_KEY": settings.cipher_key,
            "EBBFLOW_SECRET_KEY": settings.secret_key, "EBBFLOW_CREATE_TABLES": "no",
            # sign-in is not what the benchmarks measure: cheap hashes, as in-process
            "EBBFLOW_ARGON2_TIME_COST": str(settings.argon2_time_cost),
            "EBBFLOW_ARGON2_MEMORY_KIB": str(settings.argon2_memory_cost)}


def settle(postgres: bool, longest: float = 30.0, idle: float = 0.85) -> float:
    """Waits until the machine is quiet again, so that a case measures itself and not
    the tail of the one before (PostgreSQL's checkpoint and autovacuum after a large
    schema is dropped, the page cache's writeback): a CHECKPOINT now, then until the
    CPUs are idle for `idle` of one second, at most `longest`. Answers the seconds
    waited."""
    started = time.monotonic()
    if postgres:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute("CHECKPOINT")
    while time.monotonic() - started < longest:
        before = _cpu_times()
        time.sleep(1.0)
        after = _cpu_times()
        total = sum(after) - sum(before)
        if total <= 0 or (after[3] - before[3]) / total >= idle:
            break
    return time.monotonic() - started


def _cpu_times() -> list[int]:
    """The machine's CPU time so far by kind (user, nice, system, idle, iowait, ...)."""
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:]]
