"""Counting what an append says to PostgreSQL: statements and network round trips,
read from libpq's own protocol trace of every pooled connection (nothing sampled)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing import postgres
from psycopg import pq


@dataclass(frozen=True)
class Conversation:
    statements: int  # simple queries and extended-protocol executions (Bind)
    round_trips: int  # each time the client waits for the server before sending again


def conversation(trace: str) -> Conversation:
    statements = round_trips = 0
    last = ""
    for line in trace.splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or parts[0] not in ("F", "B"):
            continue
        message = parts[2].split(" ")[0]
        if parts[0] == "F" and message in ("Query", "Bind"):
            statements += 1
        if parts[0] == "F" and last == "B":
            round_trips += 1
        last = parts[0]
    return Conversation(statements, round_trips)


@contextmanager
def traced_connections() -> Iterator[Callable[[], str]]:
    """While open, every connection the library's pools make writes libpq's trace to one
    file; the callable answers what was traced since the last call."""
    path = tempfile.mktemp(prefix="ebbflow-pq-trace-")
    sink = open(path, "w")  # noqa: SIM115 - closed below; libpq writes to its descriptor
    original = postgres.PostgresDatastore.after_connect_func

    def after_connect_func(self: Any) -> Callable[[Any], None]:
        inner = original(self)

        def after_connect(conn: Any) -> None:
            inner(conn)
            conn.pgconn.trace(sink.fileno())
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        return after_connect

    postgres.PostgresDatastore.after_connect_func = after_connect_func  # type: ignore[method-assign]
    seen = 0

    def since_last() -> str:
        nonlocal seen
        sink.flush()
        with open(path) as trace:
            trace.seek(seen)
            text = trace.read()
        seen += len(text.encode())
        return text

    try:
        yield since_last
    finally:
        postgres.PostgresDatastore.after_connect_func = original  # type: ignore[method-assign]
        sink.close()
        os.unlink(path)
