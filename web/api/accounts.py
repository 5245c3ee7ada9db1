"""Accounts and tokens: sign up, sign in, profile, sessions, log out everywhere."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint
from marshmallow import RAISE

from web.api import schemas
from web.api.document import LOCATED, declares
from web.api.replies import no_content, reply
from web.http import public
from web.ratelimit import SIGN_UP
from web.services import services

blp = Blueprint("accounts", __name__, url_prefix="/api/v1",
                description="Accounts and sign-in tokens")


def describe_me() -> dict[str, Any]:
    summary = services().ledger.describe_account(g.account_id)
    return {"id": summary.id, "email": summary.email, "display_name": summary.display_name}


@blp.route("/accounts", methods=["POST"])
@blp.arguments(schemas.SignUpIn())
@blp.response(201, schemas.AccountOut, headers=LOCATED)
@public
@declares(409, 429)
def sign_up(body: dict[str, Any]) -> Response:
    """Create an account (rate-limited per address)."""
    services().limits.hit(SIGN_UP, "sign-up", request.remote_addr or "?")
    recorded = services().ledger.sign_up(body["email"], body["password"], body["display_name"])
    g.account_id = recorded.id
    return reply(201, schemas.one(schemas.AccountOut).dump(describe_me()),
                 location="/api/v1/accounts/me")


@blp.route("/accounts/me", methods=["GET"])
@blp.arguments(schemas.NoQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.AccountOut)
def get_my_account(_query: dict[str, Any]) -> dict[str, Any]:
    """My account."""
    return describe_me()


@blp.route("/accounts/me", methods=["PATCH"])
@blp.arguments(schemas.ProfileIn())
@blp.response(200, schemas.AccountOut)
@declares(409, 429)  # wrong passwords are limited per account
def change_profile(body: dict[str, Any]) -> dict[str, Any]:
    """Change my display name, email or password (the current password is required); a
    new email is unverified until its emailed link is followed."""
    services().limits.password_check(g.account_id.hex, lambda: change_me(body))
    return describe_me()


def change_me(body: dict[str, Any]) -> None:
    if body.get("email"):
        services().ledger.change_email(g.account_id, body["current_password"], body["email"])
    services().ledger.change_profile(g.account_id, body["current_password"],
                                     body.get("display_name"), body.get("password"),
                                     keep_token=g.token_id)


@blp.route("/accounts/me", methods=["DELETE"])
@blp.arguments(schemas.PasswordIn())
@blp.response(204)
@declares(409, 429)  # wrong passwords are limited per account
def delete_account(body: dict[str, Any]) -> Response:
    """Leave every ledger with forget_me and erase the account."""
    services().limits.password_check(g.account_id.hex, lambda: services().ledger.delete_account(
        g.account_id, body["password"]))
    return no_content()


@blp.route("/tokens", methods=["POST"])
@blp.arguments(schemas.TokenIn())
@blp.response(201, schemas.TokenOut, headers=LOCATED)
@public
@declares(401, 429)
def sign_in(body: dict[str, Any]) -> Response:
    """Exchange email and password for a bearer token (failures are rate-limited per
    address and per email and address: the owner elsewhere is never locked out)."""
    account = services().limits.sign_in(
        body["email"], request.remote_addr or "?",
        lambda: services().ledger.authenticate(body["email"], body["password"]))
    issued = services().tokens.issue(account, "api", request.user_agent.string)
    return reply(201, schemas.one(schemas.TokenOut).dump({"token": issued.token,
                                               "expires_at": issued.expires_at}),
                 location=f"/api/v1/tokens/{issued.id}")


@blp.route("/tokens", methods=["GET"])
@blp.arguments(schemas.NoQuery(), location="query", unknown=RAISE)
@blp.response(200, schemas.TokenListOut)
def list_tokens(_query: dict[str, Any]) -> dict[str, Any]:
    """My active tokens and page sessions."""
    items = [{**vars(t), "current": t.id == g.token_id}
             for t in services().tokens.list(g.account_id)]
    return {"items": items}


@blp.route("/tokens/current", methods=["DELETE"])
@blp.response(204)
def revoke_current_token() -> Response:
    """Log out this token."""
    services().tokens.revoke(g.account_id, g.token_id)
    return no_content()


@blp.route("/tokens/<uuid:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke_token(token_id: Any) -> Response:
    """Revoke one of my tokens or sessions (another's, or an unknown id, is 404)."""
    services().tokens.revoke_one(g.account_id, token_id)
    return no_content()


@blp.route("/tokens", methods=["DELETE"])
@blp.response(204)
def revoke_all_tokens() -> Response:
    """Log out everywhere: every token and page session."""
    services().tokens.revoke(g.account_id)
    return no_content()

