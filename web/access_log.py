"""gunicorn's access log as JSON lines that hold no secret: the route template the
request matched (`/share/<token>`, never the token), never the raw path or query,
and the method as one of the known ones or `other`. Written with `json.dumps`, so
every line is valid JSON whatever the client sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from gunicorn import glogging

ROUTE_KEY = "ebbflow.route"  # set in the WSGI environ by the app once it has routed
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    """Clients choose the method: an unknown one is `other`, never a new label."""
    return method if method in KNOWN_METHODS else "other"


def access_entry(environ: dict[str, Any], status: str | int, sent: int | None,
                 request_id: str | None, duration: timedelta) -> dict[str, Any]:
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": request_id or None,
        "method": method_label(str(environ.get("REQUEST_METHOD", ""))),
        "route": str(environ.get(ROUTE_KEY) or "unmatched"),
        "status": int(str(status).split(None, 1)[0]),
        "bytes": sent,
        "duration_ms": round(duration.total_seconds() * 1000, 1),
    }


class JsonAccessLogger(glogging.Logger):  # type: ignore[misc]
    def access(self, resp: Any, req: Any, environ: dict[str, Any],
               request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        headers = dict((k.lower(), v) for k, v in getattr(resp, "headers", []))
        entry = access_entry(environ, resp.status, getattr(resp, "sent", None),
                             headers.get("x-request-id"), request_time)
        self.access_log.info(json.dumps(entry))
