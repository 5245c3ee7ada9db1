"""What the page views share: their blueprint, form validation with errors kept
for the template, and the double-submit guard (the form's submission id becomes an
idempotency key, so a second click records nothing)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate
from flask import Blueprint, g, request
from marshmallow import Schema, ValidationError, fields

from ledger.app.core import Recorded
from ledger.app.replies import ReplyKey
from web.api.replies import Capture, run_once

blp = Blueprint("pages", __name__)
TIMEZONES = ("UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid",
             "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
             "America/Sao_Paulo", "Africa/Johannesburg", "Asia/Kolkata", "Asia/Singapore",
             "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland")


def load_form(schema: Schema) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The form's data, or the errors to show next to its fields."""
    lists = {field.data_key or name for name, field in schema.fields.items()
             if isinstance(field, fields.List)}
    sent = {key: request.form.getlist(key) if key in lists else request.form[key]
            for key in request.form}
    try:
        return schema.load(sent), {}
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_form": error.messages}
        return {}, {str(k): flat(v) for k, v in messages.items()}


def flat(messages: Any) -> list[str]:
    """A field's messages as lines, however nested (a list's items carry their own)."""
    if isinstance(messages, dict):
        return [line for inner in messages.values() for line in flat(inner)]
    if isinstance(messages, list):
        return [line for inner in messages for line in flat(inner)]
    return [str(messages)]


def new_submission_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Done:
    """Where a recorded form sends the page next, and the log position it wrote (None
    for a repeat, whose events were written before)."""

    location: str | None
    position: int | None


def once(run: Callable[[Callable[..., dict[str, Any]] | None], Recorded | Any],
         where: Callable[[Sequence[Aggregate]], str] | None = None) -> Done:
    """Runs a recording command once per form submission (the API's idempotency path,
    keyed by the form's submission id). `where` says from what the command saved
    where the page goes next, the first time and on every repeat."""
    submission = request.form.get("submission_id", "")
    capture = Capture(303, Schema(), lambda aggregates: ({}, where(aggregates) if where
                                                          else None), None, None)
    if not submission:
        recorded = run(capture.prepare)
        return Done(capture.location, getattr(recorded, "position", None))
    body = {k: v for k, v in request.form.items() if k not in ("csrf_token", "submission_id")}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    scope = ReplyKey(g.account_id.hex, "POST", request.path, f"page:{submission[:64]}", digest)
    answer, ran = run_once(scope, capture, run)
    position = json.loads(answer.get_data()).get("position") if ran else None
    return Done(answer.headers.get("Location"), position)
