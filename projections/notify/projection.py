"""The notifier as a projection: each event becomes what the notifier learns (who
chose what, which ledger is paused, who checked in) and the messages it decides,
written with the tracking position in one transaction, like every view."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from ledger.domain.accounts import Account
from ledger.domain.ledger import Ledger
from ledger.domain.notifications import EVERYTHING, Preferences
from projections.base import LedgerProjection
from projections.encoding import micros
from projections.notify.decide import (
    ACCOUNT_KINDS,
    Candidate,
    LedgerState,
    for_account,
    for_ledger,
)
from projections.notify.outbox import message_id
from projections.notify.schedule import schedule
from projections.notify.store import NotifierStore
from projections.views.batching import RowChange

DIGEST_TIME = time(8, 0)  # the default; `ebbflow notify` passes the instance's setting


class NotifierProjection(LedgerProjection[NotifierStore]):
    name = "notifier"
    digest_time = DIGEST_TIME
    _learned: int | None = None  # events up to here teach, decide nothing (store.py)

    @singledispatchmethod
    def changes_for(self, event: Any, position: int) -> list[RowChange]:
        return []

    @changes_for.register
    def _(self, event: Account.Event, position: int) -> list[RowChange]:
        account = event.originator_id.hex
        changes = self.learned_of_account(event, account)
        return changes + self.messages(for_account(event), event, position)

    @changes_for.register
    def _(self, event: Ledger.Event, position: int) -> list[RowChange]:
        ledger_id = event.originator_id.hex
        changes = self.ledger_metadata(event)
        if isinstance(event, Ledger.Paused | Ledger.Resumed):
            changes.append(RowChange("paused", {"ledger_id": ledger_id,
                                                "paused": isinstance(event, Ledger.Paused)}))
        if isinstance(event, Ledger.PartnerLeft):
            changes.append(RowChange("departed", {"ledger_id": ledger_id,
                                                  "partner": event.actor.hex}))
        if isinstance(event, Ledger.CheckedIn):
            changes.append(RowChange("checkin", {"ledger_id": ledger_id, "week": event.week,
                                                 "partner": event.actor.hex}))
        state = self.state_of(event)
        return changes + self.messages(for_ledger(event, state), event, position)

    def learned_of_account(self, event: Any, account: str) -> list[RowChange]:
        if isinstance(event, Account.Registered):
            return [RowChange("recipient", {"account_id": account})]
        if isinstance(event, Account.NotificationsChosen):
            return [self.preferences(account, Preferences.from_data(event.preferences))]
        if isinstance(event, Account.Unsubscribed):
            return [self.preferences(account, self.preferences_of(account).without(
                event.kind if event.kind else EVERYTHING))]
        if isinstance(event, Account.EmailVerified | Account.EmailChanged):
            return [RowChange("verified", {"account_id": account,
                                           "verified": isinstance(event, Account.EmailVerified)})]
        if isinstance(event, Account.Deleted):
            return [RowChange("forget_recipient", {"account_id": account})]
        return []

    @staticmethod
    def preferences(account: str, chosen: Preferences) -> RowChange:
        return RowChange("preferences", {"account_id": account,
                                         "preferences": json.dumps(chosen.as_data())})

    def preferences_of(self, account: str) -> Preferences:
        row = self.view.recipient(account)
        return Preferences.from_data(json.loads(row["preferences"]) if row else None)

    def state_of(self, event: Any) -> LedgerState:
        ledger_id = event.originator_id.hex
        row = self.view.ledger_row(ledger_id)
        partners = json.loads(row["partners"]) if row else []
        if isinstance(event, Ledger.Opened):
            partners = [event.actor.hex]
        week = getattr(event, "week", None) if isinstance(event, Ledger.CheckedIn) else None
        return LedgerState(
            partners=partners, paused=self.view.is_paused(ledger_id),
            departed=self.view.departed_from(ledger_id),
            checked_in=self.view.checked_in(ledger_id, week) if week else frozenset())

    def messages(self, candidates: list[Candidate], event: Any,
                 position: int) -> list[RowChange]:
        if self._learned is None:
            self._learned = self.view.learned_until()
        if position <= self._learned:
            return []
        at = event.timestamp
        changes = []
        for candidate in candidates:
            when = self.when(candidate, at)
            if when is None:
                continue
            not_before, digest = when
            changes.append(RowChange("enqueue", {
                "message_id": message_id(str(position), candidate.recipient, candidate.kind),
                "source": str(position), "recipient": candidate.recipient,
                "ledger_id": candidate.ledger_id, "kind": candidate.kind,
                "created_at": micros(at), "not_before": not_before, "digest": digest}))
        return changes

    def when(self, candidate: Candidate, at: Any) -> tuple[int, int] | None:
        """(not before, digest) for a message the recipient wants; None otherwise."""
        if candidate.kind in ACCOUNT_KINDS:
            return micros(at), 0
        row = self.view.recipient(candidate.recipient)
        if row is None or not row["verified"] or row["deleted"]:
            return None
        chosen = Preferences.from_data(json.loads(row["preferences"]))
        timezone = self.timezone_of_hex(candidate.ledger_id)
        scheduled = schedule(chosen, candidate.kind, timezone, at, self.digest_time)
        if scheduled is None:
            return None
        return micros(scheduled.not_before), int(scheduled.digest)

    def timezone_of_hex(self, ledger_id: str | None) -> str:
        if ledger_id is None:
            return "UTC"
        row = self.view.ledger_row(ledger_id)
        return str(row["timezone"]) if row else "UTC"
