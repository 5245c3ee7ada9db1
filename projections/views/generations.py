"""Generations of a view, so that a new shape can be built beside the one serving.

A view's tables exist once per generation (generation 1 keeps the original names;
generation N adds `_gN` to its tables, indexes and tracking key). A registry row
per view names the generation that serves and the schema version its rows have;
every write transaction reads it, so a switch is one row update that the live
projector sees at its next transaction. Reads remember the row while the
process's commit listener has heard no change of the registry (on PostgreSQL a
change is announced with NOTIFY in its own transaction; on SQLite, where the
lookup is a statement in the same file, nothing is remembered). A process never
serves or writes a generation whose version is not the one its code reads
(`ViewUpgrading`).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.persistence import Tracking

from ledger.domain.exceptions import NotReady

REGISTRY_DDL = ("CREATE TABLE IF NOT EXISTS {generations} (view TEXT PRIMARY KEY, "
                "generation INTEGER NOT NULL, version INTEGER NOT NULL, building INTEGER, "
                "building_version INTEGER, retired INTEGER)")
_INDEX = re.compile(r"(INDEX IF (?:NOT )?EXISTS )(\w+)")
REMEMBER_SECONDS = 1.0  # even with no change heard (a listener's dead connection unseen)
_UNKNOWN = object()


class ViewUpgrading(NotReady):
    """The view serving was built by other code than this (older or newer): this
    process neither reads nor writes it until `ebbflow rebuild --online` is done."""

    retry_after = 30

    def __init__(self, view: str, stored: int, expected: int) -> None:
        super().__init__(f"this view ({view}) is being upgraded; try again shortly")
        self.view, self.stored, self.expected = view, stored, expected


@dataclass(frozen=True)
class Generation:
    number: int
    version: int
    building: int | None = None
    building_version: int | None = None
    retired: int | None = None


def suffixed(name: str, generation: int) -> str:
    return name if generation == 1 else f"{name}_g{generation}"


def with_generation_indexes(statement: str, generation: int) -> str:
    """Index names are per file (SQLite) or schema (PostgreSQL): one set per generation."""
    if generation == 1:
        return statement
    return _INDEX.sub(lambda m: m[1] + suffixed(m[2], generation), statement)


class Generations:
    """The generation half of a view store: which tables a transaction uses."""

    NAME: ClassVar[str] = ""
    SCHEMA_VERSION: ClassVar[int]
    pinned: int | None = None  # a rebuild's own generation, whatever serves
    watch: Any = None  # the process's CommitWaiter: reads may remember the registry
    _remembered: tuple[Any, float, Generation | None] | None = None  # epoch, until, row
    table_migration_identifier: str  # the library's marker in the tracking table
    _local: threading.local

    if TYPE_CHECKING:  # provided by ViewStore and its backend (declared for mypy only)
        def run(self, cursor: Any, text: str, params: Any = ()) -> Any:
            ...

        def transaction(self, *, commit: bool) -> Any:
            ...

        def read(self, check: bool = True) -> Any:
            ...

        def read_cursor(self) -> Any:
            ...

        def write(self, check: bool = True) -> Any:
            ...

        def create_statements(self) -> list[str]:
            ...

        def all_tables(self) -> tuple[str, ...]:
            ...

        def forget_position(self, cursor: Any, key: str) -> None:
            ...

    def lock_clause(self) -> str:
        """What makes a writer wait for a switch in progress (PostgreSQL: FOR SHARE)."""
        return ""

    def generation_in_use(self) -> int:
        return getattr(self._local, "generation", None) or self.pinned or 1

    @contextmanager
    def using(self, generation: int) -> Iterator[None]:
        """Statements rendered in this thread name this generation's tables."""
        previous = getattr(self._local, "generation", None)
        self._local.generation = generation
        try:
            yield
        finally:
            self._local.generation = previous

    def in_scope(self) -> bool:
        return getattr(self._local, "generation", None) is not None

    def registry(self, cursor: Any, lock: bool = False) -> Generation | None:
        statement = ("SELECT generation, version, building, building_version, retired "
                     "FROM {generations} WHERE view = ?" + (self.lock_clause() if lock else ""))
        row = self.run(cursor, statement, (self.NAME,)).fetchone()
        if row is None:
            return None
        return Generation(int(row["generation"]), int(row["version"]), row["building"],
                          row["building_version"], row["retired"])

    def announce(self, cursor: Any) -> None:
        """Tells other processes, at this transaction's commit, that the registry
        changed (PostgreSQL; see FewerRoundTrips)."""

    def _recall(self) -> tuple[Any, Any]:
        """The listener's epoch now, and the row remembered under it (or _UNKNOWN)."""
        epoch = self.watch.registry_epoch() if self.watch is not None else None
        kept = self._remembered
        if epoch is None or kept is None or kept[0] != epoch or time.monotonic() > kept[1]:
            return epoch, _UNKNOWN
        return epoch, kept[2]

    def registry_for_reads(self, cursor: Any) -> Generation | None:
        """The registry's row, remembered while no change of it has been heard. The
        epoch is read before the row: a change committed after is always heard."""
        epoch, found = self._recall()
        if found is _UNKNOWN:
            found = self.registry(cursor)
            if epoch is not None:
                self._remembered = (epoch, time.monotonic() + REMEMBER_SECONDS, found)
        return found  # type: ignore[no-any-return]

    def forget_registry(self) -> None:
        self._remembered = None

    def resolve(self, cursor: Any, *, lock: bool, check: bool) -> int:
        """The generation this transaction uses; refuses one of another shape.
        Writers read (and on PostgreSQL share-lock) the row every time."""
        if self.pinned is not None:
            return self.pinned
        found = self.registry(cursor, lock=True) if lock else self.registry_for_reads(cursor)
        if found is None:
            return 1
        if check and found.version != self.SCHEMA_VERSION:
            raise ViewUpgrading(self.NAME, found.version, self.SCHEMA_VERSION)
        return found.number

    def tracking_key(self, application_name: str) -> str:
        """The log's key in this generation (the library's own markers stay as they are)."""
        generation = self.generation_in_use()
        if generation == 1 or application_name == self.table_migration_identifier:
            return application_name
        return f"{application_name}@g{generation}"

    def _insert_tracking(self, cursor: Any, tracking: Tracking) -> None:
        keyed = Tracking(self.tracking_key(tracking.application_name), tracking.notification_id)
        super()._insert_tracking(cursor, keyed)  # type: ignore[misc]

    def position_in(self, cursor: Any, application_name: str, generation: int) -> int:
        with self.using(generation):
            key = self.tracking_key(application_name)
        found = self._max_tracking_id(key, cursor)  # type: ignore[attr-defined]
        return int(found or 0)

    def max_tracking_id(self, application_name: str) -> int | None:
        if application_name == self.table_migration_identifier:  # asked before any registry
            return super().max_tracking_id(application_name)  # type: ignore[misc, no-any-return]
        with self.read(check=False) as cursor:
            found = self._max_tracking_id(  # type: ignore[attr-defined]
                self.tracking_key(application_name), cursor)
            return int(found) if found is not None else None

    def serving(self) -> Generation:
        """The registry's row for this view (generation 1 of version 0 before any),
        read now."""
        with self.read_cursor() as cursor:
            return self.registry(cursor) or Generation(1, 0)

    def stored_version(self) -> int:
        """The shape the serving generation's rows were built in (0: not yet known)."""
        return self.serving().version

    def readable(self) -> bool:
        """Whether this code may read and write the generation serving."""
        return self.serving().version == self.SCHEMA_VERSION

    def check_readable(self) -> None:
        """As reads see it (the row remembered, if it is)."""
        _, found = self._recall()
        if found is _UNKNOWN:
            with self.read_cursor() as cursor:
                found = self.registry_for_reads(cursor)
        stored = found.version if found is not None else 0
        if stored != self.SCHEMA_VERSION:
            raise ViewUpgrading(self.NAME, stored, self.SCHEMA_VERSION)

    def create_tables(self) -> None:
        """The registry row (generation 1 for a view made before generations, with
        the version it recorded) and the serving generation's tables."""
        with self.transaction(commit=True) as cursor, self.using(1):
            found = self.registry(cursor, lock=True)  # not the generation a switch retires
            with self.using(found.number if found else 1):
                for statement in self.create_statements():
                    cursor.execute(statement)
            if found is None:
                row = self.run(cursor, "SELECT MAX(version) AS version FROM "
                               "{schema_version}").fetchone()
                self.run(cursor, "INSERT INTO {generations} (view, generation, version) "
                         "VALUES (?, 1, ?) ON CONFLICT (view) DO NOTHING",
                         (self.NAME, int(row["version"] or 0)))
                self.announce(cursor)

    def drop_generation(self, cursor: Any, application_name: str, generation: int) -> None:
        """One generation's tables and tracking record, gone."""
        with self.using(generation):
            for table in self.all_tables():
                self.run(cursor, f"DROP TABLE IF EXISTS {{{table}}}")
            self.forget_position(cursor, self.tracking_key(application_name))

    def drop(self, application_name: str) -> None:
        """Drops the serving generation's tables and position, then makes them empty."""
        with self.write(check=False) as cursor:
            generation = self.generation_in_use()
            self.drop_generation(cursor, application_name, generation)
            for statement in self.create_statements():
                cursor.execute(statement)
