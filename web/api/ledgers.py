"""Ledgers and partners: open, invite, join, pause, resume, leave."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.domain.exceptions import Invalid, NotFound
from ledger.domain.ledger import Ledger
from web.api import schemas
from web.api.document import CREATED, VERSIONED, declares
from web.api.preconditions import expected_version
from web.api.replies import no_content, recorded_reply, reply
from web.http import json_body
from web.imports import import_plan
from web.services import services

blp = Blueprint("ledgers", __name__, url_prefix="/api/v1", description="Ledgers and partners")


def ledger_body(ledger: Ledger) -> dict[str, Any]:
    summary = services().ledger.describe(ledger)
    return {**vars(summary), "partners": [vars(p) for p in summary.partners]}


def the_ledger(aggregates: Sequence[Aggregate]) -> Ledger:
    return next(a for a in aggregates if isinstance(a, Ledger))


@blp.route("/ledgers", methods=["POST"])
@blp.arguments(schemas.LedgerIn())
@blp.response(201, schemas.NewLedgerOut, headers=CREATED)
@declares(idempotency_key=True)
def open_ledger(body: dict[str, Any]) -> Response:
    """Open a ledger, with its first invite code (shown again by GET …/invite)."""
    def render(aggregates: Sequence[Aggregate]) -> tuple[dict[str, Any], str]:
        ledger = the_ledger(aggregates)
        return ({**ledger_body(ledger), "invite_code": invite_code_of(ledger)},
                f"/api/v1/ledgers/{ledger.id}")

    return recorded_reply(
        status=201, schema=schemas.one(schemas.NewLedgerOut), render=render,
        command=lambda prepare: services().ledger.open_ledger(
            g.account_id, body["name"], body["timezone"], prepare=prepare)[0],
    )


def invite_code_of(ledger: Ledger) -> str:
    """The code of the invite a ledger about to be saved holds (derived, never stored)."""
    assert ledger.invite_expires_at is not None
    return services().ledger.derived_invite_code(ledger.id, ledger.invite_expires_at)


@blp.route("/ledgers", methods=["GET"])
@blp.arguments(schemas.NoQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.LedgerListOut)
def list_ledgers(_query: dict[str, Any]) -> dict[str, Any]:
    """The ledgers I am a partner in."""
    app = services().ledger
    return {"items": [ledger_body(app.get_ledger(summary.id, g.account_id))
                      for summary in app.ledgers_of(g.account_id)]}


@blp.route("/ledgers/<uuid:ledger_id>", methods=["GET"])
@blp.arguments(schemas.NoQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.LedgerOut, headers=VERSIONED)
def get_ledger(_query: dict[str, Any], ledger_id: UUID) -> Response:
    """One ledger, with its version as a strong ETag."""
    ledger = g.ledger  # loaded by the gate
    return reply(200, schemas.one(schemas.LedgerOut).dump(ledger_body(ledger)),
                 etag=f'"{ledger.version}"')


@blp.route("/ledgers/<uuid:ledger_id>/invite", methods=["POST"])
@blp.response(201, schemas.InviteOut, headers=CREATED)
@declares(409, idempotency_key=True, if_match=True)
def issue_invite(ledger_id: UUID) -> Response:
    """Issue a new invite code (replacing the previous one)."""
    def render(aggregates: Sequence[Aggregate]) -> tuple[dict[str, Any], str]:
        ledger = the_ledger(aggregates)
        return ({"invite_code": invite_code_of(ledger),
                 "invite_expires_at": ledger.invite_expires_at},
                f"/api/v1/ledgers/{ledger_id}/invite")

    return recorded_reply(
        status=201, schema=schemas.one(schemas.InviteOut), render=render, ledger_id=ledger_id,
        command=lambda prepare: services().ledger.issue_invite(
            ledger_id, g.account_id, expected_version(), prepare=prepare)[0],
    )


@blp.route("/ledgers/<uuid:ledger_id>/invite", methods=["GET"])
@blp.arguments(schemas.NoQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.InviteOut)
def get_invite(_query: dict[str, Any], ledger_id: UUID) -> Response:
    """The open invite code, shown again (404 when there is none or it expired)."""
    invite = services().ledger.open_invite(ledger_id, g.account_id)
    if invite is None:
        raise NotFound("this ledger has no open invite; issue a new one")
    return reply(200, schemas.one(schemas.InviteOut).dump({
        "invite_code": invite.code, "invite_expires_at": invite.expires_at,
        "position": services().ledger.max_position()}))


@blp.route("/ledgers/<uuid:ledger_id>/invite", methods=["DELETE"])
@blp.response(204)
@declares(409)
def revoke_invite(ledger_id: UUID) -> Response:
    """Revoke the open invite code."""
    services().ledger.revoke_invite(ledger_id, g.account_id)
    return no_content()


@blp.route("/ledgers/join", methods=["POST"])
@blp.arguments(schemas.JoinIn())
@blp.response(200, schemas.LedgerReplyOut, headers=VERSIONED)
@declares(404, 409, idempotency_key=True)
def join_ledger(body: dict[str, Any]) -> Response:
    """Join a ledger with an invite code."""
    return recorded_reply(
        status=200, schema=schemas.one(schemas.LedgerReplyOut),
        render=lambda aggregates: (ledger_body(the_ledger(aggregates)), None),
        command=lambda prepare: services().ledger.join(g.account_id, body["invite_code"],
                                                       prepare=prepare),
    )


@blp.route("/ledgers/import", methods=["POST"])
@blp.response(201, schemas.LedgerReplyOut, headers=CREATED)
@blp.doc(requestBody={"required": True, "content": {
    "application/json": {"schema": "ExportDocument"}}})
@declares(429)
def import_ledger() -> Response:
    """Restore a complete, intact export signed by this instance as a new ledger of mine:
    I take the exporting partner's place; the other becomes a placeholder a new invite can
    claim. All or nothing; limited per account."""
    document = json_body()
    if not isinstance(document, dict):
        raise Invalid.field("_body", "send an ebbflow.export/2 document")
    app = services().ledger
    plan = import_plan(document, app.trusted_export_keys(),
                       services().settings.import_max_events)
    recorded = app.import_export(plan, g.account_id)
    ledger = services().ledger.get_ledger(recorded.id or UUID(int=0), g.account_id)
    body = schemas.one(schemas.LedgerReplyOut).dump({**ledger_body(ledger),
                                                     "position": recorded.position})
    return reply(201, body, etag=f'"{ledger.version}"', location=f"/api/v1/ledgers/{ledger.id}")


def _action(ledger_id: UUID, name: str) -> Response:
    app = services().ledger
    command = getattr(app, name)
    return recorded_reply(
        status=200, schema=schemas.one(schemas.LedgerReplyOut), ledger_id=ledger_id,
        render=lambda aggregates: (ledger_body(the_ledger(aggregates)), None),
        command=lambda prepare: command(ledger_id, g.account_id, expected_version(),
                                        prepare=prepare),
    )


@blp.route("/ledgers/<uuid:ledger_id>/pause", methods=["POST"])
@blp.response(200, schemas.LedgerReplyOut, headers=VERSIONED)
@declares(409, idempotency_key=True, if_match=True)
def pause_ledger(ledger_id: UUID) -> Response:
    """Pause the ledger: nothing new is recorded until the same partner resumes."""
    return _action(ledger_id, "pause")


@blp.route("/ledgers/<uuid:ledger_id>/resume", methods=["POST"])
@blp.response(200, schemas.LedgerReplyOut, headers=VERSIONED)
@declares(403, 409, idempotency_key=True, if_match=True)
def resume_ledger(ledger_id: UUID) -> Response:
    """Resume a ledger I paused."""
    return _action(ledger_id, "resume")


@blp.route("/ledgers/<uuid:ledger_id>/departure", methods=["POST"])
@blp.arguments(schemas.DepartureIn())
@blp.response(200, schemas.LedgerReplyOut, headers=VERSIONED)
@declares(idempotency_key=True)
def leave_ledger(body: dict[str, Any], ledger_id: UUID) -> Response:
    """Leave the ledger; with forget_me, everything I wrote in it becomes unreadable. The
    answer is the ledger as I last saw it, with me departed."""
    response = recorded_reply(
        status=200, schema=schemas.one(schemas.LedgerReplyOut), ledger_id=ledger_id,
        render=lambda aggregates: (ledger_body(the_ledger(aggregates)), None),
        command=lambda prepare: services().ledger.leave(ledger_id, g.account_id,
                                                        body["forget_me"], prepare=prepare),
    )
    return response  # with forget_me, the application purged my stored replies
