"""The forms that record entries, and their amendments and retractions: each
validated, recorded once (Post/Redirect/Get), or shown again with its errors."""


from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from flask import (
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from ledger.domain.exceptions import Invalid
from web.pages import forms
from web.pages.common import blp, load_form, once
from web.pages.home_context import home_context
from web.pages.session import signed_in
from web.services import services


def record_from_form(ledger_id: UUID, schema: forms.FormSchema, command: Callable[..., Any],
                     what: str, form_id: str | None = None,
                     **extra: Any) -> Response | tuple[str, int]:
    """Validates the form, records once (Post/Redirect/Get, back to the home with
    "Recorded" said), or shows the home again with this form open and its errors.
    `what` was recorded; `form_id` names the form on the page (default: `what`)."""
    ledger = services().ledger.get_ledger(ledger_id, g.account_id)
    schema.context = {"timezone": ledger.timezone}
    data, errors = load_form(schema)
    if not errors:
        try:
            done = once(lambda prepare: command(ledger_id, g.account_id, **data, **extra,
                                                prepare=prepare))
        except Invalid as error:
            errors = error.errors
        else:  # the home waits (briefly) until it shows what was just written
            return redirect(url_for("pages.ledger_home", ledger_id=ledger_id, done=what,
                                    seen=done.position) + "#recorded", 303)
    place = request.form.get("place")  # the same form sits in "waiting" and the timeline
    failed = form_id or what
    if place in ("w", "t"):
        failed = f"{place}-{failed}"
    return render_template("pages/ledger.html", **home_context(
        ledger_id, errors, dict(request.form), failed=failed)), 422


@blp.route("/ledgers/<uuid:ledger_id>/needs", methods=["POST"])
@signed_in
def post_need(ledger_id: UUID) -> Response | tuple[str, int]:
    return record_from_form(ledger_id, forms.NeedForm(), services().ledger.express_need,
                            "need")


@blp.route("/ledgers/<uuid:ledger_id>/care", methods=["POST"])
@signed_in
def post_care(ledger_id: UUID) -> Response | tuple[str, int]:
    return record_from_form(ledger_id, forms.CareForm(), services().ledger.offer_care,
                            "care")


@blp.route("/ledgers/<uuid:ledger_id>/care/<uuid:care_id>/acknowledgement", methods=["POST"])
@signed_in
def post_acknowledgement(ledger_id: UUID, care_id: UUID) -> Response | tuple[str, int]:
    return record_from_form(ledger_id, forms.AcknowledgementForm(),
                            services().ledger.acknowledge_care, "feel", f"feel-{care_id}",
                            care_id=care_id)


@blp.route("/ledgers/<uuid:ledger_id>/needs/<uuid:need_id>/resolution", methods=["POST"])
@signed_in
def post_resolution(ledger_id: UUID, need_id: UUID) -> Response | tuple[str, int]:
    return record_from_form(ledger_id, forms.ResolutionForm(), services().ledger.resolve_need,
                            "resolve", f"resolve-{need_id}", need_id=need_id)


@blp.route("/ledgers/<uuid:ledger_id>/check-ins", methods=["POST"])
@signed_in
def post_check_in(ledger_id: UUID) -> Response | tuple[str, int]:
    return record_from_form(ledger_id, forms.CheckInForm(), services().ledger.check_in,
                            "check_in")


@blp.route("/ledgers/<uuid:ledger_id>/moments", methods=["POST"])
@signed_in
def post_moment(ledger_id: UUID) -> Response | tuple[str, int]:
    return record_from_form(ledger_id, forms.MomentForm(), services().ledger.share_moment,
                            "moment")


@blp.route("/ledgers/<uuid:ledger_id>/entries/<uuid:entry_id>/amend", methods=["POST"])
@signed_in
def post_amendment(ledger_id: UUID, entry_id: UUID) -> Response | tuple[str, int]:
    def amend(ledger_id: UUID, actor: UUID, field: str, value: str, reason: str,
              **kwargs: Any) -> Any:
        return services().ledger.amend_entry(ledger_id, actor, entry_id=entry_id,
                                             changes={field: value}, reason=reason, **kwargs)

    return record_from_form(ledger_id, forms.AmendForm(), amend, "amend", f"amend-{entry_id}")


@blp.route("/ledgers/<uuid:ledger_id>/entries/<uuid:entry_id>/retract", methods=["POST"])
@signed_in
def post_retraction(ledger_id: UUID, entry_id: UUID) -> Response | tuple[str, int]:
    return record_from_form(ledger_id, forms.RetractForm(), services().ledger.retract_entry,
                            "retract", f"retract-{entry_id}", entry_id=entry_id)
