"""Server-rendered pages for couples: the same application and views as the API,
called directly. Sessions in a revocable cookie, CSRF on every form (Flask-WTF),
Post/Redirect/Get, strict CSP (no inline script), discreet titles, quick exit."""

from __future__ import annotations

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from ledger.domain.kinds import KINDS
from projections.chart_svg import care_svg, felt_svg
from web.pages import account, counsellor, entries, home, ledgers, mail, sharing
from web.pages.common import blp
from web.pages.session import load_session
from web.pages.words import register_words

# imported for their routes on `blp`
ROUTE_MODULES = (account, counsellor, entries, home, ledgers, mail, sharing)


def register_pages(app: Flask) -> None:
    csrf = CSRFProtect(app)
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a form lives as long as its page session
    app.register_blueprint(blp)
    app.jinja_env.globals["entry_kinds"] = KINDS  # what each kind is called, its words
    register_words(app)
    app.jinja_env.globals.update(care_svg=care_svg, felt_svg=felt_svg)  # drawn as escaped SVG
    for endpoint, view in app.view_functions.items():
        if not endpoint.startswith("pages."):
            csrf.exempt(view)  # the API authenticates with bearer tokens, not cookies
    # mail programs post the one-click unsubscribe (RFC 8058) without a page or its token
    csrf.exempt(app.view_functions["pages.unsubscribe"])

    @app.before_request
    def pages_session() -> None:
        if request.blueprint == "pages":
            load_session()
