"""Prometheus metrics. Under gunicorn every worker writes to PROMETHEUS_MULTIPROC_DIR
(set by `ebbflow serve` or the deployment) and /metrics aggregates them; the
projection positions and lag are read from the database at scrape time, so they
are right whichever process projects."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from ledger.infra.config import ServerSettings
from web.access_log import ROUTE_KEY, method_label

REQUESTS = Counter("ebbflow_http_requests_total", "HTTP requests answered",
                   ["method", "route", "status"])
LATENCY = Histogram("ebbflow_http_request_duration_seconds", "Time to answer a request",
                    ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
APPENDS = Counter("ebbflow_events_appended_total", "Events appended to the log", ["type"])


def register_metrics(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.extensions["ebbflow"].ledger.on_recorded.append(_count_appends)


def _start_timer() -> None:
    g.started = time.perf_counter()
    request.environ[ROUTE_KEY] = request.url_rule.rule if request.url_rule else "unmatched"


def _observe(response: Response) -> Response:
    route = request.url_rule.rule if request.url_rule else "unmatched"
    method = method_label(request.method)
    REQUESTS.labels(method, route, str(response.status_code)).inc()
    if hasattr(g, "started"):
        LATENCY.labels(method, route).observe(time.perf_counter() - g.started)
    return response


def _count_appends(recordings: list[Any]) -> None:
    for recording in recordings:
        APPENDS.labels(type(recording.domain_event).__qualname__.split(".")[-1]).inc()


class ProjectionCollector:
    """The log's head and each view's position and lag, read when scraped."""

    def __init__(self, positions: Any, dead_letters: Any) -> None:
        self.positions = positions  # () -> (head, {view: position})
        self.dead_letters = dead_letters  # () -> {view: [dead letter rows]}

    def collect(self) -> Iterator[GaugeMetricFamily]:
        head, views = self.positions()
        log = GaugeMetricFamily("ebbflow_log_position", "The last position in the event log")
        log.add_metric([], head)
        position = GaugeMetricFamily("ebbflow_projection_position",
                                     "The last log position each view has processed",
                                     labels=["projection"])
        lag = GaugeMetricFamily("ebbflow_projection_lag_events",
                                "Events in the log a view has not processed yet",
                                labels=["projection"])
        dead = GaugeMetricFamily("ebbflow_projection_dead_letters",
                                 "Events a view could not apply and passed over (see "
                                 "`ebbflow dead-letters`; a rebuild retries them)",
                                 labels=["projection"])
        for name, at in views.items():
            position.add_metric([name], at)
            lag.add_metric([name], head - at)
        for name, rows in self.dead_letters().items():
            dead.add_metric([name], len(rows))
        yield from (log, position, lag, dead)


class MailCollector:
    """The outbox's messages by state and the notifier's lag, read when scraped."""

    def __init__(self, positions: Any, mail: Any) -> None:
        self.positions, self.mail = positions, mail

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            counts, position = self.mail.counts(), self.mail.position()
        except Exception:  # no notifier tables yet (not migrated): nothing to count
            return
        messages = GaugeMetricFamily("ebbflow_mail_messages",
                                     "Emails in the outbox: sent, failed (given up), pending",
                                     labels=["state"])
        for state, count in counts.items():
            messages.add_metric([state], count)
        lag = GaugeMetricFamily("ebbflow_notifier_lag_events",
                                "Events in the log the notifier has not decided on yet")
        lag.add_metric([], self.positions()[0] - position)
        yield from (messages, lag)


def metrics_response(positions: Any, dead_letters: Any, mail: Any = None) -> Response:
    registry = CollectorRegistry()
    if ServerSettings.from_env().metrics_dir:
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    text = generate_latest(registry)
    projections = CollectorRegistry()
    projections.register(ProjectionCollector(positions, dead_letters))
    if mail is not None:
        projections.register(MailCollector(positions, mail))
    text += generate_latest(projections)
    return Response(text, mimetype=CONTENT_TYPE_LATEST)
