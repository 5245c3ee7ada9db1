"""Operational endpoints: liveness, readiness and metrics.

/healthz: the process answers. /readyz: the pages render, the database answers,
every view serving is of the shape this code reads and within EBBFLOW_READY_MAX_LAG
events of the log (else 503 naming the reasons); its detail names each dead letter
(an event a view passed over).
/metrics: Prometheus text; behind EBBFLOW_METRICS_TOKEN when that is set (and
nginx.conf keeps it off the public side in any case).
"""

from __future__ import annotations

import hmac
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from projections.report.render import report_renderable
from projections.runner import position_of
from web.metrics import metrics_response
from web.services import services

blp = Blueprint("ops", __name__)


def positions() -> tuple[int, dict[str, int]]:
    """The log's head and each view's position (raises if the database is down)."""
    head = services().ledger.max_position()
    return head, {name: position_of(view) for name, view in services().reads.views.items()}


@blp.route("/healthz")
def healthz() -> Response:
    """The process answers; says nothing about the database (see /readyz)."""
    return jsonify({"status": "ok"})


def pages_unservable() -> list[str]:
    """Why pages would fail although the process answers: a template missing or broken
    (an install without its package data), or no stylesheet. Renders the landing page."""
    try:
        render_template("pages/landing.html")
    except Exception as error:  # any failure to render means no page can be served
        return [f"the pages cannot be rendered ({type(error).__name__})"]
    folder = current_app.static_folder
    if folder is None or not (Path(folder) / "style.css").is_file():
        return ["the static files are missing (style.css)"]
    if not report_renderable():
        return ["the counsellor's report cannot be rendered (its templates are missing)"]
    return []


@blp.route("/readyz")
def readyz() -> Response:
    bound = services().settings.ready_max_lag
    reasons = pages_unservable()
    try:
        head, views = positions()
    except Exception as error:  # any failure to reach the database means not ready
        return unready([*reasons, f"the database is unreachable ({type(error).__name__})"])
    reasons += [f"projection {name} is {head - at} events behind the log (bound {bound})"
                for name, at in views.items() if head - at > bound]
    reasons += shapes_unreadable()
    if reasons:
        return unready(reasons)
    return jsonify({"status": "ready", "log_position": head, "projections": views,
                    "dead_letters": dead_letters(), "notifier": notifier(head)})


def notifier(head: int) -> dict[str, object]:
    """Email is behind or stopped: said here, never a reason to stop serving pages."""
    try:
        position = services().mail.position()
        return {"position": position, "lag": head - position,
                "outbox": services().mail.counts()}
    except Exception as error:  # no notifier tables (not migrated): named, not fatal
        return {"error": type(error).__name__}


def shapes_unreadable() -> list[str]:
    """Views serving rows of another shape than this code reads: their readers get
    503 until `ebbflow rebuild --online VIEW` has switched them."""
    reasons = []
    for name, view in services().reads.views.items():
        stored = view.stored_version()
        if stored != view.SCHEMA_VERSION:
            reasons.append(f"view {name} is at version {stored}, this code reads version "
                           f"{view.SCHEMA_VERSION} (ebbflow rebuild --online {name})")
    return reasons


def dead_letters() -> dict[str, list[dict[str, object]]]:
    """Events a view passed over: named, not a reason to stop serving everyone else."""
    return {name: [{"position": row["position"], "error": row["error"]} for row in rows]
            for name, rows in services().reads.dead_letters().items() if rows}


def unready(reasons: list[str]) -> Response:
    response = jsonify({"type": "about:blank", "title": "Service Unavailable", "status": 503,
                        "detail": "; ".join(reasons), "reasons": reasons})
    response.status_code = 503
    response.mimetype = "application/problem+json"
    response.headers["Retry-After"] = "5"
    return response


@blp.route("/metrics")
def metrics() -> Response:
    expected = services().settings.metrics_token
    if expected:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return Response("a metrics token is required\n", status=401,
                            headers={"WWW-Authenticate": "Bearer"}, mimetype="text/plain")
    return metrics_response(positions, services().reads.dead_letters, services().mail)
