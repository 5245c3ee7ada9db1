"""Balance: weekly buckets and per-entry rows, as row changes."""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from ledger.domain.ledger import Ledger
from ledger.domain.values import Visibility
from ledger.domain.weeks import week_of, week_start
from projections.base import LedgerProjection
from projections.encoding import micros, recorded
from projections.views.balance import BalanceStore
from projections.views.batching import RowChange


class BalanceProjection(LedgerProjection[BalanceStore]):
    name = "balance"

    @singledispatchmethod
    def changes_for(self, event: Any, position: int) -> list[RowChange]:
        return self.ledger_metadata(event)

    @changes_for.register
    def _(self, event: Ledger.NeedExpressed, position: int) -> list[RowChange]:
        return [RowChange("need", {**self.placed(event), "need_id": event.entry_id.hex,
                                   "author": event.actor.hex})]

    @changes_for.register
    def _(self, event: Ledger.CareOffered, position: int) -> list[RowChange]:
        return [RowChange("care", {
            **self.placed(event), "care_id": event.entry_id.hex, "giver": event.actor.hex,
            "support_type": event.support_type.value, "quiet": int(event.quiet),
            "in_response_to": event.in_response_to.hex if event.in_response_to else None,
        })]

    @changes_for.register
    def _(self, event: Ledger.CareAcknowledged, position: int) -> list[RowChange]:
        return [RowChange("ack", {"ack_id": event.entry_id.hex,
                                  "ledger_id": event.originator_id.hex,
                                  "care_id": event.care_id.hex, "author": event.actor.hex,
                                  "adequacy": event.adequacy.value,
                                  "recorded_at": micros(recorded(event))})]

    @changes_for.register
    def _(self, event: Ledger.NeedMet | Ledger.NeedWithdrawn, position: int) -> list[RowChange]:
        column = "met_at" if isinstance(event, Ledger.NeedMet) else "withdrawn_at"
        return [RowChange("need_status", {"need_id": event.need_id.hex, "column": column,
                                          "at": micros(recorded(event))})]

    @changes_for.register
    def _(self, event: Ledger.CheckedIn, position: int) -> list[RowChange]:
        start = week_start(event.week, self.timezone_of(event.originator_id))
        return [RowChange("checkin", {"entry_id": event.entry_id.hex,
                                      "ledger_id": event.originator_id.hex,
                                      "author": event.actor.hex, "week": event.week,
                                      "week_start": micros(start),
                                      "felt_supported": event.felt_supported})]

    @changes_for.register
    def _(self, event: Ledger.EntryAmended, position: int) -> list[RowChange]:
        changes: dict[str, Any] = {}
        amended = event.changes
        if "occurred_at" in amended:
            changes["occurred_at"] = micros(amended["occurred_at"])
            changes["week"] = week_of(amended["occurred_at"],
                                      self.timezone_of(event.originator_id))
        if amended.get("visibility") is Visibility.SHARED:
            changes["owner"] = ""
        for name in ("support_type", "adequacy"):
            if name in amended:
                changes[name] = amended[name].value
        if "felt_supported" in amended:
            changes["felt_supported"] = amended["felt_supported"]
        if not changes:
            return []
        return [RowChange("amend", {"entry_id": event.entry_id.hex, **changes})]

    @changes_for.register
    def _(self, event: Ledger.EntryRetracted, position: int) -> list[RowChange]:
        return [RowChange("retract", {"entry_id": event.entry_id.hex})]

    def placed(self, event: Any) -> dict[str, Any]:
        """Where an entry counts: its ledger, time, week and visibility owner."""
        private = event.visibility is Visibility.PRIVATE
        return {"ledger_id": event.originator_id.hex,
                "owner": event.actor.hex if private else "",
                "occurred_at": micros(event.occurred_at),
                "week": week_of(event.occurred_at, self.timezone_of(event.originator_id))}
