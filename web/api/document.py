"""The OpenAPI document says what the server does. Schemas describe bodies; the rest
is completed here once the blueprints are registered: an operationId (the view's
name), who may call it, the write headers it honours, and every problem it can
answer, in API.md's order. Views declare what only they know with `declares`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec.plugins import FlaskPlugin

View = TypeVar("View", bound=Callable[..., Any])

PROBLEM_SCHEMA = {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "request_id": {"type": "string"},
        "errors": {"type": "object",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
EXPORT_DOCUMENT = {
    "type": "object", "additionalProperties": True,
    "description": "An `ebbflow.export/2` document, as `GET …/export?format=json` writes it: "
                   "complete (every section, no dates, private entries included), intact "
                   "and signed by this instance or a key it trusts.",
}
PROBLEMS = {  # status: (response component, when)
    400: ("MalformedJson", "The body is not valid JSON."),
    401: ("Unauthenticated", "No token, or one that is wrong, expired or revoked."),
    403: ("NotYoursToDo", "Visible, but not yours to do."),
    404: ("NotFound", "Not found, or not yours to see: the two are answered alike."),
    409: ("Conflict", "Conflicts with the current state (the ledger may be paused), or a "
                      "request with the same Idempotency-Key is still in progress."),
    412: ("PreconditionFailed", "If-Match names a version the ledger is no longer at."),
    413: ("TooLarge", "The body is too large (64 KiB; an import, 64 MiB)."),
    415: ("NotJson", "The body is not JSON."),
    422: ("Invalid", "Not valid: `errors` names each field, query parameter or header with "
                     "its messages."),
    429: ("RateLimited", "Too many attempts; Retry-After says when to try again."),
    503: ("NotReady", "The views did not reach `min_position` in time; Retry-After says when "
                      "to try again."),
}
RETRY_AFTER = {"$ref": "#/components/headers/Retry-After"}
EXTRA_HEADERS = {401: {"WWW-Authenticate": {"$ref": "#/components/headers/WWW-Authenticate"}},
                 429: {"Retry-After": RETRY_AFTER}, 503: {"Retry-After": RETRY_AFTER}}
HEADERS = {
    "ETag": {"description": 'The ledger\'s version as a strong ETag, such as "17".',
             "required": True, "schema": {"type": "string", "pattern": '^"[0-9]+"$'}},
    "Location": {"description": "Where the resource lives.", "required": True,
                 "schema": {"type": "string", "pattern": "^/api/v1/"}},
    "Retry-After": {"description": "Seconds to wait before trying again.", "required": True,
                    "schema": {"type": "string"}},
    "WWW-Authenticate": {"description": 'Always `Bearer realm="ebbflow"`.', "required": True,
                         "schema": {"type": "string"}},
}
PARAMETERS = {
    "Idempotency-Key": {
        "in": "header", "name": "Idempotency-Key", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "description": "Makes a retry safe: a repeat with the same body answers the stored "
                       "reply and records nothing; another body with the same key is 422."},
    "If-Match": {
        "in": "header", "name": "If-Match", "required": False,
        "schema": {"type": "string", "pattern": r'^(\*|"[0-9]{1,18}")$'},
        "description": 'Applies the write only if the ledger is still at this version (its '
                       'ETag, such as "17"); otherwise 412.'},
}
CREATED = {"Location": "Location", "ETag": "ETag"}  # the headers of a recorded creation
VERSIONED = {"ETag": "ETag"}
LOCATED = {"Location": "Location"}
FRAMEWORK_LEFTOVERS = {"schemas": ("Error", "PaginationMetadata"),
                       "responses": ("UNPROCESSABLE_ENTITY", "DEFAULT_ERROR")}


@dataclass(frozen=True)
class Declared:
    problems: tuple[int, ...] = ()
    idempotency_key: bool = False
    if_match: bool = False


def declares(*problems: int, idempotency_key: bool = False,
             if_match: bool = False) -> Callable[[View], View]:
    """What a view's schemas cannot show: the problems its command can answer (403,
    409, 429…) and whether it honours `Idempotency-Key` and `If-Match`."""

    def mark(view: View) -> View:
        marked: Any = view
        marked.ebbflow_declared = Declared(problems, idempotency_key, if_match)
        return view

    return mark


def register_components(api: Api) -> None:
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.schema("Problem", PROBLEM_SCHEMA)
    api.spec.components.schema("ExportDocument", EXPORT_DOCUMENT)
    for name, header in HEADERS.items():
        api.spec.components.header(name, header)
    for name, parameter in PARAMETERS.items():
        api.spec.components.parameter(name, parameter["in"], parameter)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for status, (name, description) in PROBLEMS.items():
        api.spec.components.response(name, {
            "description": description, "content": problem, **(
                {"headers": EXTRA_HEADERS[status]} if status in EXTRA_HEADERS else {})})
    api.spec.components.response("Unexpected", {
        "description": "An unexpected error: a 500 problem with a request id, nothing internal.",
        "content": problem})


def complete_document(api: Api, app: Flask) -> None:
    """Completes each operation of the document from its route and view."""
    paths: dict[str, dict[str, Any]] = api.spec._paths
    for rule in app.url_map.iter_rules():
        operations = paths.get(FlaskPlugin.flaskpath2openapi(rule.rule), {})
        for method in sorted(rule.methods or ()):
            if method.lower() in operations:
                view = app.view_functions[rule.endpoint]
                complete(operations[method.lower()], view, method, bool(rule.arguments))
    for section, names in FRAMEWORK_LEFTOVERS.items():
        for name in names:
            getattr(api.spec.components, section).pop(name, None)


def complete(operation: dict[str, Any], view: Any, method: str, in_path: bool) -> None:
    declared: Declared = getattr(view, "ebbflow_declared", Declared())
    public = getattr(view, "ebbflow_public", False)
    operation["operationId"] = view.__name__
    operation["security"] = [] if public else [{"bearer": []}]
    parameters = operation.setdefault("parameters", [])
    for name, wanted in (("Idempotency-Key", declared.idempotency_key),
                         ("If-Match", declared.if_match)):
        if wanted:
            parameters.append({"$ref": f"#/components/parameters/{name}"})
    if not parameters:
        del operation["parameters"]
    responses = {code: answer for code, answer in operation["responses"].items()
                 if code.startswith("2")}
    for status in sorted(problems(operation, declared, public, method, in_path)):
        responses[str(status)] = {"$ref": f"#/components/responses/{PROBLEMS[status][0]}"}
    responses["default"] = {"$ref": "#/components/responses/Unexpected"}
    operation["responses"] = responses


def problems(operation: dict[str, Any], declared: Declared, public: bool, method: str,
             in_path: bool) -> set[int]:
    """The checks of API.md's order that apply to this operation, and what it declares."""
    statuses = set(declared.problems)
    if not public:
        statuses.add(401)
    if in_path:
        statuses.add(404)
    if "requestBody" in operation:
        statuses |= {400, 413, 415, 422}
    if operation.get("parameters") or method == "GET":  # a read refuses unknown parameters
        statuses.add(422)
    if declared.if_match:
        statuses.add(412)
    if declared.idempotency_key:
        statuses.add(409)  # a repeat while the first request is still in flight
    if any(p.get("name") == "min_position" for p in operation.get("parameters", [])):
        statuses.add(503)
    return statuses
