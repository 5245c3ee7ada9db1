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
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from eventsourcing.persistence import InterfaceError, OperationalError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteDatastore, SQLiteTrackingRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composed, Identifier

from projections.commit_wake import channel_of, payload


@dataclass(frozen=True)
class RowChange:
    """One operation of a view, named after its `op_<name>` method."""

    op: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pending:
    """What a batch has yet to write: inserted rows by op, summed counters by key."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sums: dict[tuple[str, ...], dict[str, int]] = field(default_factory=dict)


class ViewStore(ABC):
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
    # Raised whenever a view's tables or rows change shape: `ebbflow migrate` rebuilds a
    # view whose stored version is older. 2: dead letters; history's entry_at.
    SCHEMA_VERSION: ClassVar[int] = 2
    datastore: Any
    _rendered: dict[str, str]

    @abstractmethod
    def table_name(self, name: str) -> str:
        """The real name of one of this view's tables in this backend."""

    @abstractmethod
    def in_dialect(self, statement: str) -> str:
        """The statement with this backend's placeholders."""

    @abstractmethod
    def drop(self, application_name: str) -> None:
        """Drops the view's tables and position, then creates them empty."""

    def begin_write(self, cursor: Any) -> None:  # noqa: B027 - most backends need nothing
        """Per-transaction settings a backend needs before writing."""

    def render(self, text: str) -> str:
        rendered = self._rendered.get(text)
        if rendered is None:
            names = {name: self.table_name(name) for name in self.all_tables()}
            rendered = self.in_dialect(text.format(**names))
            self._rendered[text] = rendered
        return rendered

    @contextmanager
    def write(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as cursor:
            self.begin_write(cursor)
            yield cursor

    @contextmanager
    def read(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as cursor:
            yield cursor

    def apply(self, changes: Sequence[RowChange], tracking: Tracking) -> None:
        """Applies the changes in order and records the position, atomically. A batch's
        plain inserts (ops named in INSERTS) go to the database as one executemany per
        op, and the counters they add to (`counted`) are summed and written once per
        key; any other op first writes what is pending, so it sees every row before it.
        A rebuild's batch is mostly inserts."""
        with self.write() as cursor:
            pending = Pending()
            for change in changes:
                if change.op in self.INSERTS:
                    pending.rows.setdefault(change.op, []).append(change.args)
                    for key, deltas in self.counted(change.op, change.args):
                        counter = pending.sums.setdefault(key, {})
                        for name, delta in deltas.items():
                            counter[name] = counter.get(name, 0) + delta
                else:
                    self.write_pending(cursor, pending)
                    getattr(self, f"op_{change.op}")(cursor, **change.args)
            self.write_pending(cursor, pending)
            self._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]

    def counted(self, op: str, row: dict[str, Any]) -> list[tuple[tuple[str, ...],
                                                                  dict[str, int]]]:
        """The counters (by key) an inserted row adds to: none, unless a view keeps some."""
        return []

    def write_sums(self, cursor: Any, sums: dict[tuple[str, ...], dict[str, int]]) -> None:
        """Adds summed counters to their rows: a view that counts says how."""
        raise NotImplementedError(f"{type(self).__name__} counts but cannot write its sums")

    def write_pending(self, cursor: Any, pending: Pending) -> None:
        for op, rows in pending.rows.items():
            self.insert_many(cursor, op, rows)
        if pending.sums:
            self.write_sums(cursor, pending.sums)
        pending.rows, pending.sums = {}, {}

    def insert_many(self, cursor: Any, op: str, rows: list[dict[str, Any]]) -> None:
        table, columns = self.INSERTS[op]
        statement = (f"INSERT INTO {{{table}}} ({', '.join(columns)}) "  # noqa: S608
                     f"VALUES ({', '.join('?' * len(columns))})")
        cursor.executemany(self.render(statement), [[row[c] for c in columns] for row in rows])

    def all_tables(self) -> tuple[str, ...]:
        return ("ledgers", "dead_letters", "schema_version", *self.TABLES)

    def stored_version(self) -> int:
        """The shape the view's rows were built in (0: before versions were kept)."""
        rows = self.query("SELECT version FROM {schema_version}")
        return int(rows[0]["version"]) if rows else 0

    def mark_version(self) -> None:
        with self.write() as cursor:
            self.run(cursor, "DELETE FROM {schema_version}")
            self.run(cursor, "INSERT INTO {schema_version} (version) VALUES (?)",
                     (self.SCHEMA_VERSION,))

    def record_dead_letter(self, tracking: Tracking, error: str, at: int) -> None:
        """An event this view could not apply: its position and error class are kept,
        and the view moves past it in the same transaction (a rebuild retries it)."""
        with self.write() as cursor:
            self.run(cursor, "INSERT INTO {dead_letters} (position, error, recorded_at) "
                     "VALUES (?, ?, ?)", (tracking.notification_id, error, at))
            self._insert_tracking(cursor, tracking)  # type: ignore[attr-defined]

    def dead_letters(self) -> list[Any]:
        return self.query("SELECT position, error, recorded_at FROM {dead_letters} "
                          "ORDER BY position")

    def run(self, cursor: Any, text: str, params: Sequence[Any] = ()) -> Any:
        cursor.execute(self.render(text), tuple(params))
        return cursor

    def query(self, text: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.read() as cursor:
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


class SQLiteView(ViewStore, SQLiteTrackingRecorder):
    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        self._rendered = {}
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *self.create_statements()]

    def table_name(self, name: str) -> str:
        return name

    def in_dialect(self, statement: str) -> str:
        return statement

    def begin_write(self, cursor: Any) -> None:
        cursor.execute("PRAGMA secure_delete=ON")

    def drop(self, application_name: str) -> None:
        with self.write() as cursor:
            for table in self.all_tables():
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute("DELETE FROM tracking WHERE application_name = ?",
                           (application_name,))
        self.create_table()


class PostgresView(ViewStore, PostgresTrackingRecorder):
    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        self._rendered = {}
        tracking_table = str(kwargs.get("tracking_table_name", "view_tracking"))
        self.prefix = tracking_table.removesuffix("_tracking")
        super().__init__(datastore, **kwargs)
        self.sql_create_statements.extend(Composed([SQL(s)]) for s in self.create_statements())

    def table_name(self, name: str) -> str:
        return f'"{self.datastore.schema}"."{self.prefix}_{name}"'

    @property
    def commits_channel(self) -> str:
        return channel_of(self.datastore.schema, "views")

    @contextmanager
    def write(self) -> Iterator[Any]:
        """One pipeline per transaction: the changes, the position and COMMIT go to
        the server together instead of one round trip each."""
        with self.datastore.get_connection() as conn, conn.pipeline(), conn.transaction():
            cursor = conn.cursor()
            self.begin_write(cursor)
            yield cursor

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A read is one statement: on an autocommit connection it is one round trip,
        not BEGIN, the statement and ROLLBACK."""
        with self.datastore.get_connection() as conn:
            yield conn.cursor()

    @retry((InterfaceError, OperationalError), max_attempts=3)
    def query(self, text: str, params: Sequence[Any] = ()) -> list[Any]:
        """Retried on a connection the server dropped (the pool does not ping)."""
        return super().query(text, params)

    def _insert_tracking(self, curs: Any, tracking: Tracking) -> None:
        """The position, and a notification of it that PostgreSQL delivers at commit:
        reads waiting for this position wake then (projections.commit_wake)."""
        super()._insert_tracking(curs, tracking)
        curs.execute("SELECT pg_notify(%s, %s)", (self.commits_channel, payload(
            self.prefix, tracking.notification_id)))

    def in_dialect(self, statement: str) -> str:
        return statement.replace("?", "%s")

    def drop(self, application_name: str) -> None:
        with self.write() as cursor:
            for table in self.all_tables():
                cursor.execute(self.render(f"DROP TABLE IF EXISTS {{{table}}}"))
            cursor.execute(
                SQL("DELETE FROM {} WHERE application_name = %s").format(
                    Identifier(self.datastore.schema, self.tracking_table_name)),
                (application_name,))
        self.create_table()
