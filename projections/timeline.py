"""Timeline: every entry with its derived state, as row changes."""

from __future__ import annotations

from typing import Any

from eventsourcing.dispatch import singledispatchmethod

from ledger.domain.kinds import ENTRY_TEXTS, KINDS
from ledger.domain.ledger import Ledger
from ledger.domain.values import Visibility
from ledger.domain.weeks import week_start
from projections.base import LedgerProjection
from projections.encoding import dumps, joined, micros, recorded, to_data
from projections.views.batching import RowChange
from projections.views.timeline import TimelineStore


class TimelineProjection(LedgerProjection[TimelineStore]):
    name = "timeline"

    @singledispatchmethod
    def changes_for(self, event: Any, position: int) -> list[RowChange]:
        return self.ledger_metadata(event)

    @changes_for.register
    def _(self, event: Ledger.NeedExpressed, position: int) -> list[RowChange]:
        return [self.entry(event, "need", micros(event.occurred_at), status="open",
                           support_type=event.support_type.value, intensity=event.intensity,
                           recurring=int(event.recurring))]

    @changes_for.register
    def _(self, event: Ledger.CareOffered, position: int) -> list[RowChange]:
        return [self.entry(event, "care", micros(event.occurred_at),
                           support_type=event.support_type.value, quiet=int(event.quiet),
                           receiver=event.to.hex,
                           in_response_to=event.in_response_to.hex
                           if event.in_response_to else None)]

    @changes_for.register
    def _(self, event: Ledger.CareAcknowledged, position: int) -> list[RowChange]:
        return [self.entry(event, "acknowledgement", micros(recorded(event)),
                           care_id=event.care_id.hex, adequacy=event.adequacy.value)]

    @changes_for.register
    def _(self, event: Ledger.MomentShared, position: int) -> list[RowChange]:
        return [self.entry(event, "moment", micros(event.occurred_at),
                           moment_kind=event.kind.value)]

    @changes_for.register
    def _(self, event: Ledger.CheckedIn, position: int) -> list[RowChange]:
        start = week_start(event.week, self.timezone_of(event.originator_id))
        return [self.entry(event, "check_in", micros(start), week=event.week,
                           felt_supported=event.felt_supported)]

    @changes_for.register
    def _(self, event: Ledger.NeedMet | Ledger.NeedWithdrawn, position: int) -> list[RowChange]:
        status = "met" if isinstance(event, Ledger.NeedMet) else "withdrawn"
        note = dumps(to_data(event.note)) if event.note else None
        return [RowChange("resolve", {"need_id": event.need_id.hex, "status": status,
                                      "at": micros(recorded(event)), "note": note})]

    @changes_for.register
    def _(self, event: Ledger.EntryAmended, position: int) -> list[RowChange]:
        changes = event.changes
        columns: dict[str, Any] = {}
        for name in ("support_type", "adequacy"):
            if name in changes:
                columns[name] = changes[name].value
        for name in ("intensity", "felt_supported"):
            if name in changes:
                columns[name] = changes[name]
        if "recurring" in changes:
            columns["recurring"] = int(changes["recurring"])
        if "occurred_at" in changes:
            columns["occurred_at"] = micros(changes["occurred_at"])
        texts = {name: to_data(changes[name]) for name in ENTRY_TEXTS if name in changes}
        return [RowChange("amend", {
            "entry_id": event.entry_id.hex, "at": micros(recorded(event)),
            "changes": dumps(to_data(changes)), "reason": dumps(to_data(event.reason)),
            "columns": columns, "texts": texts,
            "shared": changes.get("visibility") is Visibility.SHARED,
        })]

    @changes_for.register
    def _(self, event: Ledger.EntryRetracted, position: int) -> list[RowChange]:
        return [RowChange("retract", {"entry_id": event.entry_id.hex,
                                      "at": micros(recorded(event)),
                                      "reason": dumps(to_data(event.reason))})]

    def new_entry_row(self, event: Any, timezone: str) -> dict[str, Any]:
        """The row an entry-creating event will make, before it is saved (the 201
        reply is rendered from it, by the reader's own code)."""
        self._timezones[event.originator_id] = timezone
        [change] = self.changes_for(event, 0)
        return dict(change.args)

    @staticmethod
    def entry(event: Any, kind: str, occurred_at: int, **fields: Any) -> RowChange:
        """The row every kind shares; `fields` are the kind's own columns."""
        texts = {name: to_data(getattr(event, name)) for name in KINDS[kind].texts
                 if getattr(event, name, None) is not None}
        private = getattr(event, "visibility", Visibility.SHARED) is Visibility.PRIVATE
        row: dict[str, Any] = {
            "ledger_id": event.originator_id.hex, "entry_id": event.entry_id.hex, "kind": kind,
            "author": event.actor.hex, "occurred_at": occurred_at,
            "recorded_at": micros(recorded(event)),
            "original_recorded_at": (micros(event.originally_recorded_at)
                                     if event.originally_recorded_at else None),
            "private_to": event.actor.hex if private else None, "week": None,
            "support_type": None, "intensity": None, "recurring": 0, "quiet": 0,
            "receiver": None, "in_response_to": None, "care_id": None, "adequacy": None,
            "felt_supported": None, "moment_kind": None, "status": None,
            "texts": dumps(texts),
        }
        row.update(fields)
        original = {name: row[name] for name in ("support_type", "intensity", "recurring",
                                                  "occurred_at", "adequacy", "felt_supported")}
        original["visibility"] = "private" if private else "shared"
        row["original"] = joined(dumps(original), row["texts"])
        return RowChange("entry", row)
