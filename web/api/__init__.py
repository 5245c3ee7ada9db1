"""The JSON API under /api/v1: blueprints, the OpenAPI 3.1 document, and a docs
page whose assets the app serves itself (no CDN, no inline script)."""

from __future__ import annotations

from flask import Flask, Response, render_template, send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from web.api import accounts, entries, exports, ledgers, mail, reads, shares
from web.api.document import complete_document, register_components
from web.errors import problem
from web.http import public

DOCS_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js")


def register_api(app: Flask) -> Api:
    api = Api(app, spec_kwargs={"info": {"description": (
        "The Ebb & Flow API: a private, shared ledger for two partners. Errors are RFC 9457 "
        "problem+json. Authenticate with `Authorization: Bearer <token>` from POST /tokens."
    ), "license": {"name": "Proprietary", "identifier": "LicenseRef-Proprietary"}},
        "servers": [{"url": "/"}]})
    register_components(api)
    for module in (accounts, mail, ledgers, entries, reads, exports, shares):
        api.register_blueprint(module.blp)
    complete_document(api, app)
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
