"""Every byte a database holds for an instance, to search for words in the clear."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

from ledger.infra.config import Settings, postgres_env


def raw_database_bytes(settings: Settings) -> bytes:
    """The event store and every view (on SQLite, their sibling files; on PostgreSQL
    every table of the schema: events, snapshots, keys, tokens, idempotency, views)."""
    if settings.is_sqlite:
        from projections.runner import PROJECTIONS

        return b"".join([sqlite_file_bytes(settings.sqlite_path),
                         *(sqlite_file_bytes(settings.view_path(name)) for name in PROJECTIONS)])
    return postgres_table_bytes(settings)


def sqlite_file_bytes(path: Path) -> bytes:
    """The database file with its WAL and shared-memory files, as on disk."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def postgres_table_bytes(settings: Settings) -> bytes:
    """Every row of every table in the instance's schema, as text and raw bytea."""
    env = postgres_env(settings.database_url)
    schema = env.get("POSTGRES_SCHEMA", "public")
    dsn = settings.database_url.split("?")[0]
    chunks: list[bytes] = []
    with psycopg.connect(dsn, autocommit=True) as conn:  # no snapshot held open
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,),
        ).fetchall()
        for (table,) in tables:
            query = sql.SQL("SELECT t::text FROM {} t").format(sql.Identifier(schema, table))
            chunks.extend(row[0].encode() for row in conn.execute(query))
            columns = conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = %s AND data_type = 'bytea'", (schema, table),
            ).fetchall()
            chunks.append(_relation_file_bytes(conn, schema, table))
            for (column,) in columns:
                query = sql.SQL("SELECT {} FROM {}").format(
                    sql.Identifier(column), sql.Identifier(schema, table))
                chunks.extend(bytes(row[0]) for row in conn.execute(query) if row[0])
    return b"\n".join(chunks)


def _relation_file_bytes(conn: psycopg.Connection[tuple[object, ...]], schema: str,
                         table: str) -> bytes:
    """The table's heap file as PostgreSQL wrote it (after a checkpoint), so dead
    tuples count too. Needs a local server whose data folder we may read."""
    conn.execute("CHECKPOINT")
    row = conn.execute(
        "SELECT current_setting('data_directory') || '/' || pg_relation_filepath(%s)",
        (f'"{schema}"."{table}"',),
    ).fetchone()
    path = Path(str(row[0])) if row else None
    if path is None or not path.exists():
        raise AssertionError(f"cannot read the heap file of {schema}.{table}")
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
