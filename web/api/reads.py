"""Reads from the projections: raw history, timeline, one entry, balance, replay.

Every read takes `min_position` (read your writes: wait up to 5 s for the views)
and answers the `position` it reflects.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.exceptions import Invalid, NotFound
from ledger.weeks import zone
from projections.encoding import from_micros, micros, open_sealed
from web.api import schemas
from web.api.replies import reply
from web.services import services

blp = Blueprint("reads", __name__, url_prefix="/api/v1/ledgers/<uuid:ledger_id>",
                description="History, timeline, balance and replay")
WAIT_SECONDS = 5.0
FAR_FUTURE = 2**62


class NotReady(Exception):
    """The views have not reached the requested position in time (503)."""


def wait_for_views(query: dict[str, Any], view: str) -> int:
    """Waits (for `min_position`) on the one view the read uses, not all three: a
    timeline read after a write need not wait for the balance; answers its position."""
    reads = services().reads
    wanted = query.get("min_position")
    if wanted is not None:
        if wanted > services().ledger.max_position():
            raise Invalid.field("min_position", "is beyond the end of the log")
        if not reads.wait_for(wanted, WAIT_SECONDS, view):
            raise NotReady()
    return reads.position_of(view)


def moment(query: dict[str, Any], name: str) -> datetime:
    """`as_of` / `known_at`, defaulting to now; a future value is refused."""
    now = services().ledger.clock()
    value: datetime | None = query.get(name)
    if value is None:
        return now
    if value > now:
        raise Invalid.field(name, "cannot be in the future")
    return value


def bound(value: date | datetime | None, timezone: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return micros(value)
    return micros(datetime.combine(value, time(0), tzinfo=zone(timezone)))


def encode_cursor(after: Any, scope: str) -> str:
    raw = json.dumps({"a": after, "s": scope}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, scope: str) -> Any:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if data["s"] != scope:
            raise ValueError("another query")
        return data["a"]
    except (ValueError, KeyError, TypeError):
        raise Invalid.field("cursor", "is malformed or belongs to other filters") from None


def scope_of(ledger_id: UUID, query: dict[str, Any]) -> str:
    """Binds a cursor to the ledger, the caller and the filters it came with."""
    kept = {k: str(v) for k, v in sorted(query.items()) if k not in ("cursor", "limit",
                                                                    "min_position")}
    text = json.dumps([ledger_id.hex, g.account_id.hex, kept])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@blp.route("/events", methods=["GET"])
@blp.arguments(schemas.EventsQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.EventPageOut)
def events(query: dict[str, Any], ledger_id: UUID) -> Response:
    """The raw history I may see, oldest first; `after` is an exclusive log position."""
    position = wait_for_views(query, "history")
    known_at = micros(moment(query, "known_at"))
    scope = scope_of(ledger_id, query)
    after = decode_cursor(query.get("cursor"), scope) or query["after"]
    rows = services().reads.history.events(ledger_id.hex, g.account_id, after=int(after),
                                           known_at=known_at, limit=query["limit"] + 1)
    more = len(rows) > query["limit"]
    rows = rows[: query["limit"]]
    opener = services().ledger.keys.opener()
    items = [{
        "position": r["position"], "version": r["version"], "type": r["type"],
        "class_version": r["class_version"], "recorded_at": from_micros(r["recorded_at"]),
        "originally_recorded_at": from_micros(r["original_recorded_at"])
        if r["original_recorded_at"] else None,
        "occurred_at": from_micros(r["occurred_at"]) if r["occurred_at"] else None,
        "actor": UUID(r["actor"]), "data": open_sealed(json.loads(r["data"]), opener.open),
        "retracted": bool(r["retracted_at"] and r["retracted_at"] <= known_at),
    } for r in rows]
    next_cursor = encode_cursor(rows[-1]["position"], scope) if more else None
    body = schemas.one(schemas.EventPageOut).dump(
        {"items": items, "next_cursor": next_cursor, "position": position})
    return reply(200, body)


@blp.route("/timeline", methods=["GET"])
@blp.arguments(schemas.TimelineQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.EntryPageOut)
def timeline(query: dict[str, Any], ledger_id: UUID) -> Response:
    """Entries with their derived state, newest first."""
    position = wait_for_views(query, "timeline")
    timezone = services().ledger.get_ledger(ledger_id, g.account_id).timezone
    scope = scope_of(ledger_id, query)
    after = decode_cursor(query.get("cursor"), scope)
    filters = {
        "partner": query["partner"].hex if query.get("partner") else None,
        "kind": query.get("kind"),
        "support_type": query["support_type"].value if query.get("support_type") else None,
        "from": bound(query.get("from_"), timezone), "to": bound(query.get("to"), timezone),
    }
    page = services().reads.timeline.page(
        ledger_id, g.account_id, as_of=micros(moment(query, "as_of")),
        known_at=micros(moment(query, "known_at")), filters=filters,
        include_retracted=query["include_retracted"],
        after=tuple(after) if after else None, limit=query["limit"],
        opener=services().ledger.keys.opener().open)
    next_cursor = encode_cursor(list(page.next_after), scope) if page.next_after else None
    body = schemas.one(schemas.EntryPageOut).dump(
        {"items": page.items, "next_cursor": next_cursor, "position": position})
    return reply(200, body)


@blp.route("/entries/<uuid:entry_id>", methods=["GET"])
@blp.response(200, schemas.EntryOut)
def entry(ledger_id: UUID, entry_id: UUID) -> Response:
    """One entry as the timeline shows it now."""
    store = services().reads.timeline.store
    row = store.entry(entry_id.hex)
    if row is None:
        raise NotFound("entry not found (it may not have reached the timeline yet)")
    page = services().reads.timeline.page(
        ledger_id, g.account_id, as_of=FAR_FUTURE, known_at=FAR_FUTURE, filters={},
        include_retracted=True, after=(row["occurred_at"] + 1, ""), limit=200,
        opener=services().ledger.keys.opener().open)
    found = next((i for i in page.items if i["id"] == str(entry_id)), None)
    if found is None:
        raise NotFound("entry not found")
    position = services().reads.position_of("timeline")
    return reply(200, schemas.one(schemas.EntryOut).dump({**found, "position": position}))


@blp.route("/balance", methods=["GET"])
@blp.arguments(schemas.BalanceQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.BalanceOut)
def balance(query: dict[str, Any], ledger_id: UUID) -> Response:
    """How care has flowed each way over a window of weeks, and where it turned."""
    position = wait_for_views(query, "balance")
    result = services().reads.balance.balance(ledger_id, g.account_id, moment(query, "as_of"),
                                              query["window_weeks"])
    return reply(200, schemas.one(schemas.BalanceOut).dump({**result, "position": position}))


@blp.route("/balance/series", methods=["GET"])
@blp.arguments(schemas.SeriesQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.SeriesOut)
def series(query: dict[str, Any], ledger_id: UUID) -> Response:
    """One balance frame per ISO week (at most 520): the replay."""
    position = wait_for_views(query, "balance")
    timezone = services().ledger.get_ledger(ledger_id, g.account_id).timezone
    start, end = (from_micros(bound(query[k], timezone) or 0) for k in ("from_", "to"))
    now = services().ledger.clock()
    if start > now:
        raise Invalid.field("from", "cannot be in the future")
    if end < start:
        raise Invalid.field("to", "must not be before from")
    if (min(end, now) - start) > timedelta(weeks=520):
        raise Invalid.field("to", "at most 520 weeks")
    frames = services().reads.balance.series(ledger_id, g.account_id, start, min(end, now), now,
                                             query["window_weeks"])
    return reply(200, schemas.one(schemas.SeriesOut).dump({"items": frames, "position": position}))
