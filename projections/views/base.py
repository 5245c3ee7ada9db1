"""What every view shares: dialect-neutral SQL, one transaction for a batch of row
changes plus the tracking record, and a drop for rebuilds.

Each view class lists its DDL and SQL once, with `{table}` names and `?`
placeholders; the SQLite and PostgreSQL bases render them for their dialect.
On SQLite a view lives in its own file (the library's tracking table there is
not named per projection); on PostgreSQL its tables are prefixed with its name.
Each transaction resolves the view's serving generation (generations.py) first.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from eventsourcing.persistence import OperationalError, ProgrammingError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder, SQLiteTransaction
from psycopg.sql import SQL, Composed, Identifier

from projections.views.batching import Batching, RowChange
from projections.views.few_round_trips import FewerRoundTrips
from projections.views.generations import REGISTRY_DDL, Generations, with_generation_indexes


class ViewStore(Batching, Generations, ABC):
    """The dialect-neutral half of a view; mixed with a backend base below."""

    TABLES: ClassVar[tuple[str, ...]] = ()
    # ops that are plain inserts: op -> (table, columns), applied in runs by executemany
    INSERTS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {}
    DDL: ClassVar[tuple[str, ...]] = ()
    LEDGERS_DDL = "CREATE TABLE IF NOT EXISTS {ledgers} (ledger_id TEXT PRIMARY KEY, " \
                  "timezone TEXT NOT NULL, partners TEXT NOT NULL DEFAULT '[]')"
    DEAD_LETTERS_DDL = "CREATE TABLE IF NOT EXISTS {dead_letters} (position BIGINT PRIMARY " \
                       "KEY, error TEXT NOT NULL, recorded_at BIGINT NOT NULL)"
    SCHEMA_DDL = "CREATE TABLE IF NOT EXISTS {schema_version} (version INTEGER NOT NULL)"
    # Raised whenever a view's tables or rows change shape: processes of this code do
    # not serve an older one; `ebbflow rebuild --online` (or `migrate`) builds it again
    # beside the old. 2: dead letters; history's entry_at.
    SCHEMA_VERSION: ClassVar[int] = 2
    datastore: Any
    _rendered: dict[tuple[int, str], str]

    @abstractmethod
    def table_name(self, name: str, generation: int = 1) -> str:
        """The real name of one of this view's tables in this backend."""

    @abstractmethod
    def registry_name(self) -> str:
        """The table naming each view's serving generation."""

    @abstractmethod
    def in_dialect(self, statement: str) -> str:
        """The statement with this backend's placeholders."""

    @abstractmethod
    def forget_position(self, cursor: Any, key: str) -> None:
        """Deletes one generation's tracking record."""

    def begin_write(self, cursor: Any) -> None:
        """Per-transaction settings a backend needs before writing."""

    def render(self, text: str) -> str:
        generation = self.generation_in_use()
        rendered = self._rendered.get((generation, text))
        if rendered is None:
            names = {name: self.table_name(name, generation) for name in self.all_tables()}
            names["generations"] = self.registry_name()
            rendered = self.in_dialect(with_generation_indexes(text.format(**names),
                                                               generation))
            self._rendered[(generation, text)] = rendered
        return rendered

    def transaction(self, *, commit: bool) -> Any:
        return self.datastore.transaction(commit=commit)

    @contextmanager
    def write(self, check: bool = True) -> Iterator[Any]:
        """A write transaction on the serving generation (waits for a switch under way)."""
        with self.transaction(commit=True) as cursor:
            self.begin_write(cursor)
            with self.using(self.resolve(cursor, lock=True, check=check)):
                yield cursor

    def read_cursor(self) -> Any:
        """A cursor to read with (PostgreSQL: autocommit, see FewerRoundTrips)."""
        return self.datastore.transaction(commit=False)

    @contextmanager
    def read(self, check: bool = True) -> Iterator[Any]:
        """A read of the serving generation, or of the one this thread already uses."""
        with self.read_cursor() as cursor:
            if self.in_scope():
                yield cursor
                return
            with self.using(self.resolve(cursor, lock=False, check=check)):
                yield cursor

    def apply(self, changes: Sequence[RowChange], tracking: Tracking) -> None:
        """Applies the changes in order and records the position, atomically."""
        with self.write() as cursor:
            self.apply_in(cursor, changes, tracking)

    def all_tables(self) -> tuple[str, ...]:
        return ("ledgers", "dead_letters", "schema_version", *self.TABLES)

    def mark_version(self) -> None:
        """The serving generation now holds rows of this code's shape."""
        with self.write(check=False) as cursor:
            self.run(cursor, "DELETE FROM {schema_version}")
            self.run(cursor, "INSERT INTO {schema_version} (version) VALUES (?)",
                     (self.SCHEMA_VERSION,))
            self.run(cursor, "UPDATE {generations} SET version = ? WHERE view = ?",
                     (self.SCHEMA_VERSION, self.NAME))
            self.announce(cursor)

    def record_dead_letter(self, tracking: Tracking, error: str, at: int) -> None:
        """An event this view could not apply: its position and error class are kept,
        and the view moves past it in the same transaction (a rebuild retries it)."""
        with self.write() as cursor:
            self.run(cursor, "INSERT INTO {dead_letters} (position, error, recorded_at) "
                     "VALUES (?, ?, ?)", (tracking.notification_id, error, at))
            self._insert_tracking(cursor, tracking)

    def dead_letters(self) -> list[Any]:
        return self.query("SELECT position, error, recorded_at FROM {dead_letters} "
                          "ORDER BY position", check=False)

    def run(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> Any:
        cursor.execute(self.render(text), tuple(params))
        return cursor

    def query(self, text: str, params: Sequence[Any] = (), check: bool = True) -> list[Any]:
        """Rows of the serving generation. A read that resolved the generation a switch
        just retired, and found its tables dropped, is read again once from the new."""
        used = None
        try:
            with self.read(check) as cursor:
                used = self.generation_in_use()
                cursor.execute(self.render(text), tuple(params))
                return list(cursor.fetchall())
        except (ProgrammingError, OperationalError):
            if used is None or self.in_scope() or self.pinned or self.serving().number == used:
                raise
        self.forget_registry()
        with self.read(check) as cursor:
            cursor.execute(self.render(text), tuple(params))
            return list(cursor.fetchall())

    def create_statements(self) -> list[str]:
        return [self.render(ddl) for ddl in (self.LEDGERS_DDL, self.DEAD_LETTERS_DDL,
                                             self.SCHEMA_DDL, *self.DDL)]

    # Every view knows each ledger's time zone (weeks) and partners (their order).

    def op_ledger(self, cursor: Any, ledger_id: str, timezone: str, partners: str) -> None:
        self.run(cursor, "INSERT INTO {ledgers} (ledger_id, timezone, partners) VALUES (?, ?, ?) "
                 "ON CONFLICT (ledger_id) DO UPDATE SET partners = excluded.partners",
                 (ledger_id, timezone, partners))

    def op_partner(self, cursor: Any, ledger_id: str, partner: str,
                   replaces: str | None = None) -> None:
        """A partner joined, or (replaces=placeholder) claimed a placeholder's place."""
        row = self.run(cursor, "SELECT partners FROM {ledgers} WHERE ledger_id = ?",
                       (ledger_id,)).fetchone()
        partners: list[str] = json.loads(row["partners"]) if row else []
        if replaces in partners:
            partners[partners.index(replaces)] = partner
        elif partner not in partners:
            partners.append(partner)
        self.run(cursor, "UPDATE {ledgers} SET partners = ? WHERE ledger_id = ?",
                 (json.dumps(partners), ledger_id))

    def ledger_row(self, ledger_id: str) -> Any:
        rows = self.query("SELECT timezone, partners FROM {ledgers} WHERE ledger_id = ?",
                          (ledger_id,))
        return rows[0] if rows else None


class ImmediateTransaction(SQLiteTransaction):
    """Takes the file's write lock at BEGIN, so the registry row a writer reads first
    cannot change before it writes (after a deferred BEGIN, a switch committed in
    between would fail the writer with SQLITE_BUSY_SNAPSHOT instead of making it wait)."""

    def __enter__(self) -> Any:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        return cursor


class SQLiteView(ViewStore, SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        self._rendered = {}
        self._local = threading.local()
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), self.render(REGISTRY_DDL)]

    def create_table(self) -> None:
        super().create_table()
        self.create_tables()

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Any]:
        if not commit:
            with self.datastore.transaction(commit=False) as cursor:
                yield cursor
            return
        with (self.datastore.get_connection(commit=True) as connection,
              ImmediateTransaction(connection, commit=True) as wrapped, wrapped as cursor):
            yield cursor

    def table_name(self, name: str, generation: int = 1) -> str:
        return name if generation == 1 else f"{name}_g{generation}"

    def registry_name(self) -> str:
        return "view_generations"

    def in_dialect(self, statement: str) -> str:
        return statement

    def begin_write(self, cursor: Any) -> None:
        cursor.execute("PRAGMA secure_delete=ON")

    def forget_position(self, cursor: Any, key: str) -> None:
        cursor.execute("DELETE FROM tracking WHERE application_name = ?", (key,))


class PostgresView(FewerRoundTrips, ViewStore, PostgresTrackingRecorder):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        self._rendered = {}
        self._local = threading.local()
        tracking_table = str(kwargs.get("tracking_table_name", "view_tracking"))
        self.prefix = tracking_table.removesuffix("_tracking")
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.append(Composed([SQL(self.render(REGISTRY_DDL))]))

    def create_table(self) -> None:
        super().create_table()
        self.create_tables()

    def lock_clause(self) -> str:
        return " FOR SHARE"

    def table_name(self, name: str, generation: int = 1) -> str:
        prefix = self.prefix if generation == 1 else f"{self.prefix}_g{generation}"
        return f'"{self.datastore.schema}"."{prefix}_{name}"'

    def registry_name(self) -> str:
        return f'"{self.datastore.schema}"."view_generations"'

    def in_dialect(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def forget_position(self, cursor: Any, key: str) -> None:
        cursor.execute(SQL("DELETE FROM {} WHERE application_name = %s").format(
            Identifier(self.datastore.schema, self.tracking_table_name)), (key,))
