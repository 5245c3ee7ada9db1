"""What every request gets: a request id, security headers, and for the API the
checks that come before any handler, in API.md's order: 401 → 413 → 404 → 415 → 400.
(422 comes from the schemas, 412/403/409 from the application, 429 last.)"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import BadRequest, NotFound, RequestEntityTooLarge, UnsupportedMediaType

from ledger.domain.exceptions import NotFound as LedgerNotFound
from ledger.domain.exceptions import Unauthenticated
from ledger.infra.sealing import KeyRing
from web.ratelimit import IMPORTS
from web.services import services

MAX_BODY = 64 * 1024
MAX_IMPORT = 64 * 1024 * 1024  # an export file being restored
LARGE_BODIES = {"ledgers.import_ledger"}
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
ENTRY_PATH_ARGS = ("care_id", "need_id", "entry_id")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def register_http(app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.before_request(assign_request_id)
    app.before_request(KeyRing.remember_keys)
    app.teardown_request(lambda _error: KeyRing.forget_keys())
    app.before_request(api_gate)
    app.after_request(secure_headers)


def assign_request_id() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex


def public(view: Any) -> Any:
    """Marks an API view that needs no token (sign-up, sign-in, the API's own docs)."""
    view.ebbflow_public = True
    return view


def api_gate() -> None:
    if not request.path.startswith("/api/") or request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    open_to_all = current_app.config.get("EBBFLOW_PUBLIC_ENDPOINTS", set())
    if not (getattr(view, "ebbflow_public", False) or request.endpoint in open_to_all):
        authenticate()
    if request.endpoint in LARGE_BODIES:  # costly to read and check: counted before either
        services().limits.hit(IMPORTS, "import", g.account_id.hex)
    limit = MAX_IMPORT if request.endpoint in LARGE_BODIES else MAX_BODY
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    check_path_resources()
    check_json_body()


def authenticate() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    found = services().tokens.resolve(token.strip(), "api") if scheme.lower() == "bearer" \
        else None
    if found is None:
        raise Unauthenticated("a valid bearer token is required")
    g.account_id, g.token_id = found


def check_path_resources() -> None:
    """A ledger, entry or share the caller may not see is 404, before the body is read.
    The ledger stays on `g.ledger` for the request: it is loaded once."""
    args = request.view_args or {}
    if "ledger_id" not in args:
        return
    ledger = g.ledger = services().ledger.get_ledger(args["ledger_id"], g.account_id)
    for name in ENTRY_PATH_ARGS:
        if name in args:
            ledger.visible_entry(g.account_id, args[name], include_retracted=True)
    if "share_id" in args:
        ledger.known_share(args["share_id"])


def check_json_body() -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    raw = request.get_data(cache=True)
    if not raw:
        return
    mimetype = request.mimetype or ""
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType()
    try:
        g.json_body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest() from None


def json_body() -> Any:
    """The request's JSON body, parsed once by the gate (None when there is none)."""
    return getattr(g, "json_body", None)


def secure_headers(response: Response) -> Response:
    response.headers["X-Request-ID"] = getattr(g, "request_id", "")
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Never to another site; to this one, yes: Flask-WTF refuses a form posted over HTTPS
    # without a same-origin Referer (WTF_CSRF_SSL_STRICT), and "no-referrer" made every
    # page form (and the offline queue's sends) fail with 400 in production.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    if not (request.path == "/" or request.path.startswith(("/static/", "/api/v1/docs"))):
        response.headers.setdefault("Cache-Control", "no-store")  # private, every page of it
    if request.path.startswith("/share/"):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    if current_app.config.get("EBBFLOW_HSTS"):
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


__all__ = ["LedgerNotFound", "NotFound", "public", "register_http"]
