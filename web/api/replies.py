"""Answering a write: the reply is built from what the command is about to record
(its pending events), just before they are saved. With an `Idempotency-Key`, that
reply is stored encrypted in the same transaction as the events, so a retry,
on any worker and after any restart, gets it back and records nothing."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from flask import Response, g, request
from marshmallow import Schema

from ledger.app.core import Recorded
from ledger.app.replies import ReplyKey
from ledger.domain.exceptions import Conflict, Invalid
from ledger.domain.ledger import Ledger
from web.services import services

KEY_HEADER = "Idempotency-Key"
STALE_CLAIM_SECONDS = 60
Render = Callable[[Sequence[Aggregate]], tuple[dict[str, Any], str | None]]


@dataclass
class Capture:
    status: int
    schema: Schema
    render: Render
    scope: ReplyKey | None
    ledger_id: UUID | None
    body: dict[str, Any] = field(default_factory=dict)
    location: str | None = None
    version: int | None = None

    def prepare(self, aggregates: Sequence[Aggregate]) -> dict[str, Any]:
        """Called with the changed aggregates just before they are saved."""
        raw, self.location = self.render(aggregates)
        self.body = self.schema.dump(raw)
        ledger = next((a for a in aggregates if isinstance(a, Ledger)), None)
        if ledger is not None:
            self.ledger_id, self.version = ledger.id, ledger.version
        if self.scope is None:
            return {}
        stored = {"status": self.status, "body": dict(self.body), "etag": self.etag(),
                  "location": self.location}
        return {"idempotency": services().ledger.replies.to_store(
            self.scope, self.ledger_id.hex if self.ledger_id else None, self.status, stored)}

    def etag(self) -> str | None:
        return f'"{self.version}"' if self.ledger_id is not None and self.version else None

    def finish(self, recorded: Recorded) -> Response:
        if self.ledger_id is not None:
            self.version = recorded.version
        body = {**self.body, "position": recorded.position}
        return reply(self.status, body, self.etag(), self.location)


def reply(status: int, body: dict[str, Any], etag: str | None = None,
          location: str | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if etag:
        response.headers["ETag"] = etag
    if location:
        response.headers["Location"] = location
    return response


def no_content() -> Response:
    """204, with no body and so no Content-Type."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


Command = Callable[[Callable[[Sequence[Aggregate]], dict[str, Any]]], Recorded]


def recorded_reply(*, status: int, schema: Schema, render: Render, command: Command,
                   ledger_id: UUID | None = None) -> Response:
    """Runs a command that records events and answers from what it recorded."""
    response, _ = run_once(idempotency_scope(),
                           Capture(status, schema, render, None, ledger_id), command)
    return response


def run_once(scope: ReplyKey | None, capture: Capture,
             command: Command) -> tuple[Response, bool]:
    """With a scope: the stored reply if this key was already used, otherwise the command
    with its reply stored in the events' transaction (the key released if it fails).
    Answers the reply and whether the command ran (False for a repeat)."""
    if scope is not None:
        replay = claim(scope)
        if replay is not None:
            return replay, False
    capture.scope = scope
    try:
        recorded = command(capture.prepare)
    except BaseException:
        if scope is not None:
            services().ledger.replies.release(scope)
        raise
    return capture.finish(recorded), True


def idempotency_scope() -> ReplyKey | None:
    key = request.headers.get(KEY_HEADER)
    if key is None:
        return None
    if not 1 <= len(key) <= 255:
        raise Invalid.field(KEY_HEADER, "must be 1 to 255 characters")
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return ReplyKey(g.account_id.hex, request.method, request.path, key,
                    hashlib.sha256(canonical.encode()).hexdigest())


def claim(scope: ReplyKey) -> Response | None:
    """Takes the key, or answers the stored reply; 422 for another body, 409 in flight."""
    replies = services().ledger.replies
    now = int(time.time() * 1_000_000)
    for _ in range(2):
        found = replies.find(scope)
        if found is not None:
            if found.body_hash != scope.body_hash:
                raise Invalid.field(KEY_HEADER, "was already used with another body")
            if found.state == "erased":
                raise Conflict("this request was already recorded; its stored reply was "
                               "erased with a partner's words")
            if found.reply is not None:
                stored = found.reply
                return reply(stored["status"], stored["body"], stored["etag"],
                             stored["location"])
            if found.claimed_at >= now - STALE_CLAIM_SECONDS * 1_000_000:
                raise Conflict("a request with this Idempotency-Key is still in progress")
        if replies.claim(scope, now, now - STALE_CLAIM_SECONDS * 1_000_000):
            return None
    raise Conflict("a request with this Idempotency-Key is still in progress")
