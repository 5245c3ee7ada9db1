"""Page sessions: a random token in an HttpOnly, SameSite=Lax cookie, stored hashed
server-side like API tokens, so a session is listable and revocable ("log out
everywhere" ends page sessions too)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from uuid import UUID

from flask import current_app, g, redirect, request, url_for
from werkzeug.wrappers import Response

from web.services import services

COOKIE = "ebbflow_session"
F = TypeVar("F", bound=Callable[..., Any])


def load_session() -> None:
    """Before each page request: who is signed in, if anyone."""
    g.account_id = None
    g.token_id = None
    token = request.cookies.get(COOKIE)
    if token:
        found = services().tokens.resolve(token, "session")
        if found is not None:
            g.account_id, g.token_id = found


def start_session(response: Response, account_id: UUID) -> Response:
    issued = services().tokens.issue(account_id, "session", request.user_agent.string)
    response.set_cookie(COOKIE, issued.token, expires=issued.expires_at, httponly=True,
                        samesite="Lax",
                        secure=bool(current_app.config.get("EBBFLOW_SECURE_COOKIES")),
                        path="/")
    return response


def end_session(response: Response) -> Response:
    if g.get("account_id") and g.get("token_id"):
        services().tokens.revoke(g.account_id, g.token_id)
    response.delete_cookie(COOKIE, path="/")
    return response


def signed_in(view: F) -> F:
    """Pages for signed-in people; others are sent to log in."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.get("account_id") is None:
            here = request.full_path.rstrip("?")  # an invite link's code comes along
            return redirect(url_for("pages.login", next=here))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
