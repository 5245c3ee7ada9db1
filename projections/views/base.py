"""What every view shares: dialect-neutral SQL, one transaction for a batch of row
changes plus the tracking record, and a drop for rebuilds.

Each view class lists its DDL and SQL once, with `{table}` names and `?`
placeholders; the SQLite and PostgreSQL bases render them for their dialect.
On SQLite a view lives in its own file (the library's tracking table there is
not named per projection); on PostgreSQL its tables are prefixed with its name.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from psycopg.sql import SQL, Composed, Identifier


@dataclass(frozen=True)
class RowChange:
    """One operation of a view, named after its `op_<name>` method."""

    op: str
    args: dict[str, Any] = field(default_factory=dict)


class ViewStore(ABC):
    """The dialect-neutral half of a view; mixed with a backend base below."""

    TABLES: ClassVar[tuple[str, ...]] = ()
    DDL: ClassVar[tuple[str, ...]] = ()
    LEDGERS_DDL = "CREATE TABLE IF NOT EXISTS {ledgers} (ledger_id TEXT PRIMARY KEY, " \
                  "timezone TEXT NOT NULL, partners TEXT NOT NULL DEFAULT '[]')"

    @abstractmethod
    def render(self, text: str) -> str:
        """The statement in this backend's dialect, with real table names."""

    @abstractmethod
    def write(self) -> AbstractContextManager[Any]:
        """A cursor in a transaction that commits."""

    @abstractmethod
    def read(self) -> AbstractContextManager[Any]:
        """A cursor in a transaction that only reads."""

    @abstractmethod
    def insert_tracking_in(self, cursor: Any, tracking: Tracking) -> None:
        """Records the log position within the cursor's transaction."""

    @abstractmethod
    def drop(self, application_name: str) -> None:
        """Drops the view's tables and position, then creates them empty."""

    def apply(self, changes: Sequence[RowChange], tracking: Tracking) -> None:
        """Applies the changes in order and records the position, atomically."""
        with self.write() as cursor:
            for change in changes:
                getattr(self, f"op_{change.op}")(cursor, **change.args)
            self.insert_tracking_in(cursor, tracking)

    def all_tables(self) -> tuple[str, ...]:
        return ("ledgers", *self.TABLES)

    def run(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> Any:
        cursor.execute(self.render(text), tuple(params))
        return cursor

    def query(self, text: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.read() as cursor:
            cursor.execute(self.render(text), tuple(params))
            return list(cursor.fetchall())

    def create_statements(self) -> list[str]:
        return [self.render(ddl) for ddl in (self.LEDGERS_DDL, *self.DDL)]

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


class SQLiteView(ViewStore, SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        self._rendered: dict[str, str] = {}
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.create_statements()]

    def render(self, text: str) -> str:
        rendered = self._rendered.get(text)
        if rendered is None:
            rendered = text.format(**{name: name for name in self.all_tables()})
            self._rendered[text] = rendered
        return rendered

    @contextmanager
    def write(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("PRAGMA secure_delete=ON")
            yield cursor

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as cursor:
            yield cursor

    def insert_tracking_in(self, cursor: Any, tracking: Tracking) -> None:
        self._insert_tracking(cursor, tracking)

    def drop(self, application_name: str) -> None:
        with self.write() as cursor:
            for table in self.all_tables():
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute("DELETE FROM tracking WHERE application_name = ?",
                           (application_name,))
        self.create_table()


class PostgresView(ViewStore, PostgresTrackingRecorder):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        self._rendered: dict[str, str] = {}
        tracking_table = str(kwargs.get("tracking_table_name", "view_tracking"))
        self.prefix = tracking_table.removesuffix("_tracking")
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in self.create_statements())

    def render(self, text: str) -> str:
        rendered = self._rendered.get(text)
        if rendered is None:
            schema = self.datastore.schema
            names = {name: f'"{schema}"."{self.prefix}_{name}"' for name in self.all_tables()}
            rendered = text.format(**names).replace("?", "%s")
            self._rendered[text] = rendered
        return rendered

    @contextmanager
    def write(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as cursor:
            yield cursor

    def insert_tracking_in(self, cursor: Any, tracking: Tracking) -> None:
        self._insert_tracking(cursor, tracking)

    def drop(self, application_name: str) -> None:
        with self.write() as cursor:
            for table in self.all_tables():
                cursor.execute(self.render(f"DROP TABLE IF EXISTS {{{table}}}"))
            cursor.execute(
                SQL("DELETE FROM {} WHERE application_name = %s").format(
                    Identifier(self.datastore.schema, self.tracking_table_name)),
                (application_name,))
        self.create_table()
