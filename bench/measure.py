"""Percentiles, and running a function in a fresh process to read its peak memory."""

from __future__ import annotations

import multiprocessing
import statistics
from collections.abc import Callable
from typing import Any


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sample."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50": percentile(samples, 50), "p95": percentile(samples, 95),
            "p99": percentile(samples, 99), "mean": statistics.fmean(samples)}


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB, from /proc."""
    values = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, kb = line.split()[:2]
                values[name] = int(kb) / 1024
    return values["VmRSS:"], values["VmHWM:"]


def reset_peak() -> None:
    """Starts VmHWM afresh from the current RSS (Linux: clear_refs 5), so a step's
    peak is not an earlier step's."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _child(queue: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        queue.put(("ok", fn(*args)))
    except BaseException as error:  # reported to the parent, which raises it
        queue.put(("error", f"{type(error).__name__}: {error}"))


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Any:
    """Runs `fn(*args)` in a spawned process (its own heap, so its peak memory is its
    own) and answers its result."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(queue, fn, args))
    process.start()
    status, value = queue.get()
    process.join()
    if status != "ok":
        raise RuntimeError(value)
    return value
