"""The timeline view: one row per entry with its derived state, and each amendment.

`occurred_at` here is the entry's effective time: when it happened for needs,
care and moments, the start of its week for a check-in, when it was recorded for
an acknowledgement. Text stays sealed (JSON of sealed values) until read.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from projections.audience import Audience
from projections.views.base import PostgresView, SQLiteView, ViewStore

ENTRY_COLUMNS = (
    "ledger_id", "entry_id", "kind", "author", "occurred_at", "recorded_at",
    "original_recorded_at", "private_to", "week", "support_type", "intensity", "recurring",
    "quiet", "receiver", "in_response_to", "care_id", "adequacy", "felt_supported",
    "moment_kind", "texts", "original", "status",
)
AMENDABLE_COLUMNS = ("support_type", "intensity", "recurring", "occurred_at", "adequacy",
                     "felt_supported")


class TimelineStore(ViewStore):
    NAME = "timeline"
    INSERTS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "entry": ("entries", ENTRY_COLUMNS)}
    TABLES: ClassVar[tuple[str, ...]] = ("entries", "amendments")
    DDL: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS {entries} ("
        "ledger_id TEXT NOT NULL, entry_id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
        "author TEXT NOT NULL, occurred_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL, "
        "original_recorded_at BIGINT, private_to TEXT, shared_at BIGINT, week TEXT, "
        "support_type TEXT, intensity INTEGER, recurring INTEGER NOT NULL DEFAULT 0, "
        "quiet INTEGER NOT NULL DEFAULT 0, receiver TEXT, in_response_to TEXT, care_id TEXT, "
        "adequacy TEXT, felt_supported INTEGER, moment_kind TEXT, texts TEXT NOT NULL, "
        "original TEXT NOT NULL, status TEXT, resolved_at BIGINT, resolution_note TEXT, "
        "amended_at BIGINT, retracted_at BIGINT, retraction_reason TEXT)",
        "CREATE INDEX IF NOT EXISTS timeline_order ON {entries} "
        "(ledger_id, occurred_at DESC, entry_id DESC)",
        "CREATE INDEX IF NOT EXISTS timeline_responses ON {entries} (in_response_to)",
        "CREATE INDEX IF NOT EXISTS timeline_acks ON {entries} (care_id)",
        "CREATE INDEX IF NOT EXISTS timeline_by_week ON {entries} (ledger_id, week, kind)",
        "CREATE TABLE IF NOT EXISTS {amendments} ("
        "entry_id TEXT NOT NULL, recorded_at BIGINT NOT NULL, changes TEXT NOT NULL, "
        "reason TEXT NOT NULL, PRIMARY KEY (entry_id, recorded_at))",
    )

    # ------------------------------------------------------------------ writes

    def op_entry(self, cursor: Any, **row: Any) -> None:
        self.insert_many(cursor, "entry", [row])

    def op_resolve(self, cursor: Any, need_id: str, status: str, at: int,
                   note: str | None) -> None:
        self.run(cursor, "UPDATE {entries} SET status = ?, resolved_at = ?, "
                 "resolution_note = ? WHERE entry_id = ?", (status, at, note, need_id))

    def op_amend(self, cursor: Any, entry_id: str, at: int, changes: str, reason: str,
                 columns: dict[str, Any], texts: dict[str, Any], shared: bool) -> None:
        row = self.run(cursor, "SELECT texts FROM {entries} WHERE entry_id = ?",
                       (entry_id,)).fetchone()
        if row is None:
            return
        merged = {**json.loads(row["texts"]), **texts}
        assignments = ", ".join(f"{name} = ?" for name in columns)
        values = [*columns.values(), json.dumps(merged, sort_keys=True), at]
        self.run(cursor, f"UPDATE {{entries}} SET {assignments}{', ' if columns else ''}"  # noqa: S608
                 "texts = ?, amended_at = ? WHERE entry_id = ?", [*values, entry_id])
        if shared:
            self.run(cursor, "UPDATE {entries} SET shared_at = ? WHERE entry_id = ? AND "
                     "private_to IS NOT NULL AND shared_at IS NULL", (at, entry_id))
        self.run(cursor, "INSERT INTO {amendments} (entry_id, recorded_at, changes, reason) "
                 "VALUES (?, ?, ?, ?)", (entry_id, at, changes, reason))

    def op_retract(self, cursor: Any, entry_id: str, at: int, reason: str) -> None:
        self.run(cursor, "UPDATE {entries} SET retracted_at = ?, retraction_reason = ? "
                 "WHERE entry_id = ?", (at, reason, entry_id))

    def op_partner(self, cursor: Any, ledger_id: str, partner: str,
                   replaces: str | None = None) -> None:
        """A claimed placeholder's entries become the claimer's."""
        super().op_partner(cursor, ledger_id, partner, replaces)
        if replaces:
            for column in ("author", "receiver", "private_to"):
                self.run(cursor, f"UPDATE {{entries}} SET {column} = ? "  # noqa: S608
                         f"WHERE ledger_id = ? AND {column} = ?", (partner, ledger_id, replaces))

    # ------------------------------------------------------------------- reads

    def page(self, ledger_id: str, audience: Audience, *, as_of: int, known_at: int,
             filters: dict[str, Any], include_retracted: bool, after: tuple[int, str] | None,
             limit: int) -> list[Any]:
        """Entries the audience may see, newest first, keyset-paginated."""
        visible, visible_params = visible_to(audience, known_at)
        where = ["e.ledger_id = ?", "e.occurred_at <= ?", "e.recorded_at <= ?", visible]
        params: list[Any] = [ledger_id, as_of, known_at, *visible_params]
        for column in ("kind", "support_type"):
            if filters.get(column):
                where.append(f"e.{column} = ?")
                params.append(filters[column])
        if filters.get("partner"):
            where.append("e.author = ?")
            params.append(filters["partner"])
        if filters.get("from") is not None:
            where.append("e.occurred_at >= ?")
            params.append(filters["from"])
        if filters.get("to") is not None:
            where.append("e.occurred_at < ?")
            params.append(filters["to"])
        if not include_retracted:
            where.append("(e.retracted_at IS NULL OR e.retracted_at > ?)")
            params.append(known_at)
        if after is not None:
            where.append("(e.occurred_at < ? OR (e.occurred_at = ? AND e.entry_id < ?))")
            params.extend([after[0], after[0], after[1]])
        sql = ("SELECT e.* FROM {entries} e WHERE " + " AND ".join(where)  # noqa: S608
               + " ORDER BY e.occurred_at DESC, e.entry_id DESC LIMIT ?")
        return self.query(sql, [*params, limit])

    def linked(self, column: str, ids: list[str], audience: Audience,
               known_at: int) -> list[Any]:
        """Entries that answer (in_response_to) or acknowledge (care_id) these ids."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        visible, visible_params = visible_to(audience, known_at)
        return self.query(
            f"SELECT e.* FROM {{entries}} e WHERE e.{column} IN ({marks}) "  # noqa: S608
            "AND e.recorded_at <= ? AND (e.retracted_at IS NULL OR e.retracted_at > ?) AND "
            + visible + " ORDER BY e.occurred_at",
            [*ids, known_at, known_at, *visible_params])

    def amendments(self, entry_ids: list[str]) -> list[Any]:
        if not entry_ids:
            return []
        marks = ", ".join("?" * len(entry_ids))
        return self.query(f"SELECT * FROM {{amendments}} WHERE entry_id IN ({marks}) "  # noqa: S608
                          "ORDER BY entry_id, recorded_at", entry_ids)

    def one(self, ledger_id: str, audience: Audience, entry_id: str, known_at: int) -> Any:
        """One entry of this ledger, if the audience may see it (retracted ones too,
        for readers who may see them)."""
        visible, visible_params = visible_to(audience, known_at)
        rows = self.query("SELECT e.* FROM {entries} e WHERE e.ledger_id = ? "  # noqa: S608
                          "AND e.entry_id = ? AND " + visible,
                          [ledger_id, entry_id, *visible_params])
        return rows[0] if rows else None


def visible_to(audience: Audience, known_at: int) -> tuple[str, list[Any]]:
    return audience.sees(
        "e", author="author", is_check_in="e.kind = 'check_in'", known_at=known_at,
        same_week_check_ins="SELECT 1 FROM {entries} o WHERE o.ledger_id = e.ledger_id "
        "AND o.kind = 'check_in' AND o.week = e.week AND o.recorded_at <= ? "
        "AND (o.retracted_at IS NULL OR o.retracted_at > ?)",
        retracted_at="e.retracted_at", moment="e.occurred_at")



class SQLiteTimelineView(TimelineStore, SQLiteView):
    pass


class PostgresTimelineView(TimelineStore, PostgresView):
    pass
