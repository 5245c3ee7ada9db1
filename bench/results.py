"""One row per measured figure, printed as a table and written to RESULTS.md."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True)
class Result:
    number: int  # the benchmark's number in the table
    name: str
    value: float
    unit: str
    target: str = ""  # as the issue states it
    met: bool | None = None  # None: reported, no target
    baseline: str = ""  # the baseline's figure, where there is one
    detail: str = ""

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "—"}[self.met]


def shown(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def print_table(results: list[Result], console: Console) -> None:
    table = Table(title="Ebb & Flow benchmarks", show_lines=False)
    for column in ("#", "benchmark", "value", "baseline", "target", "", "detail"):
        table.add_column(column, overflow="fold")
    for r in results:
        style = "red" if r.met is False else None
        table.add_row(str(r.number), r.name, f"{shown(r.value)} {r.unit}", r.baseline, r.target,
                      r.verdict, r.detail, style=style)
    console.print(table)


def markdown(results: list[Result], quick: bool, seconds: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with "
        f"`ebbflow bench{' --quick' if quick else ''}` in {seconds:,.0f} s "
        f"on {platform.node() or 'this machine'} "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{_cpus()} CPUs). Ratios compare with a baseline measured in the same run.",
        "",
        "| # | benchmark | value | baseline | target | | detail |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r.number} | {r.name} | {shown(r.value)} {r.unit} | {r.baseline} | "
                     f"{r.target} | {r.verdict} | {r.detail} |")
    return "\n".join(lines) + "\n"


def write_results(path: Path, results: list[Result], quick: bool, seconds: float,
                  notes: str) -> None:
    path.write_text(markdown(results, quick, seconds) + ("\n" + notes if notes else ""))


def _cpus() -> int:
    import os

    return os.cpu_count() or 1
