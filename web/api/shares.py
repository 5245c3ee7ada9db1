"""Counsellor shares: asked by one partner, approved by the other, revoked by either."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import RAISE, fields, validate

from projections.scope import SECTIONS
from services.shares import list_shares as shares_of
from web.api.document import CREATED, VERSIONED, declares
from web.api.fields import Name, StrictBoolean, UTCDateTime
from web.api.reads import find_in_view, wait_for_views
from web.api.replies import no_content, recorded_reply, reply
from web.api.schemas import PlainSchema, WaitQuery, asking, choice, one
from web.services import services

blp = Blueprint("shares", __name__, url_prefix="/api/v1/ledgers/<uuid:ledger_id>",
                description="Counsellor shares")


class ShareIn(PlainSchema):
    label = Name(required=True, error_messages=asking("Please write who the share is for."))
    expires_at = UTCDateTime(required=True, error_messages=asking(
        "Please say when the share ends."))
    from_ = UTCDateTime(data_key="from")
    to = UTCDateTime()
    sections = fields.List(fields.String(validate=validate.OneOf(SECTIONS)),
                           load_default=list(SECTIONS), validate=validate.Length(min=1))
    include_private = StrictBoolean(load_default=False, metadata={
        "description": "Whether the counsellor sees the requester's own private entries."})


class ApprovalIn(PlainSchema):
    include_private = StrictBoolean(load_default=False, metadata={
        "description": "Whether the counsellor sees the approver's own private entries."})


class ShareOut(PlainSchema):
    id = fields.UUID(dump_only=True, required=True)
    label = fields.String(dump_only=True, allow_none=True)
    status = choice(("pending", "active", "revoked", "expired"), required=True)
    requested_by = fields.UUID(dump_only=True)
    approved_by = fields.UUID(dump_only=True, allow_none=True)
    expires_at = UTCDateTime(dump_only=True)
    sections = fields.List(choice(SECTIONS), dump_only=True)
    from_ = fields.String(data_key="from", attribute="from", dump_only=True, allow_none=True)
    to = fields.String(dump_only=True, allow_none=True)
    url = fields.String(dump_only=True, allow_none=True, required=True, metadata={
        "description": "The counsellor's link, shown to the two partners while the share "
                       "is active (null for a share approved before links were derived "
                       "again: revoke it and ask for a new one)."})
    revoked_because = choice(("revoked", "partner_left"), allow_none=True, metadata={
        "description": "Why a revoked share ended: a partner revoked it, or a partner left "
                       "the ledger (which revokes every share)."})
    private_entries_of = fields.List(fields.UUID(), dump_only=True, metadata={
        "description": "The partners who let their own private entries reach the counsellor."})
    accesses = fields.Integer(dump_only=True)
    last_access = fields.String(dump_only=True, allow_none=True)
    position = fields.Integer(dump_only=True)


class ShareReplyOut(ShareOut):
    """One share as a write or a read of it answers, with the log position it reflects."""

    position = fields.Integer(dump_only=True, required=True)


class ShareListOut(PlainSchema):
    items = fields.List(fields.Nested(ShareOut), dump_only=True, required=True)


@blp.route("/shares", methods=["POST"])
@blp.arguments(ShareIn())
@blp.response(201, ShareReplyOut, headers=CREATED)
@declares(409, idempotency_key=True)
def request_share(body: dict[str, Any], ledger_id: UUID) -> Response:
    """Ask for a counsellor share; the other partner approves it."""
    def render(aggregates: Sequence[Aggregate]) -> tuple[dict[str, Any], str]:
        event: Any = aggregates[0].pending_events[-1]
        return ({"id": event.share_id, "label": body["label"], "status": "pending",
                 "requested_by": g.account_id, "expires_at": body["expires_at"],
                 "sections": body["sections"], "url": None, "accesses": 0},
                f"/api/v1/ledgers/{ledger_id}/shares/{event.share_id}")

    return recorded_reply(
        status=201, schema=one(ShareReplyOut), render=render, ledger_id=ledger_id,
        command=lambda prepare: services().ledger.request_share(
            ledger_id, g.account_id, label=body["label"], expires_at=body["expires_at"],
            sections=body["sections"], scope_from=body.get("from_"), scope_to=body.get("to"),
            include_private=body["include_private"], prepare=prepare))


@blp.route("/shares", methods=["GET"])
@blp.arguments(WaitQuery(), location="query", unknown=RAISE)
@blp.response(200, ShareListOut)
def list_shares(query: dict[str, Any], ledger_id: UUID) -> dict[str, Any]:
    """Every share of this ledger, with its counsellor url once active, and accesses."""
    wait_for_views(query, "history")
    return {"items": shares_of(services().ledger, services().reads, ledger_id, g.account_id)}


@blp.route("/shares/<uuid:share_id>", methods=["GET"])
@blp.arguments(WaitQuery(), location="query", unknown=RAISE)
@blp.response(200, ShareReplyOut)
def get_share(query: dict[str, Any], ledger_id: UUID, share_id: UUID) -> Response:
    """One share as the list shows it: where a new share's Location points."""
    def find() -> dict[str, Any] | None:
        return next((share for share in shares_of(services().ledger, services().reads,
                                                  ledger_id, g.account_id)
                     if share["id"] == share_id), None)

    found, position = find_in_view(query, "history", find, "share not found")
    return reply(200, one(ShareReplyOut).dump({**found, "position": position}))


@blp.route("/shares/<uuid:share_id>/approval", methods=["POST"])
@blp.arguments(ApprovalIn(), required=False)
@blp.response(200, ShareReplyOut, headers=VERSIONED)
@declares(403, 409, idempotency_key=True)
def approve_share(body: dict[str, Any], ledger_id: UUID, share_id: UUID) -> Response:
    """Approve the other partner's share: it becomes active and gets its url."""
    body_out = {"id": share_id, "status": "active",
                "url": f"/share/{services().ledger.share_token(share_id)}",
                "approved_by": g.account_id}
    return recorded_reply(
        status=200, schema=one(ShareReplyOut), ledger_id=ledger_id,
        render=lambda aggregates: (body_out, None),
        command=lambda prepare: services().ledger.approve_share(
            ledger_id, g.account_id, share_id=share_id, include_private=body["include_private"],
            prepare=prepare)[0])


@blp.route("/shares/<uuid:share_id>", methods=["DELETE"])
@blp.response(204)
@declares(409)
def revoke_share(ledger_id: UUID, share_id: UUID) -> Response:
    """Revoke a share (either partner, any time, even while paused)."""
    services().ledger.revoke_share(ledger_id, g.account_id, share_id=share_id)
    return no_content()
