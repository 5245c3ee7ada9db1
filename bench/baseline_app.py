"""The HTTP baseline: a bare Flask app answering a JSON POST with 201, served by
the same gunicorn settings as the product, so the ratio isolates our own work."""

from __future__ import annotations

import uuid

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue


def create_app() -> Flask:
    app = Flask("baseline")

    @app.post("/api/v1/ledgers/<ledger_id>/<kind>")
    def append(ledger_id: str, kind: str) -> ResponseReturnValue:
        body = request.get_json()
        return jsonify({"id": str(uuid.uuid4()), "kind": kind, "ledger": ledger_id,
                        **body}), 201

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify({"status": "ok"})

    return app
