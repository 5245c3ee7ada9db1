"""The notifier's tables: what it knows of ledgers and recipients, and the outbox.

A message is written with the tracking position of the event that caused it, in
one transaction (ViewStore.apply), and is unique by (source, recipient, kind): the
event's position, or the week of a reminder. The outbox holds no address and no
words: the sender opens the address when it sends. Never rebuilt from the log
(that would send everything again); a new notifier learns from the log who is who
without sending anything, then follows it (running.py).
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from projections.views.base import PostgresView, SQLiteView, ViewStore

PENDING = "sent_at IS NULL AND failed_at IS NULL"


class NotifierStore(ViewStore):
    NAME = "notifier"
    TABLES: ClassVar[tuple[str, ...]] = ("outbox", "recipients", "paused", "departed",
                                         "checkins", "learned")
    DDL: ClassVar[tuple[str, ...]] = (
        "CREATE TABLE IF NOT EXISTS {outbox} (message_id TEXT PRIMARY KEY, "
        "source TEXT NOT NULL, recipient TEXT NOT NULL, ledger_id TEXT, kind TEXT NOT NULL, "
        "created_at BIGINT NOT NULL, not_before BIGINT NOT NULL, digest INTEGER NOT NULL, "
        "attempts INTEGER NOT NULL DEFAULT 0, next_attempt BIGINT NOT NULL DEFAULT 0, "
        "sent_at BIGINT, failed_at BIGINT, last_error TEXT, "
        "UNIQUE (source, recipient, kind))",
        "CREATE INDEX IF NOT EXISTS outbox_due ON {outbox} (sent_at, not_before)",
        "CREATE TABLE IF NOT EXISTS {recipients} (account_id TEXT PRIMARY KEY, "
        "preferences TEXT NOT NULL DEFAULT '{{}}', verified INTEGER NOT NULL DEFAULT 0, "
        "deleted INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS {paused} (ledger_id TEXT PRIMARY KEY)",
        "CREATE TABLE IF NOT EXISTS {departed} (ledger_id TEXT NOT NULL, partner TEXT NOT "
        "NULL, PRIMARY KEY (ledger_id, partner))",
        "CREATE TABLE IF NOT EXISTS {checkins} (ledger_id TEXT NOT NULL, week TEXT NOT NULL, "
        "partner TEXT NOT NULL, PRIMARY KEY (ledger_id, week, partner))",
        "CREATE TABLE IF NOT EXISTS {learned} (position BIGINT NOT NULL)",
    )
    SCHEMA_VERSION: ClassVar[int] = 1

    # ------------------------------------------------------------- the notifier writes

    def op_enqueue(self, cursor: Any, **row: Any) -> None:
        columns = ("message_id", "source", "recipient", "ledger_id", "kind", "created_at",
                   "not_before", "digest")
        self.run(cursor, f"INSERT INTO {{outbox}} ({', '.join(columns)}) VALUES "  # noqa: S608
                 f"({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING",
                 [row[c] for c in columns])

    def op_recipient(self, cursor: Any, account_id: str) -> None:
        self.run(cursor, "INSERT INTO {recipients} (account_id) VALUES (?) "
                 "ON CONFLICT DO NOTHING", (account_id,))

    def op_preferences(self, cursor: Any, account_id: str, preferences: str) -> None:
        self.op_recipient(cursor, account_id)
        self.run(cursor, "UPDATE {recipients} SET preferences = ? WHERE account_id = ?",
                 (preferences, account_id))

    def op_verified(self, cursor: Any, account_id: str, verified: bool = True) -> None:
        """Verified by its link; unverified again when the address changes."""
        self.op_recipient(cursor, account_id)
        self.run(cursor, "UPDATE {recipients} SET verified = ? WHERE account_id = ?",
                 (int(verified), account_id))

    def op_forget_recipient(self, cursor: Any, account_id: str) -> None:
        """Account deleted: nothing more to it, and nothing pending is kept."""
        self.op_recipient(cursor, account_id)
        self.run(cursor, "UPDATE {recipients} SET deleted = 1, verified = 0, preferences = "
                 "'{{}}' WHERE account_id = ?", (account_id,))
        self.run(cursor, f"DELETE FROM {{outbox}} WHERE recipient = ? AND {PENDING}",  # noqa: S608
                 (account_id,))

    def op_paused(self, cursor: Any, ledger_id: str, paused: bool) -> None:
        if paused:
            self.run(cursor, "INSERT INTO {paused} (ledger_id) VALUES (?) ON CONFLICT DO "
                     "NOTHING", (ledger_id,))
            self.run(cursor, f"DELETE FROM {{outbox}} WHERE ledger_id = ? AND {PENDING}",  # noqa: S608
                     (ledger_id,))
        else:
            self.run(cursor, "DELETE FROM {paused} WHERE ledger_id = ?", (ledger_id,))

    def op_departed(self, cursor: Any, ledger_id: str, partner: str) -> None:
        self.run(cursor, "INSERT INTO {departed} (ledger_id, partner) VALUES (?, ?) "
                 "ON CONFLICT DO NOTHING", (ledger_id, partner))
        self.run(cursor, "DELETE FROM {outbox} WHERE ledger_id = ? AND recipient = ? "  # noqa: S608
                 f"AND {PENDING}", (ledger_id, partner))

    def op_checkin(self, cursor: Any, ledger_id: str, week: str, partner: str) -> None:
        self.run(cursor, "INSERT INTO {checkins} (ledger_id, week, partner) VALUES (?, ?, ?) "
                 "ON CONFLICT DO NOTHING", (ledger_id, week, partner))

    def learn_until(self, position: int) -> None:
        """Events up to `position` teach the notifier who is who but send nothing:
        they happened before it existed (or before a restore). Kept in the view, so a
        notifier killed while learning still sends nothing for them."""
        with self.write(check=False) as cursor:
            self.run(cursor, "DELETE FROM {learned}")
            self.run(cursor, "INSERT INTO {learned} (position) VALUES (?)", (position,))

    # ------------------------------------------------------------- the notifier reads

    def learned_until(self) -> int:
        rows = self.query("SELECT MAX(position) AS position FROM {learned}")
        return int(rows[0]["position"] or 0) if rows else 0

    def recipient(self, account_id: str) -> Any:
        rows = self.query("SELECT preferences, verified, deleted FROM {recipients} "
                          "WHERE account_id = ?", (account_id,))
        return rows[0] if rows else None

    def is_paused(self, ledger_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM {paused} WHERE ledger_id = ?", (ledger_id,)))

    def departed_from(self, ledger_id: str) -> frozenset[str]:
        return frozenset(r["partner"] for r in self.query(
            "SELECT partner FROM {departed} WHERE ledger_id = ?", (ledger_id,)))

    def checked_in(self, ledger_id: str, week: str) -> frozenset[str]:
        return frozenset(r["partner"] for r in self.query(
            "SELECT partner FROM {checkins} WHERE ledger_id = ? AND week = ?",
            (ledger_id, week)))

    def reminder_recipients(self) -> list[Any]:
        """Verified recipients who chose a weekly reminder."""
        return [r for r in self.query("SELECT account_id, preferences FROM {recipients} "
                                      "WHERE verified = 1 AND deleted = 0")
                if json.loads(r["preferences"]).get("weekly_reminder_day")]

    def ledgers_of(self, account_id: str) -> list[Any]:
        return [r for r in self.query("SELECT ledger_id, timezone, partners FROM {ledgers}")
                if account_id in json.loads(r["partners"])]


class SQLiteNotifierView(NotifierStore, SQLiteView):
    pass


class PostgresNotifierView(NotifierStore, PostgresView):
    pass
