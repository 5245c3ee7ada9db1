"""Operational endpoints: liveness (readiness and metrics come with operations)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

blp = Blueprint("ops", __name__)


@blp.route("/healthz")
def healthz() -> Response:
    """The process answers; says nothing about the database (see /readyz)."""
    return jsonify({"status": "ok"})
