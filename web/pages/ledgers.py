"""The couple's pages: their ledgers, opening and joining one, and the ledger home
(timeline, balance panel, replay, a form for every kind of entry)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from flask import (
    abort,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from ledger.domain.exceptions import Conflict, Invalid, NotFound
from ledger.domain.kinds import KINDS
from ledger.domain.weeks import WEEK_PATTERN, next_week, week_of, week_start
from projections.balance_query import weeks_between
from projections.encoding import micros
from web.api.ledgers import the_ledger
from web.pages import forms
from web.pages.charts import build_chart
from web.pages.common import TIMEZONES, blp, load_form, new_submission_id, once
from web.pages.session import signed_in
from web.services import services

TIMELINE_PAGE = 30
SUPPORT_TYPES = ("emotional", "informational", "esteem", "practical")


@blp.route("/ledgers")
@signed_in
def my_ledgers() -> str:
    return render_template("pages/ledgers.html",
                           ledgers=services().ledger.ledgers_of(g.account_id))


@blp.route("/ledgers/new", methods=["GET", "POST"])
@signed_in
def new_ledger() -> str | Response | tuple[str, int]:
    """Opening is recorded once per form (a reload or a second click opens nothing
    more), then the invite is shown by a GET that can be reloaded."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = load_form(forms.LedgerForm())
        if not errors:
            try:
                where = once(lambda prepare: services().ledger.open_ledger(
                    g.account_id, data["name"], data["timezone"], prepare=prepare)[0],
                    where=lambda aggregates: url_for("pages.invite_page",
                                                     ledger_id=the_ledger(aggregates).id))
            except Invalid as error:
                errors = error.errors
            else:
                return redirect(where or url_for("pages.my_ledgers"), 303)
    return render_template("pages/ledger_new.html", form=request.form, errors=errors,
                           timezones=TIMEZONES, submission_id=new_submission_id()), \
        422 if errors else 200


@blp.route("/join", methods=["GET", "POST"])
@signed_in
def join() -> str | Response | tuple[str, int]:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = load_form(forms.JoinForm())
        if not errors:
            try:
                recorded = services().ledger.join(g.account_id, data["invite_code"])
            except NotFound:
                errors = {"invite_code": ["this code is unknown, used or expired"]}
            except Conflict as error:
                errors = {"invite_code": [str(error)]}
            else:
                return redirect(url_for("pages.ledger_home", ledger_id=recorded.id), 303)
    form = request.form or {"invite_code": request.args.get("code", "")}
    return render_template("pages/join.html", form=form, errors=errors), \
        422 if errors else 200


@blp.route("/ledgers/<uuid:ledger_id>")
@signed_in
def ledger_home(ledger_id: UUID) -> str:
    return render_template("pages/ledger.html", **home_context(ledger_id, {}, {}))


@blp.route("/ledgers/<uuid:ledger_id>/at")
@signed_in
def ledger_at(ledger_id: UUID) -> str:
    """The chart, figures and timeline as of a week: what the replay slider shows."""
    return render_template("pages/_at.html", **home_context(ledger_id, {}, {}))


@blp.route("/ledgers/<uuid:ledger_id>/live")
@signed_in
def ledger_live(ledger_id: UUID) -> Response:
    """The newest position of what I may see in this ledger: an open page polls it
    every few seconds and fetches the timeline again when it moves (deploy/README.md
    says why polling rather than server-sent events)."""
    app = services().ledger
    if ledger_id.hex not in app.get_account(g.account_id).ledgers:  # the account, not the
        abort(404)  # ledger: a poll every 3 s per open page need not load a whole ledger
    position = services().reading.for_partner(ledger_id, g.account_id).latest_position(
        micros(app.clock()))
    response = jsonify({"position": position})
    response.headers["Cache-Control"] = "no-store"
    return response


def as_of_for(week: str | None, timezone: str) -> tuple[datetime, str | None]:
    now = services().ledger.clock()
    if not week or not WEEK_PATTERN.match(week):
        return now, None
    end = week_start(next_week(week), timezone) - timedelta(microseconds=1)
    return min(end, now), week


def home_context(ledger_id: UUID, errors: dict[str, Any], form: dict[str, Any]) -> dict[str, Any]:
    app, reads = services().ledger, services().reads
    mine = services().reading.for_partner(ledger_id, g.account_id)
    ledger = app.get_ledger(ledger_id, g.account_id)
    summary = app.describe(ledger)
    names = summary.names()
    as_of, chosen_week = as_of_for(request.args.get("week"), ledger.timezone)
    after = parse_after(request.args.get("after"))
    filters = page_filters(names)
    page = mine.timeline(as_of=micros(as_of), known_at=micros(app.clock()), filters=filters,
                         after=after, limit=TIMELINE_PAGE)
    balance = mine.balance(as_of) or {}
    other = next((p for p in summary.partners if p.id != g.account_id), None)
    open_needs = [] if other is None else [
        item for item in mine.timeline(
            as_of=micros(app.clock()), known_at=micros(app.clock()),
            filters={"kind": "need", "partner": other.id.hex}, limit=50).items
        if item["status"] == "open" or item["recurring"]]
    opened_week = week_of(summary.opened_at, ledger.timezone)
    first_week = min(filter(None, [opened_week,
                                   reads.balance.store.first_week(ledger_id.hex)]))
    return {
        "ledger": summary, "names": names, "me": g.account_id.hex, "other": other,
        "items": page.items, "more": page.next_after, "balance": balance,
        "chart": build_chart(mine, as_of, names, balance["turns"]),
        "open_needs": open_needs, "weeks": weeks_between(first_week,
                                                         week_of(app.clock(), ledger.timezone)),
        "chosen_week": chosen_week, "as_of": as_of, "errors": errors, "form": form,
        "filters": filters, "kinds": KINDS, "support_types": SUPPORT_TYPES,
        "submission_id": new_submission_id(), "paused_by_me": summary.paused_by == g.account_id,
        "position": reads.position(), "written": app.max_position(),
        "live_position": mine.latest_position(micros(app.clock())),
    }


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


# ------------------------------------------------------------------ the ledger itself

@blp.route("/ledgers/<uuid:ledger_id>/pause", methods=["POST"])
@signed_in
def post_pause(ledger_id: UUID) -> Response:
    services().ledger.pause(ledger_id, g.account_id)
    return redirect(url_for("pages.ledger_home", ledger_id=ledger_id), 303)


@blp.route("/ledgers/<uuid:ledger_id>/resume", methods=["POST"])
@signed_in
def post_resume(ledger_id: UUID) -> Response:
    services().ledger.resume(ledger_id, g.account_id)
    return redirect(url_for("pages.ledger_home", ledger_id=ledger_id), 303)


@blp.route("/ledgers/<uuid:ledger_id>/invite", methods=["GET"])
@signed_in
def invite_page(ledger_id: UUID) -> str:
    """The open invite: a link to send, its code, what the partner does next."""
    app = services().ledger
    summary = app.describe(app.get_ledger(ledger_id, g.account_id))
    invite = app.open_invite(ledger_id, g.account_id)
    link = url_for("pages.join", code=invite.code, _external=True) if invite else None
    return render_template("pages/invite.html", ledger=summary, invite=invite, link=link,
                           joined=len(summary.partners) > 1,
                           submission_id=new_submission_id())


@blp.route("/ledgers/<uuid:ledger_id>/invite", methods=["POST"])
@signed_in
def post_invite(ledger_id: UUID) -> Response:
    """A new code replaces the open one, once per form; then the invite page."""
    once(lambda prepare: services().ledger.issue_invite(ledger_id, g.account_id,
                                                        prepare=prepare)[0])
    return redirect(url_for("pages.invite_page", ledger_id=ledger_id), 303)


@blp.route("/ledgers/<uuid:ledger_id>/invite/revoke", methods=["POST"])
@signed_in
def post_revoke_invite(ledger_id: UUID) -> Response:
    services().ledger.revoke_invite(ledger_id, g.account_id)
    return redirect(url_for("pages.ledger_home", ledger_id=ledger_id), 303)


@blp.route("/ledgers/<uuid:ledger_id>/leave", methods=["GET", "POST"])
@signed_in
def leave(ledger_id: UUID) -> str | Response | tuple[str, int]:
    """Leaving offers an export first and says plainly what "forget me" erases."""
    summary = services().ledger.describe(services().ledger.get_ledger(ledger_id, g.account_id))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = load_form(forms.LeaveForm())
        if not errors:
            services().ledger.leave(ledger_id, g.account_id, data["forget_me"])
            return redirect(url_for("pages.my_ledgers"), 303)
    return render_template("pages/leave.html", ledger=summary, errors=errors), \
        422 if errors else 200
