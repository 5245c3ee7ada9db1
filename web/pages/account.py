"""Signing up, logging in and out (here or everywhere), and one's account."""

from __future__ import annotations

from urllib.parse import urlsplit
from uuid import UUID

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ledger.domain.exceptions import Conflict, Invalid, Unauthenticated
from web.api.accounts import change_me
from web.pages.common import blp, load_form
from web.pages.forms import AccountForm, LoginForm, SignUpForm
from web.pages.session import end_session, signed_in, start_session
from web.ratelimit import SIGN_UP, RateLimited
from web.services import services


def safe_next(target: str | None) -> str:
    """Only a path of this site: no scheme, no host, no backslash, no control character
    or space anywhere (browsers drop tabs and newlines, which turned `/\t/evil.example/`
    into `//evil.example/`); anything else goes to my ledgers."""
    home = url_for("pages.my_ledgers")
    if not target or not target.startswith("/") or target.startswith("//"):
        return home
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target


@blp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("pages/signup.html", form={}, errors={},
                               next=request.args.get("next", ""))
    data, errors = load_form(SignUpForm())
    if not errors:
        try:
            services().limits.hit(SIGN_UP, "sign-up", request.remote_addr or "?")
            account = services().ledger.sign_up(data["email"], data["password"],
                                                data["display_name"])
        except Conflict:
            errors = {"email": ["An account with this email already exists. Log in instead?"]}
        except Invalid as error:
            errors = error.errors
        except RateLimited:
            errors = {"_form": ["Too many sign-ups from here; please wait a minute."]}
        else:
            assert account.id is not None
            target = safe_next(request.form.get("next"))
            return start_session(redirect(target, 303), account.id)
    form = {k: v for k, v in request.form.items() if k != "password"}
    return render_template("pages/signup.html", form=form, errors=errors,
                           next=request.form.get("next", "")), 422


@blp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("pages/login.html", form={}, errors={},
                               next=request.args.get("next", ""))
    data, errors = load_form(LoginForm())
    if not errors:
        try:
            account = services().limits.sign_in(
                data["email"], request.remote_addr or "?",
                lambda: services().ledger.authenticate(data["email"], data["password"]))
        except Unauthenticated:
            errors = {"_form": ["That email and password do not match. Please try again."]}
        except RateLimited:
            errors = {"_form": ["Too many attempts; please wait a minute and try again."]}
        else:
            target = safe_next(request.form.get("next"))
            return start_session(redirect(target, 303), account)
    form = {"email": request.form.get("email", "")}
    return render_template("pages/login.html", form=form, errors=errors,
                           next=request.form.get("next", "")), 401 if "_form" in errors else 422


@blp.route("/logout", methods=["POST"])
def logout() -> Response:
    return end_session(redirect(url_for("pages.landing"), 303))


@blp.route("/logout/everywhere", methods=["POST"])
@signed_in
def logout_everywhere() -> Response:
    services().tokens.revoke(g.account_id)
    return end_session(redirect(url_for("pages.landing"), 303))


@blp.route("/account", methods=["GET", "POST"])
@signed_in
def account() -> str | Response | tuple[str, int]:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data, errors = load_form(AccountForm())
        if not errors:
            try:
                services().limits.password_check(g.account_id.hex, lambda: change_me(data))
            except Conflict:
                errors = {"email": ["Another account has this email."]}
            except Invalid as error:
                errors = error.errors
            except RateLimited:
                errors = {"current_password": ["Too many wrong passwords; please try again later."]}
            else:
                return redirect(url_for("pages.account", saved=1), 303)
    app = services().ledger
    me = app.describe_account(g.account_id)
    sessions = services().tokens.list(g.account_id)
    left = [app.describe(app.get_ledger(ledger_id)) for ledger_id in app.left_ledgers(
        g.account_id)]
    return render_template("pages/account.html", me=me, sessions=sessions, errors=errors,
                           current=g.token_id, saved=request.args.get("saved"),
                           left=left, address=app.mail_address(g.account_id),
                           choices=app.notifications_of(g.account_id),
                           sent=request.args.get("sent")), 422 if errors else 200


@blp.route("/account/left/<uuid:ledger_id>/forget", methods=["POST"])
@signed_in
def forget_me_later(ledger_id: UUID) -> Response:
    """"Forget me" for a ledger already left: the partner key is destroyed (journaled)."""
    services().ledger.forget_me_later(ledger_id, g.account_id)
    return redirect(url_for("pages.account", saved=1), 303)
