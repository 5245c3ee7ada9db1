"""Email on the pages: choosing what to be told, verifying an address, unsubscribing
in one click (no login: RFC 8058), and choosing a new password from a link."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ledger.domain.exceptions import Invalid, NotFound
from ledger.domain.notifications import Preferences
from ledger.infra.links import read_unsubscribe_token
from web.pages.common import blp, load_form
from web.pages.forms import NewPasswordForm, NotificationsForm, ResetRequestForm
from web.pages.session import signed_in
from web.ratelimit import PASSWORD_RESETS, RateLimited, digest
from web.services import services

Page = str | Response | tuple[str, int]


@blp.route("/account/notifications", methods=["POST"])
@signed_in
def notifications() -> Page:
    data, errors = load_form(NotificationsForm())
    if not errors:
        try:
            services().ledger.choose_notifications(g.account_id, Preferences(**data))
        except Invalid as error:
            errors = error.errors
        else:
            return redirect(url_for("pages.account", saved=1) + "#emails", 303)
    return render_template("pages/notifications_error.html", errors=errors), 422


@blp.route("/account/verification", methods=["POST"])
@signed_in
def send_verification() -> Response:
    try:
        services().limits.hit(PASSWORD_RESETS, "verify", g.account_id.hex)
        services().ledger.request_verification(g.account_id)
    except RateLimited:
        pass  # a link is already on its way
    return redirect(url_for("pages.account", sent=1) + "#emails", 303)


@blp.route("/verify/<token>")
def verify(token: str) -> tuple[str, int]:
    try:
        services().ledger.verify_email(token)
    except NotFound:
        return render_template("pages/mail_link.html", heading="This link has expired",
                               words="Ask for a new one on your account page."), 404
    return render_template("pages/mail_link.html", heading="Thank you",
                           words="Your email address is confirmed."), 200


@blp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> tuple[str, int]:
    found = read_unsubscribe_token(services().settings.secret_key, token)
    if found is None:
        return render_template("pages/mail_link.html", heading="This link does not work",
                               words="You can choose your emails on your account page."), 404
    if request.method == "GET":
        return render_template("pages/unsubscribe.html", token=token), 200
    services().ledger.unsubscribe(*found)
    return render_template("pages/mail_link.html", heading="Done",
                           words="You will not get these emails any more."), 200


@blp.route("/reset", methods=["GET", "POST"])
def reset_request() -> Page:
    if request.method == "GET":
        return render_template("pages/reset_request.html", errors={}, sent=False)
    data, errors = load_form(ResetRequestForm())
    if not errors:
        try:
            services().limits.hit(PASSWORD_RESETS, "reset-address", request.remote_addr or "?")
            services().limits.hit(PASSWORD_RESETS, "reset-email", digest(data["email"]))
        except RateLimited:
            errors = {"_form": ["Too many requests; please wait a minute and try again."]}
        else:
            services().ledger.request_password_reset(data["email"])
            return render_template("pages/reset_request.html", errors={}, sent=True)
    return render_template("pages/reset_request.html", errors=errors, sent=False), 422


@blp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Page:
    if request.method == "GET":
        return render_template("pages/reset.html", token=token, errors={})
    data, errors = load_form(NewPasswordForm())
    if not errors:
        try:
            services().ledger.reset_password(token, data["password"])
        except NotFound:
            errors = {"_form": ["This link has expired or was already used. Please ask for "
                                "a new one."]}
        except Invalid as error:
            errors = error.errors
        else:
            return redirect(url_for("pages.login", reset=1), 303)
    return render_template("pages/reset.html", token=token, errors=errors), 422

