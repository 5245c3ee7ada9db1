"""The balance view: weekly buckets of care and needs per partner and visibility
owner ('' for shared, the author's id for a private entry), plus one row per
need, care, acknowledgement and check-in.

Whole weeks are read from the buckets; the week containing `as_of`, the
responsiveness medians and the window's details from the rows, which also locate
the bucket to correct when an amendment moves an entry to another week.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ledger.domain.values import SupportType
from projections.audience import Audience
from projections.views.base import PostgresView, SQLiteView, ViewStore

SUPPORT_TYPES = tuple(t.value for t in SupportType)
BUCKET_COUNTS = ("care", "quiet", *SUPPORT_TYPES, "needs")


class BalanceStore(ViewStore):
    NAME = "balance"
    TABLES: ClassVar[tuple[str, ...]] = ("buckets", "needs", "care", "acks", "checkins")
    DDL: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS {buckets} (ledger_id TEXT NOT NULL, week TEXT NOT NULL, "
        "partner TEXT NOT NULL, owner TEXT NOT NULL, "
        + ", ".join(f"{c} INTEGER NOT NULL DEFAULT 0" for c in BUCKET_COUNTS)
        + ", PRIMARY KEY (ledger_id, week, partner, owner))",
        "CREATE TABLE IF NOT EXISTS {needs} (need_id TEXT PRIMARY KEY, ledger_id TEXT NOT NULL, "
        "author TEXT NOT NULL, owner TEXT NOT NULL, occurred_at BIGINT NOT NULL, "
        "week TEXT NOT NULL, met_at BIGINT, withdrawn_at BIGINT, "
        "retracted INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS balance_needs_by_time ON {needs} (ledger_id, occurred_at)",
        "CREATE TABLE IF NOT EXISTS {care} (care_id TEXT PRIMARY KEY, ledger_id TEXT NOT NULL, "
        "giver TEXT NOT NULL, owner TEXT NOT NULL, occurred_at BIGINT NOT NULL, "
        "week TEXT NOT NULL, support_type TEXT NOT NULL, quiet INTEGER NOT NULL, "
        "in_response_to TEXT, retracted INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS balance_care_by_time ON {care} (ledger_id, occurred_at)",
        "CREATE INDEX IF NOT EXISTS balance_care_by_need ON {care} (in_response_to)",
        "CREATE TABLE IF NOT EXISTS {acks} (ack_id TEXT PRIMARY KEY, ledger_id TEXT NOT NULL, "
        "care_id TEXT NOT NULL, author TEXT NOT NULL, adequacy TEXT NOT NULL, "
        "recorded_at BIGINT NOT NULL, retracted INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS balance_acks_by_time ON {acks} (ledger_id, recorded_at)",
        "CREATE TABLE IF NOT EXISTS {checkins} (entry_id TEXT PRIMARY KEY, "
        "ledger_id TEXT NOT NULL, author TEXT NOT NULL, week TEXT NOT NULL, "
        "week_start BIGINT NOT NULL, felt_supported INTEGER NOT NULL, "
        "retracted INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX IF NOT EXISTS balance_checkins_by_week ON {checkins} (ledger_id, week)",
    )

    # ------------------------------------------------------------------ writes

    INSERTS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "need": ("needs", ("need_id", "ledger_id", "author", "owner", "occurred_at", "week")),
        "care": ("care", ("care_id", "ledger_id", "giver", "owner", "occurred_at", "week",
                          "support_type", "quiet", "in_response_to")),
        "ack": ("acks", ("ack_id", "ledger_id", "care_id", "author", "adequacy",
                         "recorded_at")),
        "checkin": ("checkins", ("entry_id", "ledger_id", "author", "week", "week_start",
                                 "felt_supported")),
    }

    def counted(self, op: str, row: dict[str, Any]) -> list[tuple[tuple[str, ...],
                                                                  dict[str, int]]]:
        """A need or care adds to its week's bucket for its author and owner."""
        if op == "need":
            return [((row["ledger_id"], row["week"], row["author"], row["owner"]),
                     {"needs": 1})]
        if op == "care":
            return [((row["ledger_id"], row["week"], row["giver"], row["owner"]),
                     self.care_counts(row["support_type"], row["quiet"]))]
        return []

    def write_sums(self, cursor: Any, sums: dict[tuple[str, ...], dict[str, int]]) -> None:
        """One upsert per bucket for the whole batch, all counters at once."""
        updates = ", ".join(f"{c} = b.{c} + excluded.{c}" for c in BUCKET_COUNTS)
        statement = ("INSERT INTO {buckets} AS b (ledger_id, week, partner, owner, "  # noqa: S608
                     f"{', '.join(BUCKET_COUNTS)}) VALUES (?, ?, ?, ?, "
                     f"{', '.join('?' * len(BUCKET_COUNTS))}) "
                     f"ON CONFLICT (ledger_id, week, partner, owner) DO UPDATE SET {updates}")
        cursor.executemany(self.render(statement), [
            [*key, *(deltas.get(c, 0) for c in BUCKET_COUNTS)] for key, deltas in sums.items()])

    def op_need_status(self, cursor: Any, need_id: str, column: str, at: int) -> None:
        if column in ("met_at", "withdrawn_at"):
            self.run(cursor, f"UPDATE {{needs}} SET {column} = ? WHERE need_id = ?",  # noqa: S608
                     (at, need_id))

    def op_ack(self, cursor: Any, **row: Any) -> None:
        self.run(cursor, "INSERT INTO {acks} (ack_id, ledger_id, care_id, author, adequacy, "
                 "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                 [row[c] for c in ("ack_id", "ledger_id", "care_id", "author", "adequacy",
                                   "recorded_at")])

    def op_checkin(self, cursor: Any, **row: Any) -> None:
        self.run(cursor, "INSERT INTO {checkins} (entry_id, ledger_id, author, week, "
                 "week_start, felt_supported) VALUES (?, ?, ?, ?, ?, ?)",
                 [row[c] for c in ("entry_id", "ledger_id", "author", "week", "week_start",
                                   "felt_supported")])

    def op_amend(self, cursor: Any, entry_id: str, **changes: Any) -> None:
        """Moves a need or care between buckets when its week, owner or type changes."""
        if "adequacy" in changes:
            self.run(cursor, "UPDATE {acks} SET adequacy = ? WHERE ack_id = ?",
                     (changes["adequacy"], entry_id))
        if "felt_supported" in changes:
            self.run(cursor, "UPDATE {checkins} SET felt_supported = ? WHERE entry_id = ?",
                     (changes["felt_supported"], entry_id))
        moved = {k: v for k, v in changes.items() if k in ("occurred_at", "week", "owner",
                                                           "support_type")}
        if moved:
            self.move(cursor, "needs", "need_id", "author", entry_id, moved)
            self.move(cursor, "care", "care_id", "giver", entry_id, moved)

    def op_retract(self, cursor: Any, entry_id: str) -> None:
        for table, key, partner in (("needs", "need_id", "author"), ("care", "care_id", "giver")):
            row = self.row(cursor, table, key, entry_id)
            if row is not None and not row["retracted"]:
                self.bump(cursor, row["ledger_id"], row["week"], row[partner], row["owner"],
                          **self.counts_of(table, row, -1))
        for table, key in (("needs", "need_id"), ("care", "care_id"), ("acks", "ack_id"),
                           ("checkins", "entry_id")):
            self.run(cursor, f"UPDATE {{{table}}} SET retracted = 1 WHERE {key} = ?",  # noqa: S608
                     (entry_id,))

    # ----------------------------------------------------------------- helpers

    def move(self, cursor: Any, table: str, key: str, partner: str, entry_id: str,
             changes: dict[str, Any]) -> None:
        row = self.row(cursor, table, key, entry_id)
        if row is None:
            return
        allowed = ("occurred_at", "week", "owner") + (("support_type",) if table == "care"
                                                      else ())
        updates = {k: v for k, v in changes.items() if k in allowed}
        if not updates:
            return
        if not row["retracted"]:
            self.bump(cursor, row["ledger_id"], row["week"], row[partner], row["owner"],
                      **self.counts_of(table, row, -1))
        assignments = ", ".join(f"{k} = ?" for k in updates)
        self.run(cursor, f"UPDATE {{{table}}} SET {assignments} WHERE {key} = ?",  # noqa: S608
                 [*updates.values(), entry_id])
        new = self.row(cursor, table, key, entry_id)
        if not new["retracted"]:
            self.bump(cursor, new["ledger_id"], new["week"], new[partner], new["owner"],
                      **self.counts_of(table, new, 1))

    def row(self, cursor: Any, table: str, key: str, entry_id: str) -> Any:
        return self.run(cursor, f"SELECT * FROM {{{table}}} WHERE {key} = ?",  # noqa: S608
                        (entry_id,)).fetchone()

    def counts_of(self, table: str, row: Any, sign: int) -> dict[str, int]:
        if table == "needs":
            return {"needs": sign}
        return {k: v * sign for k, v in self.care_counts(row["support_type"],
                                                         row["quiet"]).items()}

    @staticmethod
    def care_counts(support_type: str, quiet: int) -> dict[str, int]:
        return {"care": 1, "quiet": int(quiet), support_type: 1}

    def bump(self, cursor: Any, ledger_id: str, week: str, partner: str, owner: str,
             **deltas: int) -> None:
        columns = ", ".join(deltas)
        marks = ", ".join("?" * len(deltas))
        updates = ", ".join(f"{c} = b.{c} + excluded.{c}" for c in deltas)
        self.run(cursor, "INSERT INTO {buckets} AS b (ledger_id, week, partner, owner, "  # noqa: S608
                 f"{columns}) VALUES (?, ?, ?, ?, {marks}) "
                 "ON CONFLICT (ledger_id, week, partner, owner) "
                 f"DO UPDATE SET {updates}", [ledger_id, week, partner, owner, *deltas.values()])

    def op_partner(self, cursor: Any, ledger_id: str, partner: str,
                   replaces: str | None = None) -> None:
        """A claimed placeholder's history counts as the claimer's."""
        super().op_partner(cursor, ledger_id, partner, replaces)
        if not replaces:
            return
        for table, column in (("buckets", "partner"), ("buckets", "owner"), ("needs", "author"),
                              ("needs", "owner"), ("care", "giver"), ("care", "owner"),
                              ("acks", "author"), ("checkins", "author")):
            self.run(cursor, f"UPDATE {{{table}}} SET {column} = ? "  # noqa: S608
                     f"WHERE ledger_id = ? AND {column} = ?", (partner, ledger_id, replaces))

    # ------------------------------------------------------------------- reads

    def weekly(self, ledger_id: str, audience: Audience, before_week: str,
               after_week: str | None = None) -> list[Any]:
        """Whole weeks before `before_week` (and after `after_week`), summed over what
        the audience may see."""
        sums = ", ".join(f"SUM({c}) AS {c}" for c in BUCKET_COUNTS)
        owners, params = audience.owners("owner")
        return self.query(f"SELECT week, partner, {sums} FROM {{buckets}} "  # noqa: S608
                          f"WHERE ledger_id = ? AND {owners} AND week < ? AND week > ? "
                          "GROUP BY week, partner ORDER BY week",
                          (ledger_id, *params, before_week, after_week or ""))

    def care_rows(self, ledger_id: str, audience: Audience, start: int, end: int) -> list[Any]:
        return self.visible_rows("care", ledger_id, audience, start, end)

    def need_rows(self, ledger_id: str, audience: Audience, start: int, end: int) -> list[Any]:
        return self.visible_rows("needs", ledger_id, audience, start, end)

    def visible_rows(self, table: str, ledger_id: str, audience: Audience, start: int,
                     end: int) -> list[Any]:
        owners, params = audience.owners("owner")
        period, period_params = audience.period("occurred_at")
        return self.query(f"SELECT * FROM {{{table}}} WHERE ledger_id = ? AND {owners} "  # noqa: S608
                          f"AND retracted = 0 AND occurred_at >= ? AND occurred_at <= ? "
                          f"AND {period}", (ledger_id, *params, start, end, *period_params))

    def answers(self, ledger_id: str, audience: Audience, need_ids: list[str]) -> list[Any]:
        """Care answering these needs, as (need, occurred_at), visible and standing."""
        if not need_ids:
            return []
        marks = ", ".join("?" * len(need_ids))
        owners, params = audience.owners("owner")
        period, period_params = audience.period("occurred_at")
        return self.query(f"SELECT in_response_to, occurred_at FROM {{care}} "  # noqa: S608
                          f"WHERE ledger_id = ? AND in_response_to IN ({marks}) "
                          f"AND {owners} AND retracted = 0 AND {period}",
                          (ledger_id, *need_ids, *params, *period_params))

    def ack_rows(self, ledger_id: str, audience: Audience, start: int, end: int) -> list[Any]:
        period, params = audience.period("recorded_at")
        return self.query("SELECT * FROM {acks} WHERE ledger_id = ? AND retracted = 0 "  # noqa: S608
                          f"AND recorded_at >= ? AND recorded_at <= ? AND {period}",
                          (ledger_id, start, end, *params))

    def checkin_rows(self, ledger_id: str, audience: Audience, first_week: str,
                     last_week: str) -> list[Any]:
        """Check-ins in these weeks that the audience may see."""
        visible, params = audience.check_ins_rule(
            "c.author", "SELECT 1 FROM {checkins} o WHERE o.ledger_id = c.ledger_id "
            "AND o.week = c.week AND o.retracted = 0", "o.author", [])
        period, period_params = audience.period("c.week_start")
        return self.query(
            "SELECT c.* FROM {checkins} c WHERE c.ledger_id = ? AND c.retracted = 0 "  # noqa: S608
            f"AND c.week >= ? AND c.week <= ? AND {visible} AND {period}",
            (ledger_id, first_week, last_week, *params, *period_params))

    def first_week(self, ledger_id: str) -> str | None:
        rows = self.query("SELECT MIN(week) AS week FROM {buckets} WHERE ledger_id = ?",
                          (ledger_id,))
        return rows[0]["week"] if rows and rows[0]["week"] else None


class SQLiteBalanceView(BalanceStore, SQLiteView):
    pass


class PostgresBalanceView(BalanceStore, PostgresView):
    pass
