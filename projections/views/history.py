"""The history view: every event of a ledger with its log position, for the raw
history endpoint and exports, without scanning the shared log per ledger."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from projections.audience import Audience, audience_of, in_list
from projections.views.base import PostgresView, SQLiteView, ViewStore


def visible_to(audience: Audience, known_at: int) -> tuple[str, list[Any]]:
    """An event about an entry sees what the entry sees (its privacy, its week, its
    retraction, its effective time); `week` marks check-in events."""
    visible, params = audience.sees(
        "h", author="actor", is_check_in="h.week IS NOT NULL", known_at=known_at,
        same_week_check_ins="SELECT 1 FROM {events} o WHERE o.ledger_id = h.ledger_id "
        "AND o.type = 'CheckedIn' AND o.week = h.week AND o.recorded_at <= ? "
        "AND (o.retracted_at IS NULL OR o.retracted_at > ?)",
        retracted_at="h.retracted_at", moment="h.entry_at")
    if audience.event_types is not None:
        types, type_params = in_list("h.type", tuple(sorted(audience.event_types)))
        return f"{visible} AND {types}", [*params, *type_params]
    return visible, params



class HistoryStore(ViewStore):
    NAME = "history"
    TABLES: ClassVar[tuple[str, ...]] = ("events",)
    DDL: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS {events} ("
        "position BIGINT PRIMARY KEY, ledger_id TEXT NOT NULL, version INTEGER NOT NULL, "
        "type TEXT NOT NULL, class_version INTEGER NOT NULL, recorded_at BIGINT NOT NULL, "
        "occurred_at BIGINT, original_recorded_at BIGINT, actor TEXT NOT NULL, "
        "entry_id TEXT, private_to TEXT, shared_at BIGINT, retracted_at BIGINT, week TEXT, "
        "entry_at BIGINT NOT NULL, data TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS history_by_ledger ON {events} (ledger_id, position)",
        # (ledger_id, entry_id) alone let SQLite prefer history_by_ledger for "first event
        # of an entry" and scan the whole ledger per event: 100k events took minutes
        "DROP INDEX IF EXISTS history_by_entry",
        "CREATE INDEX IF NOT EXISTS history_by_entry_first ON {events} "
        "(ledger_id, entry_id, position)",
        "CREATE INDEX IF NOT EXISTS history_by_week ON {events} (ledger_id, week, type)",
        "CREATE INDEX IF NOT EXISTS history_by_type ON {events} (ledger_id, type)",
    )
    COLUMNS = ("position", "ledger_id", "version", "type", "class_version", "recorded_at",
               "occurred_at", "original_recorded_at", "actor", "entry_id", "private_to",
               "week", "entry_at", "data")
    INSERTS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {"event": ("events", COLUMNS)}

    def op_event(self, cursor: Any, **row: Any) -> None:
        self.insert_many(cursor, "event", [row])

    def op_related_event(self, cursor: Any, **row: Any) -> None:
        """An event about an entry sees exactly what the entry's first event sees."""
        first = self.run(cursor, "SELECT private_to, shared_at, week, entry_at FROM {events} "
                         "WHERE ledger_id = ? AND entry_id = ? ORDER BY position LIMIT 1",
                         (row["ledger_id"], row["entry_id"])).fetchone()
        if first is not None:
            row = {**row, "private_to": first["private_to"], "week": first["week"],
                   "entry_at": first["entry_at"]}
        self.op_event(cursor, **row)
        if first is not None and first["shared_at"] is not None:
            self.op_share_entry(cursor, row["ledger_id"], row["entry_id"], first["shared_at"])

    def op_share_entry(self, cursor: Any, ledger_id: str, entry_id: str, at: int) -> None:
        self.run(cursor, "UPDATE {events} SET shared_at = ? WHERE ledger_id = ? AND "
                 "entry_id = ? AND private_to IS NOT NULL AND shared_at IS NULL",
                 (at, ledger_id, entry_id))

    def op_move_entry(self, cursor: Any, ledger_id: str, entry_id: str, at: int) -> None:
        """An amended `occurred_at` moves every event of the entry in time."""
        self.run(cursor, "UPDATE {events} SET entry_at = ? WHERE ledger_id = ? AND "
                 "entry_id = ?", (at, ledger_id, entry_id))

    def op_retract_entry(self, cursor: Any, ledger_id: str, entry_id: str, at: int) -> None:
        self.run(cursor, "UPDATE {events} SET retracted_at = ? WHERE ledger_id = ? AND "
                 "entry_id = ? AND retracted_at IS NULL", (at, ledger_id, entry_id))

    def events(self, ledger_id: str, reader: UUID | Audience, *, after: int, known_at: int,
               limit: int) -> list[Any]:
        """What the reader may see, oldest first, recorded by `known_at`."""
        visible, visible_params = visible_to(audience_of(reader), known_at)
        return self.query(
            "SELECT h.* FROM {events} h WHERE h.ledger_id = ? AND h.position > ? "  # noqa: S608
            "AND h.recorded_at <= ? AND " + visible + " ORDER BY h.position LIMIT ?",
            [ledger_id, after, known_at, *visible_params, limit],
        )

    def latest_position(self, ledger_id: str, reader: UUID | Audience, known_at: int) -> int:
        """The log position of the newest event of the ledger the reader may see: what
        an open page polls to know it has something new to show."""
        visible, visible_params = visible_to(audience_of(reader), known_at)
        rows = self.query(
            "SELECT h.position FROM {events} h WHERE h.ledger_id = ? "  # noqa: S608
            "AND h.recorded_at <= ? AND " + visible + " ORDER BY h.position DESC LIMIT 1",
            [ledger_id, known_at, *visible_params])
        return int(rows[0]["position"]) if rows else 0

    def events_of_types(self, ledger_id: str, types: tuple[str, ...]) -> list[Any]:
        marks = ", ".join("?" * len(types))
        return self.query(f"SELECT * FROM {{events}} WHERE ledger_id = ? AND type IN ({marks}) "  # noqa: S608
                          "ORDER BY position", (ledger_id, *types))

    def all_events(self, ledger_id: str, *, after: int, limit: int) -> list[Any]:
        """Every event of the ledger, oldest first (exports filter for the reader)."""
        return self.query("SELECT * FROM {events} WHERE ledger_id = ? AND position > ? "
                          "ORDER BY position LIMIT ?", (ledger_id, after, limit))


class SQLiteHistoryView(HistoryStore, SQLiteView):
    pass


class PostgresHistoryView(HistoryStore, PostgresView):
    pass
