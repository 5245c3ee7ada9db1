"""The web layer: JSON API and pages. `create_app` is the one composition root.

gunicorn loads `web:create_app()` in each worker, after the fork, so nothing
connects to a database before it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ledger.infra.config import Settings
from web import ops, shell
from web.api import register_api
from web.compression import register_compression
from web.errors import register_errors
from web.http import register_http
from web.kinds import check_kinds_served
from web.metrics import register_metrics
from web.pages import register_pages
from web.services import EXTENSION, WebServices

API_TITLE = "Ebb & Flow"
API_VERSION = "v1"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    check_kinds_served()
    app = Flask(__name__)
    app.config.update(
        API_TITLE=API_TITLE, API_VERSION=API_VERSION, OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
    )
    app.config.update(config or {})
    settings: Settings = app.config.get("EBBFLOW_SETTINGS") or Settings.from_env()
    app.config.setdefault("EBBFLOW_RATELIMIT_STORAGE_URL", settings.ratelimit_storage_url)
    app.config.setdefault("EBBFLOW_HSTS", settings.hsts)
    secure = settings.secure_cookies or bool(app.config["EBBFLOW_HSTS"])
    app.config.update(  # Flask's own cookie carries the forms' CSRF secret
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=secure, EBBFLOW_SECURE_COOKIES=secure)
    app.secret_key = settings.secret_key
    if settings.proxies:  # behind nginx: each client is its own address, not the proxy's
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxies,  # type: ignore[method-assign]
                                x_proto=settings.proxies)
    app.extensions[EXTENSION] = WebServices.build(
        settings, str(app.config["EBBFLOW_RATELIMIT_STORAGE_URL"]),
        app.config.get("EBBFLOW_CLOCK"))
    register_http(app)
    register_metrics(app)
    app.register_blueprint(ops.blp)
    app.register_blueprint(shell.blp)
    register_api(app)
    register_pages(app)
    register_errors(app)
    register_compression(app)  # registered last, so it runs first of the after-request hooks
    return app
