"""The balance chart as plain numbers for an SVG template: care given each way per
week (one partner's bars above the line, the other's below) with turns marked.
Server-drawn, so it shows without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from ledger.domain.weeks import monday_of
from projections.scope import ScopedReads

CHART_WEEKS = 26
WIDTH, HEIGHT, MARGIN = 640, 220, 24
MAX_BAR = (HEIGHT - 2 * MARGIN) / 2


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    up: float  # height above the middle line (first partner's care)
    down: float  # height below it (second partner's care)
    week: str
    label: str
    first: int
    second: int


@dataclass(frozen=True)
class Marker:
    x: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    middle: float
    bars: list[Bar]
    turns: list[Marker]
    names: tuple[str, str]


def build_chart(reads: ScopedReads, as_of: datetime, names: dict[str, str],
                turns: list[dict[str, Any]]) -> Chart | None:
    """Care given each way per week over the weeks up to `as_of`, read through the
    reader's scope like every other figure."""
    frames = reads.series(as_of - timedelta(weeks=CHART_WEEKS - 1), as_of, as_of, 1)
    partners = list(frames[-1].get("partners", {})) if frames else []
    if len(partners) != 2:
        return None
    a, b = partners
    counts = [(iso_week(frame["window"]["from"]), frame["partners"][a]["care_given"],
               frame["partners"][b]["care_given"]) for frame in frames]
    peak = max([1, *(max(x, y) for _, x, y in counts)])
    step = (WIDTH - 2 * MARGIN) / len(counts)
    bars = [Bar(x=MARGIN + i * step + step * 0.15, width=step * 0.7,
                up=MAX_BAR * first / peak, down=MAX_BAR * second / peak, week=w,
                label=monday_of(w).strftime("%d %b"), first=first, second=second)
            for i, (w, first, second) in enumerate(counts)]
    first_monday = monday_of(counts[0][0])
    markers = []
    for turn in turns:
        at: date = turn["at"]
        index = (at - first_monday) // timedelta(weeks=1)
        if 0 <= index < len(counts):
            giver = names.get(UUID(str(turn["to_partner"])).hex, "one of you")
            markers.append(Marker(MARGIN + index * step, f"more care from {giver} from here"))
    return Chart(WIDTH, HEIGHT, HEIGHT / 2, bars, markers,
                 (names.get(UUID(a).hex, "Partner"), names.get(UUID(b).hex, "Partner")))


def iso_week(monday: date) -> str:
    year, number, _ = monday.isocalendar()
    return f"{year:04d}-W{number:02d}"
