"""What each kind of entry adds to a timeline item, beside what every entry has:
one function per kind. `KIND_FIELDS` names every kind of `ledger.domain.kinds`
(tests/unit/test_kinds.py), so no kind is ever shown as another."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.domain.places import RESOLUTION_NOTE, entry_text
from ledger.infra.sealing import Opener
from projections.encoding import from_micros, open_at


@dataclass(frozen=True)
class Seen:
    """One entry's row, its amendable fields as known at the moment read, what
    answers or acknowledges it, and the moments the read is as of."""

    row: Any
    fields: dict[str, Any]
    responses: list[Any]
    acks: list[Any]
    as_of: int
    known_at: int
    opener: Opener


def need_fields(seen: Seen) -> dict[str, Any]:
    row, fields = seen.row, seen.fields
    resolved = row["resolved_at"] is not None and row["resolved_at"] <= min(seen.as_of,
                                                                            seen.known_at)
    note = open_at(json.loads(row["resolution_note"]),
                   entry_text(row["ledger_id"], row["entry_id"], RESOLUTION_NOTE),
                   seen.opener) if resolved and row["resolution_note"] else None
    return {
        "support_type": fields["support_type"], "intensity": fields["intensity"],
        "recurring": bool(fields["recurring"]),
        "status": row["status"] if resolved else "open",
        "resolved_at": from_micros(row["resolved_at"]) if resolved else None,
        "resolution_note": note,
        "responses": [{"id": str(UUID(r["entry_id"])), "author": str(UUID(r["author"])),
                       "occurred_at": from_micros(r["occurred_at"])} for r in seen.responses],
    }


def care_fields(seen: Seen) -> dict[str, Any]:
    row, ack = seen.row, next(iter(seen.acks), None)
    return {
        "to": str(UUID(row["receiver"])), "support_type": seen.fields["support_type"],
        "in_response_to": str(UUID(row["in_response_to"])) if row["in_response_to"] else None,
        "quiet": bool(row["quiet"]),
        "acknowledgement": None if ack is None else {
            "id": str(UUID(ack["entry_id"])), "adequacy": ack["adequacy"],
            "note": open_at(json.loads(ack["texts"]).get("note"),
                            entry_text(ack["ledger_id"], ack["entry_id"], "note"), seen.opener),
            "recorded_at": from_micros(ack["recorded_at"])},
    }


def acknowledgement_fields(seen: Seen) -> dict[str, Any]:
    return {"care_id": str(UUID(seen.row["care_id"])), "adequacy": seen.fields["adequacy"]}


def check_in_fields(seen: Seen) -> dict[str, Any]:
    return {"week": seen.row["week"], "felt_supported": seen.fields["felt_supported"]}


def moment_fields(seen: Seen) -> dict[str, Any]:
    return {"moment_kind": seen.row["moment_kind"]}


KIND_FIELDS: dict[str, Callable[[Seen], dict[str, Any]]] = {
    "need": need_fields, "care": care_fields, "acknowledgement": acknowledgement_fields,
    "check_in": check_in_fields, "moment": moment_fields,
}
