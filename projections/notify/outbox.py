"""The outbox as the sender sees it: what is due, marking sent, retrying later with
exponential backoff, giving up, and the counts /metrics shows.

Marking is conditional (`sent_at IS NULL`), so two senders racing over one message
mark it once; the lease keeps a second sender from running at all.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ledger.domain.notifications import Preferences
from ledger.domain.weeks import zone
from projections.notify.schedule import after_quiet_hours
from projections.notify.store import PENDING, NotifierStore

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 2.0  # doubled per failure: 2 s, 4 s, ... about 4 min before the last
NAMESPACE = uuid.UUID("6f0a3c1e-4a55-4b1f-9d2e-0e6c1a7b9e21")


def message_id(source: str, recipient: str, kind: str) -> str:
    """The same (source, recipient, kind) always makes the same message."""
    return uuid.uuid5(NAMESPACE, f"{source}|{recipient}|{kind}").hex


def backoff_micros(attempts: int) -> int:
    return int(BACKOFF_SECONDS * (2 ** max(0, attempts - 1)) * 1_000_000)


class Outbox:
    def __init__(self, store: NotifierStore) -> None:
        self.store = store

    def due(self, now: int, limit: int = 100) -> list[Any]:
        return self.store.query(
            f"SELECT * FROM {{outbox}} WHERE {PENDING} AND not_before <= ? "  # noqa: S608
            "AND next_attempt <= ? ORDER BY created_at, message_id LIMIT ?", (now, now, limit))

    def mark_sent(self, message_ids: Sequence[str], now: int) -> int:
        done = 0
        with self.store.write() as cursor:
            for mid in message_ids:
                cursor.execute(self.store.render(
                    "UPDATE {outbox} SET sent_at = ?, attempts = attempts + 1 "
                    "WHERE message_id = ? AND sent_at IS NULL RETURNING message_id"),
                    (now, mid))
                done += len(cursor.fetchall())
        return done

    def retry_later(self, message_ids: Sequence[str], now: int, error: str) -> None:
        """Backs off; after MAX_ATTEMPTS the message is given up (failed)."""
        with self.store.write() as cursor:
            for mid in message_ids:
                cursor.execute(self.store.render(
                    "SELECT attempts FROM {outbox} WHERE message_id = ?"), (mid,))
                row = cursor.fetchone()
                attempts = (int(row["attempts"]) if row else 0) + 1
                failed = now if attempts >= MAX_ATTEMPTS else None
                cursor.execute(self.store.render(
                    "UPDATE {outbox} SET attempts = ?, next_attempt = ?, last_error = ?, "
                    "failed_at = ? WHERE message_id = ? AND sent_at IS NULL"),
                    (attempts, now + backoff_micros(attempts), error[:200], failed, mid))

    def hold_until(self, message_ids: Sequence[str], not_before: int) -> None:
        with self.store.write() as cursor:
            for mid in message_ids:
                cursor.execute(self.store.render(
                    "UPDATE {outbox} SET not_before = ? WHERE message_id = ? "
                    "AND sent_at IS NULL"), (not_before, mid))

    def quiet_until(self, recipient: str, ledger_id: str | None, now: datetime) -> datetime:
        """`now`, or the end of the recipient's quiet hours in that ledger's time zone
        (a note decided late, or a sender back after a stop, still waits for them)."""
        row = self.store.recipient(recipient)
        ledger = self.store.ledger_row(ledger_id) if ledger_id else None
        if row is None or ledger is None:
            return now
        chosen = Preferences.from_data(json.loads(row["preferences"]))
        local = now.astimezone(zone(str(ledger["timezone"])))
        return after_quiet_hours(local, chosen.quiet_hours).astimezone(UTC)

    def drop(self, message_ids: Sequence[str], now: int, reason: str) -> None:
        """Nothing may be sent (no address, not verified): kept as failed, not retried."""
        with self.store.write() as cursor:
            for mid in message_ids:
                cursor.execute(self.store.render(
                    "UPDATE {outbox} SET failed_at = ?, last_error = ? WHERE message_id = ? "
                    "AND sent_at IS NULL"), (now, reason, mid))

    def enqueue(self, source: str, recipient: str, ledger_id: str | None, kind: str,
                now: int, not_before: int) -> None:
        """A message not caused by an event (the weekly reminder), unique by source."""
        with self.store.write() as cursor:
            self.store.op_enqueue(cursor, message_id=message_id(source, recipient, kind),
                                  source=source, recipient=recipient, ledger_id=ledger_id,
                                  kind=kind, created_at=now, not_before=not_before, digest=0)

    def counts(self) -> dict[str, int]:
        rows = self.store.query(
            "SELECT SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent, "
            "SUM(CASE WHEN failed_at IS NOT NULL AND sent_at IS NULL THEN 1 ELSE 0 END) "
            "AS failed, SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 "
            "END) AS pending FROM {outbox}")
        row = rows[0] if rows else {}
        return {k: int(row[k] or 0) if row else 0 for k in ("sent", "failed", "pending")}
