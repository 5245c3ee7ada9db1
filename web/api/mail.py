"""Email through the API: what I want to be told, verifying my address, and
resetting a forgotten password (the only account routes open without a token)."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint
from marshmallow import RAISE

from ledger.domain.notifications import Preferences
from web.api import schemas
from web.api.document import declares
from web.api.replies import no_content
from web.api.schemas.mail import (
    NewPasswordIn,
    NotificationsIn,
    NotificationsOut,
    PasswordResetIn,
    notifications_out,
)
from web.http import public
from web.ratelimit import PASSWORD_RESETS, digest
from web.services import services

blp = Blueprint("mail", __name__, url_prefix="/api/v1",
                description="Email: notifications, verification, password resets")


def accepted() -> Response:
    """202 with no body: a link is on its way (or, for an unknown address, is not)."""
    response = no_content()
    response.status_code = 202
    return response


def my_notifications() -> dict[str, Any]:
    return notifications_out(services().ledger.notifications_of(g.account_id).as_data())


@blp.route("/accounts/me/notifications", methods=["GET"])
@blp.arguments(schemas.NoQuery(), location="query", unknown=RAISE)
@blp.response(200, NotificationsOut)
def get_notifications(_query: dict[str, Any]) -> dict[str, Any]:
    """What I chose to be told by email (everything is off until I opt in)."""
    return my_notifications()


@blp.route("/accounts/me/notifications", methods=["PUT"])
@blp.arguments(NotificationsIn())
@blp.response(200, NotificationsOut)
def put_notifications(body: dict[str, Any]) -> dict[str, Any]:
    """Choose, per kind, what to be told; only a verified address gets anything."""
    services().ledger.choose_notifications(g.account_id, Preferences(**body))
    return my_notifications()


@blp.route("/accounts/me/email-verification", methods=["POST"])
@blp.response(202)
@declares(429)
def request_verification() -> Response:
    """Send me a link that confirms my address."""
    services().limits.hit(PASSWORD_RESETS, "verify", g.account_id.hex)
    services().ledger.request_verification(g.account_id)
    return accepted()


@blp.route("/password-resets", methods=["POST"])
@blp.arguments(PasswordResetIn())
@blp.response(202)
@public
@declares(429)
def request_password_reset(body: dict[str, Any]) -> Response:
    """Email a link to choose a new password: the same answer whether or not an
    account has this address (rate-limited per address and per email)."""
    services().limits.hit(PASSWORD_RESETS, "reset-address", request.remote_addr or "?")
    services().limits.hit(PASSWORD_RESETS, "reset-email", digest(body["email"]))
    services().ledger.request_password_reset(body["email"])
    return accepted()


@blp.route("/password-resets/<string:token>", methods=["POST"])
@blp.arguments(NewPasswordIn())
@blp.response(204)
@public
def reset_password(body: dict[str, Any], token: str) -> Response:
    """Choose a new password with an emailed link: used once, within 30 minutes; every
    session and token of the account ends."""
    services().ledger.reset_password(token, body["password"])
    return no_content()
