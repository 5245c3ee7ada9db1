"""Benchmarks 1 and 2: HTTP appends through `ebbflow serve` (gunicorn + projector)
on SQLite and PostgreSQL, needs and care from both partners into 8 ledgers and
into 1 hot ledger, against a bare Flask + gunicorn JSON endpoint under the same
settings and the same load generator (wrk, in its own process)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from bench.context import BenchContext
from bench.cpu import CpuSplit
from bench.results import Result
from bench.serving import BenchCouple, Served, bare_gunicorn, ebbflow_serve, make_couples
from bench.workspace import workspace

SCRIPT = Path(__file__).resolve().parents[1] / "appends.lua"
CONNECTIONS = 16
WORKERS = 4  # gunicorn's default here: 2 per CPU
TARGETS = {"8 ledgers": 0.5, "1 hot ledger": 0.25}
P99_TARGET_MS = 50


def wrk(url: str, targets: Path, seconds: int) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "-s", str(SCRIPT),
         url, "--", str(targets)], capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in out.splitlines() if line.startswith("WRK_RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["cpu"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1)
    return result


def target_file(couples: list[BenchCouple]) -> Path:
    handle, name = tempfile.mkstemp(prefix="ebbflow-bench-targets-", suffix=".txt")
    with os.fdopen(handle, "w") as out:
        for couple in couples:
            for token in couple.tokens:
                out.write(f"{token} {couple.ledger_id}\n")
    return Path(name)


def load(served: Served, targets: Path, seconds: int, warm: bool = True) -> dict[str, Any]:
    if warm:  # connections, caches
        wrk(served.url, targets, 1)
    split = CpuSplit(served.process.pid)
    result = wrk(served.url, targets, seconds)
    result["split"] = {**split.since_start(), "load generator": result["cpu"]}
    return result


def split_text(split: dict[str, float], seconds: float) -> str:
    """Where the CPU went, and how many of the machine's cores were busy in all."""
    total = sum(split.values()) or 1
    shares = ", ".join(f"{name} {100 * cpu / total:.0f}%" for name, cpu in split.items() if cpu)
    return f"{shares}; {total / seconds:.2f} of {os.cpu_count()} cores busy"


POSTGRES_OF_SQLITE = 0.6  # HTTP appends on PostgreSQL against SQLite's, same run (issue 19)


def run(context: BenchContext) -> list[Result]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed (Debian package wrk; .ci/run installs it)")
    seconds = context.scale(15, 1)
    warm = not context.quick  # a quick run is a smoke test: its figures are not compared
    results = []
    baseline: dict[str, Any] | None = None
    sqlite_rps: dict[str, float] = {}
    for backend in ("sqlite", "postgres"):
        if backend == "postgres" and not context.postgres:
            continue
        with workspace(backend) as settings, ebbflow_serve(settings, WORKERS) as served:
            couples = make_couples(served.url, settings, 8, f"http-{backend}")
            files = {"8 ledgers": target_file(couples), "1 hot ledger": target_file(couples[:1])}
            measured = {}
            for shape, targets in files.items():
                context.say(f"{backend}: {CONNECTIONS} connections for {seconds} s, {shape}")
                measured[shape] = load(served, targets, seconds, warm)
        if baseline is None or not context.quick:  # a full run measures it beside each
            with bare_gunicorn(WORKERS) as baseline_served:
                context.say(f"baseline: bare Flask + gunicorn, {seconds} s")
                baseline = load(baseline_served, files["8 ledgers"], seconds, warm)
        for path in files.values():
            path.unlink()
        for shape, m in measured.items():
            ratio, ratio_text = m["rps"] / baseline["rps"], ""
            if backend == "sqlite":
                target = f"≥ {TARGETS[shape]:.0%} of baseline; p99 ≤ {P99_TARGET_MS} ms; 0 errors"
                met: bool | None = (ratio >= TARGETS[shape] and m["p99"] <= P99_TARGET_MS
                                    and m["errors"] == 0)
            elif sqlite_rps.get(shape):
                of_sqlite = m["rps"] / sqlite_rps[shape]
                target, met = f"≥ {POSTGRES_OF_SQLITE} of SQLite's in this run", \
                    of_sqlite >= POSTGRES_OF_SQLITE
                ratio_text = f"{of_sqlite:.2f} of SQLite's; "
            else:
                target, met = "report the ceiling and its bound", None
            if backend == "sqlite":
                sqlite_rps[shape] = m["rps"]
            results.append(Result(
                1 if backend == "sqlite" else 2,
                f"HTTP appends, {shape} ({backend}, {WORKERS} workers, {CONNECTIONS} clients)",
                m["rps"], "req/s", baseline=f"{baseline['rps']:,.0f} req/s "
                f"(p99 {baseline['p99']:.1f} ms)", target=target, met=met,
                detail=f"{ratio_text}ratio {ratio:.2f}; p50 {m['p50']:.1f} / p95 {m['p95']:.1f} / "
                       f"p99 {m['p99']:.1f} ms; {m['errors']} errors of {m['requests']:,}; "
                       f"CPU: {split_text(m['split'], m['seconds'])}"))
    return results
