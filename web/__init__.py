"""The web layer: JSON API and pages. `create_app` is the one composition root.

gunicorn loads `web:create_app()` in each worker, after the fork, so nothing
connects to a database before it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from ledger.config import Settings
from web import ops
from web.api import register_api
from web.errors import register_errors
from web.http import register_http
from web.metrics import register_metrics
from web.pages import register_pages
from web.services import EXTENSION, Services

API_TITLE = "Ebb & Flow"
API_VERSION = "v1"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        API_TITLE=API_TITLE, API_VERSION=API_VERSION, OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
        EBBFLOW_RATELIMIT_STORAGE_URL=os.environ.get("EBBFLOW_RATELIMIT_STORAGE_URL",
                                                     "memory://"),
        EBBFLOW_HSTS=os.environ.get("EBBFLOW_HSTS", "") == "1",
    )
    app.config.update(config or {})
    settings: Settings = app.config.get("EBBFLOW_SETTINGS") or Settings.from_env()
    app.secret_key = settings.secret_key
    app.extensions[EXTENSION] = Services.build(
        settings, str(app.config["EBBFLOW_RATELIMIT_STORAGE_URL"]),
        app.config.get("EBBFLOW_CLOCK"))
    register_http(app)
    register_metrics(app)
    app.register_blueprint(ops.blp)
    register_api(app)
    register_pages(app)
    register_errors(app)
    return app
