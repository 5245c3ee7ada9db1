"""Errors, mapped in one place: RFC 9457 problem+json for the API, with a request id
and nothing internal; `errors` flattened by field name for validation."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, json, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ledger.domain.exceptions import (
    Conflict,
    Invalid,
    LedgerError,
    NotAllowed,
    NotFound,
    NotReady,
    PreconditionFailed,
    Unauthenticated,
)
from web.messages import flatten
from web.ratelimit import RateLimited

logger = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
STATUS: dict[type[LedgerError], int] = {
    Unauthenticated: 401, NotFound: 404, Invalid: 422, PreconditionFailed: 412,
    NotAllowed: 403, Conflict: 409, RateLimited: 429, NotReady: 503,
}


def problem(status: int, detail: str, errors: Mapping[str, list[str]] | None = None,
            headers: Mapping[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": HTTPStatus(status).phrase,
                            "status": status, "detail": detail}
    if errors:
        body["errors"] = dict(errors)
    request_id = getattr(g, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def is_api() -> bool:
    return request.path.startswith("/api/")


PAGE_MESSAGES = {
    400: "That request could not be understood.",
    401: "Please log in.",
    403: "That is not yours to do.",
    404: "There is nothing here, or it is not yours to see.",
    405: "That cannot be done here.",
    409: "That conflicts with how things stand now (your notes may be paused).",
    412: "Something changed in the meantime; please reload and try again.",
    413: "That was too long.",
    422: "Some of that was not valid.",
    429: "Too many attempts; please wait a minute and try again.",
    500: "Something went wrong on our side.",
}


def error_page(status: int, message: str | None = None) -> Response:
    body = render_template("pages/error.html", status=status,
                           message=message or PAGE_MESSAGES.get(status, PAGE_MESSAGES[500]))
    return Response(body, status=status, mimetype="text/html")


def register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> Response:
        return error_page(400, "This form had expired or did not come from this site. "
                               "Please reload the page and try again.")

    @app.errorhandler(LedgerError)
    def ledger_error(error: LedgerError) -> Response:
        status = next((STATUS[kind] for kind in type(error).__mro__ if kind in STATUS), 400)
        if not is_api():
            return error_page(status, str(error) if isinstance(error, NotReady) else None)
        headers = {}
        if isinstance(error, RateLimited):
            headers["Retry-After"] = str(error.retry_after)
        if isinstance(error, NotReady):
            headers["Retry-After"] = str(getattr(error, "retry_after", 1))
        if isinstance(error, Unauthenticated):
            headers["WWW-Authenticate"] = 'Bearer realm="ebbflow"'
        errors = error.errors if isinstance(error, Invalid) else None
        return problem(status, str(error), errors, headers)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | HTTPException:
        if not is_api():
            return error_page(error.code or 500)
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = flatten(data.get("messages")) if data.get("messages") else None
        detail = "some fields are not valid" if errors else _detail(error)
        headers = {}
        if status == 405 and error.get_headers():
            headers = {k: v for k, v in error.get_headers() if k == "Allow"}
        return problem(status, detail, errors, headers)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        logger.exception("unexpected error", extra={"request_id": getattr(g, "request_id", "")})
        if not is_api():
            return error_page(500)
        return problem(500, "something went wrong on our side; quote the request id if you "
                            "contact us")


def _detail(error: HTTPException) -> str:
    descriptions = {
        404: "not found", 405: "method not allowed here", 413: "the body is over 64 KiB",
        415: "send JSON (Content-Type: application/json)", 400: "the body is not valid JSON",
    }
    return descriptions.get(error.code or 0, HTTPStatus(error.code or 500).phrase.lower())
