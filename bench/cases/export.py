"""Benchmark 7: a JSON export of a 100,000-event ledger in constant memory.

The export runs in a fresh process so that its peak resident memory (VmHWM) is
the export's own plus the interpreter's; the size of the ledger must not show in it.
"""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from uuid import UUID

from bench.context import BenchContext
from bench.datasets import Plan, seed_instance
from bench.measure import in_fresh_process, reset_peak, rss_mb
from bench.results import Result
from bench.workspace import workspace
from ledger.infra.config import Settings
from projections.runner import catch_up_unattended
from projections.scope import ReadScope
from services.bootstrap import bootstrap
from services.exports import partner_export

PEAK_TARGET_MB = 150


def export_in_child(settings: Settings, ledger_id: UUID, actor: UUID) -> dict[str, float]:
    services = bootstrap(settings)
    before, _ = rss_mb()
    reset_peak()
    started = time.perf_counter()
    digest, size, first_chunk_peak = hashlib.sha256(), 0, 0.0
    file = partner_export(services.ledger, services.reading, ledger_id, actor, "json",
                          ReadScope.partner(ledger_id, actor),
                          catch_up=lambda: catch_up_unattended(settings))
    for chunk in file.chunks:
        digest.update(chunk)
        size += len(chunk)
        first_chunk_peak = first_chunk_peak or rss_mb()[1]
    seconds = time.perf_counter() - started
    _, peak = rss_mb()
    services.close()
    return {"seconds": seconds, "bytes": size, "rss_before": before, "peak": peak,
            "first_chunk_peak": first_chunk_peak}


def run(context: BenchContext) -> list[Result]:
    events = context.scale(100_000, 5_000)
    with workspace("sqlite") as settings:
        [[(ledger_id, actor, _)]] = seed_instance(
            settings, context, Plan(1, events, span=timedelta(days=5 * 365)))
        context.say(f"exporting {events:,} events to JSON in a fresh process")
        figures = in_fresh_process(export_in_child, settings, ledger_id, actor)
    peak = figures["peak"]
    return [Result(
        7, f"JSON export of a {events:,}-event ledger (SQLite): peak memory", peak, "MB",
        target=f"≤ {PEAK_TARGET_MB} MB", met=peak <= PEAK_TARGET_MB,
        detail=f"{figures['rss_before']:.0f} MB before the export, "
               f"{figures['first_chunk_peak']:.0f} MB by its first chunk (the ledger "
               "loaded to record ExportTaken), so streaming added "
               f"{peak - figures['first_chunk_peak']:.0f} MB; "
               f"{figures['bytes'] / 1e6:,.1f} MB written in {figures['seconds']:.1f} s "
               f"({events / figures['seconds']:,.0f} events/s)")]
