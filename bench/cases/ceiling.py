"""Benchmark 2's bound: the append ceiling without HTTP. Four processes each
append needs into their own ledgers (no two writers share a ledger) for a fixed
time; the total is what the event store takes. On PostgreSQL the library locks
the events table for each insert (commit order = log order), so all couples'
appends queue on that one lock (DESIGN §8)."""

from __future__ import annotations

import os
import time
from contextlib import closing
from uuid import UUID

from bench.context import BenchContext
from bench.datasets import BulkLoader, new_couple
from bench.measure import in_fresh_process
from bench.results import Result
from bench.workspace import workspace
from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from services.bootstrap import bootstrap

PROCESSES = 4
LEDGERS_EACH = 4


def make_ledgers(settings: Settings, count: int) -> list[tuple[UUID, UUID]]:
    app = BulkLoader(settings)
    try:
        made = []
        for _ in range(count):
            ledger, a, _ = new_couple(app, app.clock())
            app.save(ledger)
            made.append((ledger.id, a))
        return made
    finally:
        app.close()


def append_for(settings: Settings, ledgers: list[tuple[UUID, UUID]], seconds: float,
               start_at: float) -> int:
    with closing(bootstrap(settings)) as services:
        while time.time() < start_at:
            time.sleep(0.005)
        done, deadline = 0, start_at + seconds
        while time.time() < deadline:
            ledger_id, actor = ledgers[done % len(ledgers)]
            services.ledger.express_need(ledger_id, actor, need="a calm evening", intensity=2,
                                         support_type=SupportType.EMOTIONAL)
            done += 1
        return done


def run(context: BenchContext) -> list[Result]:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    seconds = context.scale(15, 1)
    results = []
    for backend in ("sqlite", "postgres"):
        if backend == "postgres" and not context.postgres:
            continue
        with workspace(backend) as settings:
            ledgers = make_ledgers(settings, PROCESSES * LEDGERS_EACH)
            context.say(f"{backend}: {PROCESSES} processes appending for {seconds} s")
            start_at = time.time() + context.scale(3, 2)  # all connected before the clock
            with ProcessPoolExecutor(PROCESSES, mp_context=get_context("spawn")) as pool:
                counts = list(pool.map(
                    append_for, [settings] * PROCESSES,
                    [ledgers[i::PROCESSES] for i in range(PROCESSES)],
                    [seconds] * PROCESSES, [start_at] * PROCESSES))
            single = None if context.quick else in_fresh_process(
                append_for, settings, ledgers[:LEDGERS_EACH], seconds, time.time() + 1.5)
        total = sum(counts) / seconds
        results.append(Result(
            2 if backend == "postgres" else 1,
            f"append ceiling without HTTP ({backend}, {PROCESSES} processes, own ledgers)",
            total, "appends/s", target="report",
            baseline=f"{single / seconds:,.0f} appends/s in 1 process" if single else "",
            detail=f"scaling ×{total / (single / seconds):.2f} from 1 to {PROCESSES} "
                   f"processes on {os.cpu_count()} CPUs" if single else "quick run"))
    return results
