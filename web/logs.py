"""Structured logs: one JSON object per line, with the request id of the request
that wrote it. Exceptions are logged by type and stack frames only: a message can
carry what a partner wrote, and entry text and secrets never reach the logs."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

from flask import g, has_request_context


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            entry["error"] = kind.__name__
            entry["stack"] = [f"{f.filename}:{f.lineno} in {f.name}"
                              for f in traceback.extract_tb(trace)]
        return json.dumps({k: v for k, v in entry.items() if v is not None})


def _request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for the app's loggers (gunicorn keeps its own access log)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
