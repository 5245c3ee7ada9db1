"""Everything the couple's home shows, as of now or a replayed week: the ways to
record, what is waiting for me, the flow told in words and drawn, and the timeline
as a conversation. Read through my own scope like every other reader."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flask import abort, g, request

from ledger.domain.kinds import KINDS
from ledger.domain.weeks import WEEK_PATTERN, monday_of, next_week, week_of, week_start
from projections.balance_query import MAX_FRAMES, shift_week, weeks_between
from projections.encoding import micros
from projections.flow_chart import draw, partner_order, weeks_of, window_of
from projections.scope import ScopedReads
from projections.story import tell
from web.pages.common import new_submission_id
from web.pages.threads import hex_of, thread
from web.pages.waiting import Waiting, waiting_for
from web.services import services

TIMELINE_PAGE = 30
SEEN_WAIT_SECONDS = 3.0  # after a submit, how long the home waits to show it
FLOW_WEEKS = 12  # the chart, the story and the details all cover these weeks
SUPPORT_TYPES = ("emotional", "informational", "esteem", "practical")
FORMS = ("need", "care", "check_in", "moment")  # the ways to record, in this order


def as_of_for(week: str | None, timezone: str) -> tuple[datetime, str | None]:
    """The end of a replayed week (never later than now), or now."""
    now = services().ledger.clock()
    if not week or not WEEK_PATTERN.match(week):
        return now, None
    end = week_start(next_week(week), timezone) - timedelta(microseconds=1)
    return min(end, now), week


def home_context(ledger_id: UUID, errors: dict[str, Any], form: dict[str, Any],
                 failed: str | None = None) -> dict[str, Any]:
    """`failed`: the form a refused submission came from, shown open with its errors."""
    app, reads = services().ledger, services().reads
    seen = request.args.get("seen", "")
    if seen.isdigit() and len(seen) < 20:  # read my own write: what I just recorded shows
        reads.wait_for(int(seen), SEEN_WAIT_SECONDS)
    mine = services().reading.for_partner(ledger_id, g.account_id)
    ledger = app.get_ledger(ledger_id, g.account_id)
    summary = app.describe(ledger)
    names, me, now = summary.names(), g.account_id.hex, app.clock()
    as_of, chosen_week = as_of_for(request.args.get("week"), ledger.timezone)
    filters = page_filters(names)
    page = mine.timeline(as_of=micros(as_of), known_at=micros(now), filters=filters,
                         after=parse_after(request.args.get("after")), limit=TIMELINE_PAGE)
    other = next((p for p in summary.partners if p.id != g.account_id), None)
    waiting = (Waiting() if chosen_week else
               waiting_for(mine, me, other.id.hex if other else None, now, ledger.timezone))
    opened_week = week_of(summary.opened_at, ledger.timezone)
    first_week = min(filter(None, [opened_week, reads.balance.store.first_week(ledger_id.hex)]))
    this_week = week_of(now, ledger.timezone)
    anything = bool(page.items) or not is_empty(mine, now)
    return {
        "ledger": summary, "names": names, "me": me, "other": other,
        "groups": thread(page.items, names, me, ledger.timezone, bool(chosen_week)),
        "items": page.items, "more": page.next_after, "waiting": waiting,
        **flow(mine, summary, names, as_of, now, first_week),
        "open_needs": waiting.answerable, "respond_to": request.args.get("respond", ""),
        "open_form": failed or request.args.get("record", ""), "forms": FORMS,
        "weeks": weeks_between(first_week, this_week), "this_week": this_week,
        "chosen_week": chosen_week, "as_of": as_of, "errors": errors, "form": form,
        "filters": filters, "kinds": KINDS, "support_types": SUPPORT_TYPES,
        "anything": anything, "done": request.args.get("done", ""),
        "submission_id": new_submission_id(), "paused_by_me": summary.paused_by == g.account_id,
        "position": reads.position(), "written": app.max_position(),
        "live_position": mine.latest_position(micros(now)),
    }


def is_empty(reads: ScopedReads, now: datetime) -> bool:
    return not reads.timeline(as_of=micros(now), known_at=micros(now), limit=1).items


def flow(reads: ScopedReads, summary: Any, names: dict[str, str], as_of: datetime,
         now: datetime, first_week: str) -> dict[str, Any]:
    """The story, the charts and the details over the FLOW_WEEKS weeks to `as_of`;
    the care scale is the ledger's whole history's, so it holds still in a replay."""
    order = partner_order(summary.partners)
    balance = reads.balance(as_of, FLOW_WEEKS) or {}
    if order is None or not balance:
        return {"balance": balance, "story": None, "chart": None}
    tz = summary.timezone
    start_week = max(first_week, shift_week(week_of(now, tz), -(MAX_FRAMES - 1)))
    weeks = weeks_of(reads.series(week_start(start_week, tz), now, now, 1), order, tz)
    last = monday_of(week_of(as_of, tz))
    shown = window_of(weeks, last, FLOW_WEEKS)
    pair = (names.get(hex_of(order[0]), "Partner"), names.get(hex_of(order[1]), "Partner"))
    turns = [(t["at"], names.get(hex_of(str(t["to_partner"])), "one of you"))
             for t in balance.get("turns") or []]
    chart = draw(shown, pair, max([0, *(max(w.care) for w in weeks)]), turns)
    with_care = len([w for w in weeks if w.monday <= last and any(w.care)])
    story = tell(balance, names, with_care, as_of.date())
    return {"balance": balance, "story": story, "chart": chart if shown else None,
            "order": order, "flow_from": shown[0].monday if shown else None}


def page_filters(names: dict[str, str]) -> dict[str, str]:
    """The timeline's filters from the query string; unknown values are ignored."""
    chosen = {"partner": request.args.get("partner", ""), "kind": request.args.get("kind", ""),
              "support_type": request.args.get("support_type", "")}
    return {key: value for key, value in chosen.items()
            if (key == "partner" and value in names) or (key == "kind" and value in KINDS)
            or (key == "support_type" and value in SUPPORT_TYPES)}


def parse_after(value: str | None) -> tuple[int, str] | None:
    if not value or "," not in value:
        return None
    occurred, _, entry = value.partition(",")
    try:
        return int(occurred), UUID(entry).hex
    except ValueError:
        abort(400)
