"""Benchmark 6: read-your-writes through a real `ebbflow serve`: from sending a
need to the timeline answer that shows it (`min_position` from the 201), on
SQLite and on PostgreSQL."""

from __future__ import annotations

import time

import requests

from bench.context import BenchContext
from bench.measure import summary
from bench.results import Result
from bench.serving import ebbflow_serve, make_couples
from bench.workspace import workspace

TARGETS_MS = {"sqlite": 60, "postgres": 15}
NEED: dict[str, str | int] = {"need": "to be heard tonight", "intensity": 2,
                              "support_type": "emotional"}


def measure(url: str, ledger: str, token: str, samples: int) -> tuple[list[float], list[float]]:
    """(write → visible, the read alone) in ms."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    totals, reads = [], []
    for n in range(samples + 5):
        started = time.perf_counter()
        written = session.post(f"{url}/api/v1/ledgers/{ledger}/needs", json=NEED, timeout=10)
        written.raise_for_status()
        body = written.json()
        read_started = time.perf_counter()
        page = session.get(f"{url}/api/v1/ledgers/{ledger}/timeline", timeout=10,
                           params={"min_position": body["position"], "limit": 1})
        page.raise_for_status()
        done = time.perf_counter()
        if page.json()["items"][0]["id"] != body["id"]:
            raise AssertionError("the timeline did not show the write it waited for")
        if n >= 5:  # the first few warm connections and caches
            totals.append((done - started) * 1000)
            reads.append((done - read_started) * 1000)
    return totals, reads


def run(context: BenchContext) -> list[Result]:
    samples = context.scale(300, 15)
    results = []
    for backend in ("sqlite", "postgres"):
        if backend == "postgres" and not context.postgres:
            continue
        with workspace(backend) as settings, ebbflow_serve(settings, workers=2) as served:
            [couple] = make_couples(served.url, settings, 1, f"fresh-{backend}")
            context.say(f"{samples} writes, each read back through the timeline ({backend})")
            totals, reads = measure(served.url, couple.ledger_id, couple.tokens[0], samples)
        t, r = summary(totals), summary(reads)
        target = TARGETS_MS[backend]
        results.append(Result(
            6, f"read-your-writes: need sent → shown in the timeline ({backend})", t["p50"],
            "ms p50", target=f"p50 ≤ {target} ms", met=t["p50"] <= target,
            detail=f"p95 {t['p95']:.1f} ms; the timeline read alone p50 {r['p50']:.1f} ms, "
                   f"p95 {r['p95']:.1f} ms; {samples} writes"))
    return results
