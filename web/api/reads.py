"""Reads from the projections: raw history, timeline, one entry, balance, replay.

Every read takes `min_position` (read your writes: wait up to 5 s for the views)
and answers the `position` it reflects.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from uuid import UUID

from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.domain.exceptions import Invalid, NotFound, NotReady
from ledger.domain.weeks import zone
from projections.encoding import from_micros, micros
from projections.scope import ScopedReads
from projections.timeline_query import FAR_FUTURE
from web.api import schemas
from web.api.replies import reply
from web.services import services

blp = Blueprint("reads", __name__, url_prefix="/api/v1/ledgers/<uuid:ledger_id>",
                description="History, timeline, balance and replay")
WAIT_SECONDS = 5.0
Found = TypeVar("Found")


def wait_for_views(query: dict[str, Any], view: str) -> int:
    """Waits (for `min_position`) on the one view the read uses, not all three: a
    timeline read after a write need not wait for the balance; answers its position."""
    reads = services().reads
    wanted = query.get("min_position")
    position = reads.position_of(view)
    if wanted is None or wanted <= position:  # mostly: one statement, no waiting
        return position
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


def decode_cursor(cursor: str | None, scope: str, shape: type) -> Any:
    """The cursor's position, checked to be of the `shape` this read made it with."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict) or data.get("s") != scope:
            raise ValueError("another query")
        after = data["a"]
        if not isinstance(after, shape) or isinstance(after, bool):
            raise ValueError("another shape")
        return after
    except (ValueError, KeyError, TypeError):
        raise Invalid.field("cursor", "is malformed or belongs to other filters") from None


def cursor_key(after: list[Any] | None) -> tuple[int, str] | None:
    """A timeline cursor's (occurred_at, entry id) key, checked."""
    if after is None:
        return None
    if (len(after) != 2 or not isinstance(after[0], int) or isinstance(after[0], bool)
            or not isinstance(after[1], str) or not 0 <= after[0] < FAR_FUTURE):
        raise Invalid.field("cursor", "is malformed or belongs to other filters")
    return after[0], after[1]


def my_reads(ledger_id: UUID) -> ScopedReads:
    """Every read of this ledger by the caller, through the one scope rule."""
    return services().reading.for_partner(ledger_id, g.account_id)


def scope_of(ledger_id: UUID, query: dict[str, Any]) -> str:
    """Binds a cursor to the ledger, the caller and the filters it came with."""
    kept = {k: str(v) for k, v in sorted(query.items()) if k not in ("cursor", "limit",
                                                                    "min_position")}
    text = json.dumps([ledger_id.hex, g.account_id.hex, kept])
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def find_in_view(query: dict[str, Any], view: str, find: Callable[[], Found | None],
                 missing: str) -> tuple[Found, int]:
    """An item the ledger knows (the gate checked) as a view shows it, with the view's
    position: if the view does not show it yet, it waits for the view to reach the
    head of the log (read your writes without `min_position`)."""
    wait_for_views(query, view)
    found = find()
    if found is None:
        head = services().ledger.max_position()
        if not services().reads.wait_for(head, WAIT_SECONDS, view):
            raise NotReady()
        found = find()
    if found is None:
        raise NotFound(missing)
    return found, services().reads.position_of(view)  # read after: it covers the item


@blp.route("/events", methods=["GET"])
@blp.arguments(schemas.EventsQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.EventPageOut)
def list_events(query: dict[str, Any], ledger_id: UUID) -> Response:
    """The raw history I may see, oldest first; `after` is an exclusive log position."""
    position = wait_for_views(query, "history")
    known_at = micros(moment(query, "known_at"))
    scope = scope_of(ledger_id, query)
    after = decode_cursor(query.get("cursor"), scope, int) or query["after"]
    items = my_reads(ledger_id).events(after=int(after), known_at=known_at,
                                       limit=query["limit"] + 1)
    more = len(items) > query["limit"]
    items = items[: query["limit"]]
    next_cursor = encode_cursor(items[-1]["position"], scope) if more else None
    body = schemas.one(schemas.EventPageOut).dump(
        {"items": items, "next_cursor": next_cursor, "position": position})
    return reply(200, body)


@blp.route("/timeline", methods=["GET"])
@blp.arguments(schemas.TimelineQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.EntryPageOut)
def read_timeline(query: dict[str, Any], ledger_id: UUID) -> Response:
    """Entries with their derived state, newest first."""
    position = wait_for_views(query, "timeline")
    timezone = g.ledger.timezone
    scope = scope_of(ledger_id, query)
    after = decode_cursor(query.get("cursor"), scope, list)
    filters = {
        "partner": query["partner"].hex if query.get("partner") else None,
        "kind": query.get("kind"),
        "support_type": query["support_type"].value if query.get("support_type") else None,
        "from": bound(query.get("from_"), timezone), "to": bound(query.get("to"), timezone),
    }
    page = my_reads(ledger_id).timeline(
        as_of=micros(moment(query, "as_of")), known_at=micros(moment(query, "known_at")),
        filters=filters, include_retracted=query["include_retracted"],
        after=cursor_key(after), limit=query["limit"])
    next_cursor = encode_cursor(list(page.next_after), scope) if page.next_after else None
    body = schemas.one(schemas.EntryPageOut).dump(
        {"items": page.items, "next_cursor": next_cursor, "position": position})
    return reply(200, body)


@blp.route("/entries/<uuid:entry_id>", methods=["GET"])
@blp.arguments(schemas.WaitQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.EntryReplyOut)
def get_entry(query: dict[str, Any], ledger_id: UUID, entry_id: UUID) -> Response:
    """One entry as the timeline shows it now. The entry is known to the ledger (the
    gate checked), so a read right after its 201 waits for the timeline to show it."""
    found, position = find_in_view(query, "timeline", lambda: my_reads(ledger_id).entry(entry_id),
                                   "entry not found")
    return reply(200, schemas.one(schemas.EntryReplyOut).dump({**found, "position": position}))


@blp.route("/balance", methods=["GET"])
@blp.arguments(schemas.BalanceQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.BalanceOut)
def read_balance(query: dict[str, Any], ledger_id: UUID) -> Response:
    """How care has flowed each way over a window of weeks, and where it turned."""
    position = wait_for_views(query, "balance")
    result = my_reads(ledger_id).balance(moment(query, "as_of"), query["window_weeks"])
    return reply(200, schemas.one(schemas.BalanceOut).dump({**(result or {}),
                                                             "position": position}))


@blp.route("/balance/series", methods=["GET"])
@blp.arguments(schemas.SeriesQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.SeriesOut)
def read_balance_series(query: dict[str, Any], ledger_id: UUID) -> Response:
    """One balance frame per ISO week (at most 520): the replay."""
    position = wait_for_views(query, "balance")
    timezone = g.ledger.timezone
    start, end = (from_micros(bound(query[k], timezone) or 0) for k in ("from_", "to"))
    now = services().ledger.clock()
    if start > now:
        raise Invalid.field("from", "cannot be in the future")
    if end < start:
        raise Invalid.field("to", "must not be before from")
    if (min(end, now) - start) > timedelta(weeks=520):
        raise Invalid.field("to", "at most 520 weeks")
    frames = my_reads(ledger_id).series(start, min(end, now), now, query["window_weeks"])
    return reply(200, schemas.one(schemas.SeriesOut).dump({"items": frames, "position": position}))
