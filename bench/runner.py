"""`ebbflow bench`: runs the cases in the issue's order, prints the table and
writes bench/RESULTS.md (only for a full run unless told otherwise)."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

from rich.console import Console

from bench.context import BenchContext
from bench.results import Result, print_table, write_results
from bench.workspace import postgres_available, settle

CASES = ("http_appends", "ceiling", "floor", "rebuild", "reads", "freshness", "export")
RESULTS = Path(__file__).with_name("RESULTS.md")
NOTES = Path(__file__).with_name("NOTES.md")


def main(quick: bool = False, only: list[str] | None = None, write: bool | None = None) -> int:
    console = Console(width=max(Console().width, 150))
    context = BenchContext(quick=quick, postgres=postgres_available(), console=console)
    if not context.postgres:
        console.print("[yellow]PostgreSQL is not reachable: its benchmarks are left out")
    started = time.perf_counter()
    results: list[Result] = []
    for name in only or CASES:
        console.rule(f"[bold]{name}")
        waited = settle(context.postgres)
        if waited > 2:
            console.print(f"waited {waited:.0f} s for the machine to be quiet")
        module = importlib.import_module(f"bench.cases.{name}")
        case_started = time.perf_counter()
        case_results = module.run(context)
        print_table(case_results, console)
        console.print(f"{name}: {time.perf_counter() - case_started:,.0f} s")
        results.extend(case_results)
    seconds = time.perf_counter() - started
    results.sort(key=lambda r: r.number)
    print_table(results, console)
    if write if write is not None else not quick and not only:
        notes = NOTES.read_text() if NOTES.exists() else ""
        write_results(RESULTS, results, quick, seconds, notes)
        console.print(f"written to {RESULTS}")
    console.print(f"{len(results)} figures in {seconds:,.0f} s")
    return 0
