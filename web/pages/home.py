"""The landing page: what Ebb & Flow is, and plainly what it is not."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from web.pages.common import blp


@blp.route("/")
def landing() -> str | Response:
    if g.get("account_id"):
        return redirect(url_for("pages.my_ledgers"))
    return render_template("pages/landing.html")
