"""The JSON API under /api/v1: blueprints, the OpenAPI 3.1 document, and a docs
page whose assets the app serves itself (no CDN, no inline script)."""

from __future__ import annotations

from flask import Flask, Response, render_template, send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from web.api import accounts, entries, exports, ledgers, reads, shares
from web.errors import problem
from web.http import public

DOCS_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js")


PROBLEM_SCHEMA = {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "request_id": {"type": "string"},
        "errors": {"type": "object",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}


def document_problems(api: Api) -> None:
    """Every operation may answer an RFC 9457 problem: say so in the document."""
    api.spec.components.schema("Problem", PROBLEM_SCHEMA)
    api.spec.components.response("Problem", {
        "description": "An RFC 9457 problem (errors flat by field for validation)",
        "content": {"application/problem+json": {"schema": {"$ref":
                                                             "#/components/schemas/Problem"}}},
    })
    for operations in api.spec._paths.values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                responses = operation["responses"]
                for code in [c for c in responses if not str(c).startswith("2")]:
                    responses[code] = {"$ref": "#/components/responses/Problem"}
                responses["default"] = {"$ref": "#/components/responses/Problem"}
                operation.setdefault("security", [{"bearer": []}])


def register_api(app: Flask) -> Api:
    api = Api(app, spec_kwargs={"info": {"description": (
        "The Ebb & Flow API: a private, shared ledger for two partners. Errors are RFC 9457 "
        "problem+json. Authenticate with `Authorization: Bearer <token>` from POST /tokens."
    )}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for module in (accounts, ledgers, entries, reads, exports, shares):
        api.register_blueprint(module.blp)
    document_problems(api)
    app.config["EBBFLOW_PUBLIC_ENDPOINTS"] = {"api-docs.openapi_json"}

    @app.route("/api/v1/docs")
    @public
    def api_docs() -> str:
        return render_template("api_docs.html")

    @app.route("/api/v1/docs/assets/<path:name>")
    @public
    def api_docs_asset(name: str) -> Response:
        if name not in DOCS_ASSETS:
            return problem(404, "not found")
        return send_from_directory(swagger_ui_path, name, max_age=86400)

    return api
