"""History: every event of each ledger with its log position, as row changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from ledger.domain.kinds import KINDS
from ledger.domain.ledger import Ledger
from ledger.domain.values import Visibility
from ledger.domain.weeks import week_start
from projections.base import LedgerProjection
from projections.encoding import dumps, event_data, micros, recorded
from projections.views.batching import RowChange
from projections.views.history import HistoryStore

SECRETS = frozenset({"invite_hash", "token_hash"})  # never shown, not even to partners
CREATES_ENTRY = tuple(getattr(Ledger, kind.event) for kind in KINDS.values())
ABOUT_ENTRY = {Ledger.NeedMet: "need_id", Ledger.NeedWithdrawn: "need_id",
               Ledger.EntryAmended: "entry_id", Ledger.EntryRetracted: "entry_id"}


class HistoryProjection(LedgerProjection[HistoryStore]):
    name = "history"

    @singledispatchmethod
    def changes_for(self, event: Any, position: int) -> list[RowChange]:
        return []  # accounts and indexes are not part of any ledger's history

    @changes_for.register
    def _(self, event: Ledger.Event, position: int) -> list[RowChange]:
        row = self.row(event, position)
        changes = self.ledger_metadata(event)
        about = ABOUT_ENTRY.get(type(event))
        if about is None:
            changes.append(RowChange("event", row))
            return changes
        entry_id = getattr(event, about).hex
        changes.append(RowChange("related_event", {**row, "entry_id": entry_id}))
        at = micros(recorded(event))
        if isinstance(event, Ledger.EntryRetracted):
            changes.append(RowChange("retract_entry", {"ledger_id": row["ledger_id"],
                                                       "entry_id": entry_id, "at": at}))
        elif isinstance(event, Ledger.EntryAmended):
            if event.changes.get("visibility") is Visibility.SHARED:
                changes.append(RowChange("share_entry", {"ledger_id": row["ledger_id"],
                                                         "entry_id": entry_id, "at": at}))
            if isinstance(event.changes.get("occurred_at"), datetime):
                changes.append(RowChange("move_entry", {
                    "ledger_id": row["ledger_id"], "entry_id": entry_id,
                    "at": micros(event.changes["occurred_at"])}))
        return changes

    def row(self, event: Any, position: int) -> dict[str, Any]:
        private = getattr(event, "visibility", None) is Visibility.PRIVATE
        entry_id = event.entry_id.hex if isinstance(event, CREATES_ENTRY) else None
        week = event.week if isinstance(event, Ledger.CheckedIn) else None
        occurred = self.occurred(event)
        return {
            "position": position, "ledger_id": event.originator_id.hex,
            "version": event.originator_version, "type": type(event).__name__,
            "class_version": getattr(type(event), "class_version", 1),
            "recorded_at": micros(event.timestamp),
            "occurred_at": occurred,
            "original_recorded_at": (micros(event.originally_recorded_at)
                                     if event.originally_recorded_at else None),
            "actor": event.actor.hex, "entry_id": entry_id,
            "private_to": event.actor.hex if private else None, "week": week,
            "entry_at": occurred if occurred is not None else micros(recorded(event)),
            "data": dumps({k: v for k, v in event_data(event).items() if k not in SECRETS}),
        }

    def occurred(self, event: Any) -> int | None:
        if isinstance(event, Ledger.CheckedIn):
            return micros(week_start(event.week, self.timezone_of(event.originator_id)))
        occurred_at = getattr(event, "occurred_at", None)
        return micros(occurred_at) if occurred_at is not None else None
