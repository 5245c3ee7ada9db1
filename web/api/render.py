"""A recorded event as the API answers it, before it is saved (the reply is stored
with the events when an Idempotency-Key is given). A new entry is rendered by the
reader's own code from the row its event makes, so a 201 and a later read of the
entry agree; a resolution, an amendment or a retraction answers the change, its
words opened by the same functions as the timeline's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.domain import Aggregate

from ledger.domain.kinds import BY_EVENT
from ledger.domain.ledger import Ledger
from ledger.domain.places import AMENDMENT_REASON, RESOLUTION_NOTE, RETRACTION_REASON, entry_text
from ledger.infra.sealing import Opener
from projections.encoding import open_at, to_data
from projections.scope import Reading
from projections.timeline_query import TimelineReader


def last_event(aggregates: Sequence[Aggregate]) -> Any:
    return aggregates[0].pending_events[-1]


def entry_location(event: Any) -> str:
    entry = getattr(event, "entry_id", None) or event.need_id
    return f"/api/v1/ledgers/{event.originator_id}/entries/{entry}"


def entry_body(event: Any, reading: Reading, opener: Opener, timezone: str) -> dict[str, Any]:
    if type(event).__name__ in BY_EVENT:
        return reading.new_entry(event, timezone)
    ledger = event.originator_id.hex
    base: dict[str, Any] = {"author": event.actor, "recorded_at": event.timestamp}
    if isinstance(event, Ledger.NeedMet | Ledger.NeedWithdrawn):
        outcome = "met" if isinstance(event, Ledger.NeedMet) else "withdrawn"
        note = open_at(to_data(event.note), entry_text(ledger, event.need_id, RESOLUTION_NOTE),
                       opener)
        return {**base, "id": event.need_id, "need_id": event.need_id, "kind": "need",
                "status": outcome, "outcome": outcome, "note": note,
                "resolved_at": event.timestamp}
    entry = event.entry_id.hex
    if isinstance(event, Ledger.EntryAmended):
        changes = TimelineReader.opened_changes(ledger, entry, to_data(event.changes), opener)
        reason = open_at(to_data(event.reason), entry_text(ledger, entry, AMENDMENT_REASON),
                         opener)
        return {**base, "id": event.entry_id, "amended": True,
                "amendments": [{"recorded_at": event.timestamp, "changes": changes,
                                "reason": reason}]}
    if isinstance(event, Ledger.EntryRetracted):
        reason = open_at(to_data(event.reason), entry_text(ledger, entry, RETRACTION_REASON),
                         opener)
        return {**base, "id": event.entry_id, "retracted": True, "reason": reason}
    raise TypeError(f"no rendering for {type(event).__name__}")
