"""A recorded event as the API shows the resource it created or changed, with its
words opened for the caller (they wrote them, moments ago)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.domain.ledger import Ledger
from ledger.domain.places import AMENDMENT_REASON, RESOLUTION_NOTE, RETRACTION_REASON, entry_text
from ledger.domain.values import SealedText
from ledger.domain.weeks import week_start
from ledger.infra.sealing import Opener


def last_event(aggregates: Sequence[Aggregate]) -> Any:
    return aggregates[0].pending_events[-1]


def entry_location(event: Any) -> str:
    return f"/api/v1/ledgers/{event.originator_id}/entries/{event.entry_id}"


def entry_body(event: Any, opener: Opener, timezone: str = "UTC") -> dict[str, Any]:
    item: UUID = getattr(event, "entry_id", None) or event.need_id

    def text(value: SealedText | None, field: str) -> str | None:
        place = entry_text(event.originator_id, item, field)
        return opener.open(value, place) if value is not None else None

    base: dict[str, Any] = {"author": event.actor, "recorded_at": event.timestamp}
    if isinstance(event, Ledger.NeedExpressed):
        return {**base, "id": event.entry_id, "kind": "need", "need": text(event.need, "need"),
                "feeling": text(event.feeling, "feeling"),
                "situation": text(event.situation, "situation"),
                "support_type": event.support_type.value, "intensity": event.intensity,
                "recurring": event.recurring, "visibility": event.visibility.value,
                "occurred_at": event.occurred_at, "status": "open"}
    if isinstance(event, Ledger.CareOffered):
        return {**base, "id": event.entry_id, "kind": "care", "to": event.to,
                "description": text(event.description, "description"),
                "support_type": event.support_type.value,
                "in_response_to": event.in_response_to, "quiet": event.quiet,
                "visibility": event.visibility.value, "occurred_at": event.occurred_at}
    if isinstance(event, Ledger.CareAcknowledged):
        return {**base, "id": event.entry_id, "kind": "acknowledgement", "care_id": event.care_id,
                "adequacy": event.adequacy.value, "note": text(event.note, "note"),
                "visibility": "shared", "occurred_at": event.timestamp}
    if isinstance(event, Ledger.NeedMet | Ledger.NeedWithdrawn):
        outcome = "met" if isinstance(event, Ledger.NeedMet) else "withdrawn"
        return {**base, "id": event.need_id, "need_id": event.need_id, "kind": "need",
                "status": outcome, "outcome": outcome,
                "note": text(event.note, RESOLUTION_NOTE),
                "resolved_at": event.timestamp}
    if isinstance(event, Ledger.CheckedIn):
        return {**base, "id": event.entry_id, "kind": "check_in", "week": event.week,
                "felt_supported": event.felt_supported, "note": text(event.note, "note"),
                "visibility": "shared", "occurred_at": week_start(event.week, timezone)}
    if isinstance(event, Ledger.MomentShared):
        return {**base, "id": event.entry_id, "kind": "moment", "moment_kind": event.kind.value,
                "text": text(event.text, "text"), "visibility": event.visibility.value,
                "occurred_at": event.occurred_at}
    if isinstance(event, Ledger.EntryAmended):
        changes = {k: (text(v, k) if isinstance(v, SealedText) else _plain(v))
                   for k, v in event.changes.items()}
        return {**base, "id": event.entry_id, "amended": True,
                "amendments": [{"recorded_at": event.timestamp, "changes": changes,
                                "reason": text(event.reason, AMENDMENT_REASON)}]}
    if isinstance(event, Ledger.EntryRetracted):
        return {**base, "id": event.entry_id, "retracted": True,
                "reason": text(event.reason, RETRACTION_REASON)}
    raise TypeError(f"no rendering for {type(event).__name__}")


def _plain(value: Any) -> Any:
    if hasattr(value, "value"):
        return value.value
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    return value
