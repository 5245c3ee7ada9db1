"""The weekly check-in reminder: not caused by an event but by the day, so the
sender asks for it; it is unique by (week, ledger, recipient) like any message."""

from __future__ import annotations

import json
from datetime import datetime, time

from ledger.domain.notifications import DAYS, Preferences
from ledger.domain.weeks import week_of, zone
from ledger.infra.encoding_time import micros
from projections.notify.outbox import Outbox
from projections.notify.schedule import after_quiet_hours


def remind(outbox: Outbox, now: datetime, digest_time: str) -> int:
    """Queues this week's reminder for each partner whose chosen day it is in the
    ledger's time zone, once the digest time has come, if they have not checked in."""
    at = time.fromisoformat(digest_time)
    store = outbox.store
    queued = 0
    for row in store.reminder_recipients():
        chosen = Preferences.from_data(json.loads(row["preferences"]))
        account = row["account_id"]
        for ledger in store.ledgers_of(account):
            ledger_id = ledger["ledger_id"]
            local = now.astimezone(zone(ledger["timezone"]))
            if DAYS[local.weekday()] != chosen.weekly_reminder_day or local.time() < at:
                continue
            week = week_of(now, ledger["timezone"])
            if store.is_paused(ledger_id) or account in store.departed_from(ledger_id) \
                    or account in store.checked_in(ledger_id, week):
                continue
            not_before = after_quiet_hours(local, chosen.quiet_hours)
            outbox.enqueue(f"week:{week}:{ledger_id}", account, ledger_id, "weekly_reminder",
                           micros(now), micros(not_before))
            queued += 1
    return queued
