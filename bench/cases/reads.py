"""Benchmarks 4 and 5: the balance as of a random week on a ledger with 5 years
and 50,000 events, and the first timeline page on a ledger with 100,000 entries,
read through the same readers the API uses (SQLite), text opened for the viewer."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.context import BenchContext
from bench.datasets import Plan, seed_instance
from bench.measure import summary
from bench.results import Result
from bench.workspace import workspace
from projections.encoding import micros
from services.bootstrap import bootstrap

START = datetime(2021, 1, 4, 9, tzinfo=UTC)
FIVE_YEARS = timedelta(days=5 * 365)
ENTRY_SHARE = 0.94  # of generated events that are entries (the rest: opening, resolutions)


def timed(call: Callable[[], Any], samples: int) -> list[float]:
    call()  # warm: the first read opens connections and fills the page cache
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def run(context: BenchContext) -> list[Result]:
    balance_events = context.scale(50_000, 3_000)
    entries = context.scale(100_000, 5_000)
    samples = context.scale(300, 30)
    rng = random.Random(7)
    with workspace("sqlite") as settings:
        balance_plan = Plan(1, balance_events, span=FIVE_YEARS, seed=4)
        timeline_plan = Plan(1, int(entries / ENTRY_SHARE) + 200, span=FIVE_YEARS, seed=5)
        [[balance_couple], [timeline_couple]] = seed_instance(settings, context, balance_plan,
                                                              timeline_plan)
        with closing(bootstrap(settings)) as services:
            reads = services.reads
            ledger_id, viewer, _ = timeline_couple
            counted = reads.views["timeline"].query(
                "SELECT COUNT(*) AS n FROM {entries} WHERE ledger_id = ?", (ledger_id.hex,))
            entry_count = int(counted[0]["n"])
            mine = services.reading.for_partner(ledger_id, viewer)
            now = micros(datetime.now(UTC))
            page = timed(lambda: mine.timeline(as_of=now, known_at=now, limit=50), samples)
            ledger_id, viewer, _ = balance_couple

            def balance_at_random_week() -> None:
                as_of = START + timedelta(weeks=rng.randrange(52, 5 * 52))
                reads.balance.balance(ledger_id, viewer, as_of)

            balance = timed(balance_at_random_week, samples)
    b, t = summary(balance), summary(page)
    return [
        Result(4, f"balance as_of a random week, 5 years, {balance_events:,} events (SQLite)",
               b["p95"], "ms p95", target="p95 ≤ 20 ms", met=b["p95"] <= 20,
               detail=f"p50 {b['p50']:.1f} ms, p99 {b['p99']:.1f} ms, {samples} reads"),
        Result(5, f"first timeline page (50 items) of {entry_count:,} entries (SQLite)",
               t["p95"], "ms p95", target="p95 ≤ 30 ms", met=t["p95"] <= 30,
               detail=f"p50 {t['p50']:.1f} ms, p99 {t['p99']:.1f} ms, {samples} reads"),
    ]
