"""CPU time by process group over a measured interval, read from /proc: where the
machine's two cores went (web workers, projector, load generator, PostgreSQL)."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable

TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, str, float, str]]:
    """pid -> (parent pid, name, cpu seconds, command line)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                raw = stat.read()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = raw[raw.index("(") + 1: raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2:].split()
        found[int(entry)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS,
                             command)
    return found


def classify(root: int) -> Callable[[int, dict[int, tuple[int, str, float, str]]], str | None]:
    """Groups: the served tree under `root` split into web and projector, wrk, postgres."""
    def group(pid: int, table: dict[int, tuple[int, str, float, str]]) -> str | None:
        _, name, _, command = table[pid]
        if name == "wrk":
            return "load generator"
        if name == "postgres" or command.startswith("postgres"):
            return "postgresql"
        ancestor = pid
        while ancestor > 1 and ancestor in table:
            if ancestor == root:
                return "projector" if " project" in command else "web"
            ancestor = table[ancestor][0]
        return None
    return group


class CpuSplit:
    def __init__(self, root: int) -> None:
        self.group = classify(root)
        self.start = self.totals()

    def totals(self) -> dict[str, float]:
        table = _processes()
        sums: dict[str, float] = defaultdict(float)
        for pid in table:
            name = self.group(pid, table)
            if name:
                sums[name] += table[pid][2]
        return sums

    def since_start(self) -> dict[str, float]:
        end = self.totals()
        return {k: round(end.get(k, 0) - self.start.get(k, 0), 1)
                for k in sorted(set(end) | set(self.start))}
