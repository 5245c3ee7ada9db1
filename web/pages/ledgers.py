"""The couple's pages: their ledgers, opening and joining one, and the ledger home
(timeline, balance panel, replay, a form for every kind of entry)."""

from __future__ import annotations

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

from ledger.domain.exceptions import AlreadyJoined, Conflict, Invalid, NoRoom, NotFound
from projections.encoding import micros
from web.api.ledgers import the_ledger
from web.pages import forms
from web.pages.common import TIMEZONES, blp, load_form, new_submission_id, once
from web.pages.home_context import home_context
from web.pages.session import signed_in
from web.services import services


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
                                                     ledger_id=the_ledger(aggregates).id)
                ).location
            except Invalid as error:
                errors = error.errors
            else:
                return redirect(where or url_for("pages.my_ledgers"), 303)
    return render_template("pages/ledger_new.html", form=request.form, errors=errors,
                           timezones=TIMEZONES, submission_id=new_submission_id()), \
        422 if errors else 200


NOT_JOINED: dict[type[Exception], str] = {
    NotFound: "This code doesn't work: it may be mistyped, already used or out of date. "
              "Please ask your partner for a new one.",
    AlreadyJoined: "You are already in this shared space: you will find it in your list.",
    NoRoom: "Two people already share this space, so this code cannot add you.",
    Conflict: "This code cannot be used just now. Please ask your partner for a new one.",
}


def why_not_joined(error: Exception) -> str:
    """Why the join page could not add you, in a sentence (the most specific one)."""
    return next(NOT_JOINED[kind] for kind in type(error).__mro__ if kind in NOT_JOINED)


@blp.route("/join", methods=["GET", "POST"])
@signed_in
def join() -> str | Response | tuple[str, int]:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = load_form(forms.JoinForm())
        if not errors:
            try:
                recorded = services().ledger.join(g.account_id, data["invite_code"])
            except (NotFound, Conflict) as error:
                errors = {"invite_code": [why_not_joined(error)]}
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
