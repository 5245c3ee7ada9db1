"""Signing up, logging in and out (here or everywhere), and one's account."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ledger.exceptions import Conflict, Invalid, Unauthenticated
from web.pages.common import blp, load_form
from web.pages.forms import AccountForm, LoginForm, SignUpForm
from web.pages.session import end_session, signed_in, start_session
from web.ratelimit import SIGN_IN_PER_ADDRESS, SIGN_IN_PER_EMAIL, SIGN_UP, RateLimited
from web.services import services


def safe_next(target: str | None) -> str:
    """Only local paths: no open redirect to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.my_ledgers")


@blp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("pages/signup.html", form={}, errors={})
    data, errors = load_form(SignUpForm())
    if not errors:
        try:
            services().limits.hit(SIGN_UP, "sign-up", request.remote_addr or "?")
            account = services().ledger.sign_up(data["email"], data["password"],
                                                data["display_name"])
        except Conflict:
            errors = {"email": ["an account with this email already exists"]}
        except Invalid as error:
            errors = error.errors
        except RateLimited:
            errors = {"_form": ["too many sign-ups from here; please wait a minute"]}
        else:
            assert account.id is not None
            return start_session(redirect(url_for("pages.my_ledgers"), 303), account.id)
    form = {k: v for k, v in request.form.items() if k != "password"}
    return render_template("pages/signup.html", form=form, errors=errors), 422


@blp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if request.method == "GET":
        return render_template("pages/login.html", form={}, errors={},
                               next=request.args.get("next", ""))
    data, errors = load_form(LoginForm())
    if not errors:
        try:
            limits = services().limits
            limits.hit(SIGN_IN_PER_EMAIL, "sign-in", data["email"].strip().casefold())
            limits.hit(SIGN_IN_PER_ADDRESS, "sign-in-address", request.remote_addr or "?")
            account = services().ledger.authenticate(data["email"], data["password"])
        except Unauthenticated:
            errors = {"_form": ["wrong email or password"]}
        except RateLimited:
            errors = {"_form": ["too many attempts; please wait a minute and try again"]}
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
                services().ledger.change_profile(g.account_id, data["current_password"],
                                                 data.get("display_name"), data.get("password"))
            except Invalid as error:
                errors = error.errors
            else:
                return redirect(url_for("pages.account", saved=1), 303)
    me = services().ledger.describe_account(g.account_id)
    sessions = services().tokens.list(g.account_id)
    return render_template("pages/account.html", me=me, sessions=sessions, errors=errors,
                           current=g.token_id, saved=request.args.get("saved")), \
        422 if errors else 200
