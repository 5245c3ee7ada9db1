"""Exports a partner takes, and counsellor shares: asked for, approved, revoked."""


from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ledger.domain.exceptions import Conflict, Invalid
from ledger.domain.guards import MAX_SHARE_LIFETIME
from projections.scope import SECTIONS, ReadScope
from services.exports import partner_export
from services.shares import list_shares
from web.api.fields import as_moment
from web.downloads import file_response
from web.pages.common import blp, load_form
from web.pages.forms import ApprovalForm, ExportForm, ShareForm
from web.pages.session import signed_in
from web.services import services

# ------------------------------------------------------------------ export

def day_after(value: date | datetime | None) -> date | datetime | None:
    """A page's "to" date includes that day (the API's `to` is where the period ends)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value + timedelta(days=1)
    return value


@blp.route("/ledgers/<uuid:ledger_id>/export", methods=["GET", "POST"])
@signed_in
def export_page(ledger_id: UUID) -> str | Response | tuple[str, int]:
    """The export dialog; a POST answers the file itself (and records the export)."""
    app = services().ledger
    ledger = app.get_ledger(ledger_id, g.account_id)
    summary = app.describe(ledger)
    fingerprint_text = app.export_key_fingerprint()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = load_form(ExportForm(timezone=summary.timezone))
        if not errors:
            scope = ReadScope.partner(ledger_id, g.account_id, sections=tuple(data["sections"]),
                                      own_private=data["include_private"],
                                      start=as_moment(data.get("from_"), summary.timezone),
                                      end=as_moment(day_after(data.get("to")), summary.timezone))
            file = partner_export(app, services().reading, ledger_id, g.account_id,
                                  data["format"], scope)
            return file_response(file)
    return render_template("pages/export.html", ledger=summary, sections=SECTIONS,
                           fingerprint=fingerprint_text, errors=errors,
                           form=request.form), 422 if errors else 200


# ------------------------------------------------------------------ counsellor shares

@blp.route("/ledgers/<uuid:ledger_id>/shares", methods=["GET", "POST"])
@signed_in
def shares_page(ledger_id: UUID) -> str | Response | tuple[str, int]:
    """Ask for a counsellor share, approve or revoke one, see each share's visits."""
    app = services().ledger
    summary = app.describe(app.get_ledger(ledger_id, g.account_id))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = load_form(ShareForm(timezone=summary.timezone))
        if not errors:
            try:
                app.request_share(
                    ledger_id, g.account_id, label=data["label"], sections=data["sections"],
                    expires_at=app.clock() + timedelta(days=data["days"]),
                    scope_from=data.get("from_"), scope_to=data.get("to"),
                    include_private=data["include_private"])
            except (Invalid, Conflict) as error:
                errors = error.errors if isinstance(error, Invalid) else {"_form": [str(error)]}
            else:
                return redirect(url_for("pages.shares_page", ledger_id=ledger_id), 303)
    listed = list_shares(app, services().reads, ledger_id, g.account_id)
    names = summary.names()
    return render_template("pages/shares.html", ledger=summary, shares=listed, errors=errors,
                           sections=SECTIONS, me=g.account_id, names=names,
                           max_days=MAX_SHARE_LIFETIME.days,
                           pending_view=services().reads.position() < app.max_position()), \
        422 if errors else 200


@blp.route("/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>/approve", methods=["POST"])
@signed_in
def approve_share_page(ledger_id: UUID, share_id: UUID) -> Response:
    data, errors = load_form(ApprovalForm())
    if errors:
        raise Invalid(errors)
    services().ledger.approve_share(ledger_id, g.account_id, share_id=share_id, **data)
    return redirect(url_for("pages.shares_page", ledger_id=ledger_id), 303)


@blp.route("/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>/revoke", methods=["POST"])
@signed_in
def revoke_share_page(ledger_id: UUID, share_id: UUID) -> Response:
    services().ledger.revoke_share(ledger_id, g.account_id, share_id=share_id)
    return redirect(url_for("pages.shares_page", ledger_id=ledger_id), 303)
