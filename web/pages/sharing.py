"""Exports a partner takes, and counsellor shares: asked for, approved, revoked."""


from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from flask import (
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.wrappers import Response

from ledger.domain.exceptions import Conflict, Invalid
from ledger.domain.guards import MAX_SHARE_LIFETIME
from projections.scope import SECTIONS, ReadScope
from services.exports import FORMATS, partner_export
from services.shares import list_shares
from web.pages.common import blp
from web.pages.session import signed_in
from web.services import services

# ------------------------------------------------------------------ export

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
        fmt = request.form.get("format", "json")
        sections = tuple(s for s in request.form.getlist("sections") if s in SECTIONS)
        if fmt not in FORMATS:
            errors["format"] = ["choose JSON or CSV"]
        if not sections:
            errors["sections"] = ["choose at least one section"]
        if not errors:
            scope = ReadScope.partner(ledger_id, g.account_id, sections=sections,
                                      own_private=bool(request.form.get("include_private")))
            file = partner_export(app, services().reading, ledger_id, g.account_id, fmt, scope)
            response = Response(stream_with_context(file.chunks), mimetype=file.mimetype)
            response.headers["Content-Disposition"] = file.content_disposition
            return response
    return render_template("pages/export.html", ledger=summary, sections=SECTIONS,
                           fingerprint=fingerprint_text, errors=errors), 422 if errors else 200


# ------------------------------------------------------------------ counsellor shares

@blp.route("/ledgers/<uuid:ledger_id>/shares", methods=["GET", "POST"])
@signed_in
def shares_page(ledger_id: UUID) -> str | Response | tuple[str, int]:
    """Ask for a counsellor share, approve or revoke one, see each share's visits."""
    app = services().ledger
    summary = app.describe(app.get_ledger(ledger_id, g.account_id))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        label = request.form.get("label", "").strip()
        days = request.form.get("days", "30")
        sections = [s for s in request.form.getlist("sections") if s in SECTIONS]
        if not label or len(label) > 80:
            errors["label"] = ["give the share a name of 1 to 80 characters"]
        if not days.isdigit() or not 1 <= int(days) <= MAX_SHARE_LIFETIME.days:
            errors["days"] = [f"between 1 and {MAX_SHARE_LIFETIME.days} days"]
        if not errors:
            try:
                app.request_share(ledger_id, g.account_id, label=label, sections=sections,
                                  expires_at=app.clock() + timedelta(days=int(days)),
                                  include_private=bool(request.form.get("include_private")))
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
    services().ledger.approve_share(ledger_id, g.account_id, share_id=share_id,
                                    include_private=bool(request.form.get("include_private")))
    return redirect(url_for("pages.shares_page", ledger_id=ledger_id), 303)


@blp.route("/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>/revoke", methods=["POST"])
@signed_in
def revoke_share_page(ledger_id: UUID, share_id: UUID) -> Response:
    services().ledger.revoke_share(ledger_id, g.account_id, share_id=share_id)
    return redirect(url_for("pages.shares_page", ledger_id=ledger_id), 303)
