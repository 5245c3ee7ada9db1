"""Entries: each POST records one event and answers 201 with what it recorded."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import Schema

from web.api import schemas
from web.api.document import CREATED, declares
from web.api.preconditions import expected_version
from web.api.render import entry_body, entry_location, last_event
from web.api.replies import recorded_reply
from web.services import services

blp = Blueprint("entries", __name__, url_prefix="/api/v1/ledgers/<uuid:ledger_id>",
                description="Needs, care, acknowledgements, check-ins, moments")
ENTRY_INPUTS: dict[str, type[Schema]] = {  # one request schema per kind of entry (kinds.py)
    "need": schemas.NeedIn, "care": schemas.CareIn, "acknowledgement": schemas.AcknowledgementIn,
    "check_in": schemas.CheckInIn, "moment": schemas.MomentIn,
}


def record_entry(ledger_id: UUID, command: Callable[..., Any], **arguments: Any) -> Response:
    """Runs one entry command for the caller and answers the entry it recorded."""
    opener = services().reading.opener(ledger_id)

    def render(aggregates: Sequence[Aggregate]) -> tuple[dict[str, Any], str]:
        event = last_event(aggregates)
        timezone = getattr(aggregates[0], "timezone", "UTC")
        return entry_body(event, services().reading, opener, timezone), entry_location(event)

    return recorded_reply(
        status=201, schema=schemas.one(schemas.EntryReplyOut), render=render, ledger_id=ledger_id,
        command=lambda prepare: command(ledger_id, g.account_id, **arguments,
                                        expected_version=expected_version(), prepare=prepare),
    )


@blp.route("/needs", methods=["POST"])
@blp.arguments(schemas.NeedIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(409, idempotency_key=True, if_match=True)
def express_need(body: dict[str, Any], ledger_id: UUID) -> Response:
    """Express a need."""
    return record_entry(ledger_id, services().ledger.express_need, **body)


@blp.route("/care", methods=["POST"])
@blp.arguments(schemas.CareIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(409, idempotency_key=True, if_match=True)
def offer_care(body: dict[str, Any], ledger_id: UUID) -> Response:
    """Offer care to the other partner, perhaps answering one of their needs."""
    return record_entry(ledger_id, services().ledger.offer_care, **body)


@blp.route("/care/<uuid:care_id>/acknowledgement", methods=["POST"])
@blp.arguments(schemas.AcknowledgementIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(403, 409, idempotency_key=True, if_match=True)
def acknowledge_care(body: dict[str, Any], ledger_id: UUID, care_id: UUID) -> Response:
    """Say whether the care I received was too little, right or too much."""
    return record_entry(ledger_id, services().ledger.acknowledge_care, care_id=care_id, **body)


@blp.route("/needs/<uuid:need_id>/resolution", methods=["POST"])
@blp.arguments(schemas.ResolutionIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(403, 409, idempotency_key=True, if_match=True)
def resolve_need(body: dict[str, Any], ledger_id: UUID, need_id: UUID) -> Response:
    """Mark my need met or withdrawn."""
    return record_entry(ledger_id, services().ledger.resolve_need, need_id=need_id, **body)


@blp.route("/check-ins", methods=["POST"])
@blp.arguments(schemas.CheckInIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(409, idempotency_key=True, if_match=True)
def check_in(body: dict[str, Any], ledger_id: UUID) -> Response:
    """Check in for a week (default: this week in the ledger's time zone)."""
    return record_entry(ledger_id, services().ledger.check_in, **body)


@blp.route("/moments", methods=["POST"])
@blp.arguments(schemas.MomentIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(409, idempotency_key=True, if_match=True)
def share_moment(body: dict[str, Any], ledger_id: UUID) -> Response:
    """Share good news, an appreciation or a repair."""
    return record_entry(ledger_id, services().ledger.share_moment, **body)


@blp.route("/entries/<uuid:entry_id>/amendments", methods=["POST"])
@blp.arguments(schemas.AmendmentIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(403, 409, idempotency_key=True, if_match=True)
def amend_entry(body: dict[str, Any], ledger_id: UUID, entry_id: UUID) -> Response:
    """Amend one of my entries (a new event; the original stays in the history)."""
    return record_entry(ledger_id, services().ledger.amend_entry, entry_id=entry_id,
                        changes=body["changes"], reason=body["reason"])


@blp.route("/entries/<uuid:entry_id>/retraction", methods=["POST"])
@blp.arguments(schemas.RetractionIn())
@blp.response(201, schemas.EntryReplyOut, headers=CREATED)
@declares(403, 409, idempotency_key=True, if_match=True)
def retract_entry(body: dict[str, Any], ledger_id: UUID, entry_id: UUID) -> Response:
    """Retract one of my entries: it leaves the views, flagged in the raw history."""
    return record_entry(ledger_id, services().ledger.retract_entry, entry_id=entry_id,
                        reason=body["reason"])
