"""Benchmark 3: rebuilding each view from 1,000,000 events (10,000 ledgers × 100)
on SQLite and 200,000 on PostgreSQL (seeding a million there would double the
run), against reading and decoding the same log with no writes, each in a fresh
process whose peak memory is read too (and its reader process's: a long replay
decodes in a second process, projections/parallel_replay.py)."""

from __future__ import annotations

import time

from bench.context import BenchContext
from bench.datasets import Plan, seed_instance
from bench.measure import in_fresh_process, rss_mb
from bench.results import Result
from bench.workspace import workspace
from ledger.infra.config import Settings
from ledger.infra.log import LedgerLog
from projections.parallel_replay import reader_peak_mb
from projections.runner import PROJECTIONS, log_batches, rebuild

PEAK_TARGET_MB = 200
RATIO_TARGET = 1 / 3


def read_and_decode(settings: Settings) -> dict[str, float]:
    log = LedgerLog(env=settings.eventsourcing_env())
    started, count = time.perf_counter(), 0
    for notifications in log_batches(log):
        for notification in notifications:
            log.mapper.to_domain_event(notification)
        count += len(notifications)
    seconds = time.perf_counter() - started
    log.close()
    return {"events": count, "seconds": seconds, "peak": rss_mb()[1]}


def rebuild_one(settings: Settings, name: str) -> dict[str, float]:
    started = time.perf_counter()
    replayed = rebuild(settings, [name])[name]
    return {"events": replayed, "seconds": time.perf_counter() - started, "peak": rss_mb()[1],
            "reader_peak": reader_peak_mb()}


LEDGERS = {"sqlite": (10_000, 200), "postgres": (2_000, 200)}  # × 100 events, (full, quick)


def run(context: BenchContext) -> list[Result]:
    results = []
    for backend in ("sqlite", "postgres"):
        if backend == "postgres" and not context.postgres:
            continue
        results += measure(context, backend, context.scale(*LEDGERS[backend]))
    return results


def measure(context: BenchContext, backend: str, ledgers: int) -> list[Result]:
    with workspace(backend) as settings:
        seed_instance(settings, context, Plan(ledgers, 100, seed=3), build_views=False)
        context.say(f"baseline: reading and decoding the whole log ({backend})")
        base = in_fresh_process(read_and_decode, settings)
        figures = {}
        for name in PROJECTIONS:
            context.say(f"rebuilding {name} ({backend})")
            figures[name] = in_fresh_process(rebuild_one, settings, name)
    base_rate = base["events"] / base["seconds"]
    results = []
    shown = "SQLite" if backend == "sqlite" else "PostgreSQL"
    for name, f in figures.items():
        rate = f["events"] / f["seconds"]
        ratio = rate / base_rate
        results.append(Result(
            3, f"rebuild {name}: {f['events']:,.0f} events ({shown})", rate, "events/s",
            baseline=f"{base_rate:,.0f} events/s read+decode",
            target=f"≥ 1/3 of baseline; peak ≤ {PEAK_TARGET_MB} MB",
            met=ratio >= RATIO_TARGET and max(f["peak"], f["reader_peak"]) <= PEAK_TARGET_MB,
            detail=f"ratio {ratio:.2f}; peak {f['peak']:.0f} MB, its reader process's "
                   f"{f['reader_peak']:.0f} MB (baseline's {base['peak']:.0f} MB); "
                   f"{f['seconds']:.0f} s"))
    return results
