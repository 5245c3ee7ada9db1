"""The balance chart as plain numbers for an SVG template: care given each way per
week (one partner's bars above the line, the other's below) with turns marked.
Server-drawn, so it shows without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from ledger.weeks import monday_of, week_of
from projections.balance_query import BalanceReader, shift_week, weeks_between

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


def build_chart(reader: BalanceReader, ledger_id: UUID, viewer: UUID, as_of: datetime,
                names: dict[str, str], turns: list[dict[str, Any]]) -> Chart | None:
    data = reader.fetch(ledger_id, viewer, as_of, as_of, CHART_WEEKS)
    if len(data.partners) != 2:
        return None
    last = week_of(as_of, data.timezone)
    weeks = weeks_between(shift_week(last, -(CHART_WEEKS - 1)), last)
    a, b = data.partners
    counts = [(w, data.weekly.get(w, {}).get(a, {}).get("care", 0),
               data.weekly.get(w, {}).get(b, {}).get("care", 0)) for w in weeks]
    peak = max([1, *(max(x, y) for _, x, y in counts)])
    step = (WIDTH - 2 * MARGIN) / len(weeks)
    bars = [Bar(x=MARGIN + i * step + step * 0.15, width=step * 0.7,
                up=MAX_BAR * first / peak, down=MAX_BAR * second / peak, week=w,
                label=monday_of(w).strftime("%d %b"), first=first, second=second)
            for i, (w, first, second) in enumerate(counts)]
    first_monday = monday_of(weeks[0])
    markers = []
    for turn in turns:
        at: date = turn["at"]
        index = (at - first_monday) // timedelta(weeks=1)
        if 0 <= index < len(weeks):
            to = names.get(UUID(str(turn["to_partner"])).hex, "one of you")
            markers.append(Marker(MARGIN + index * step, f"{to} began carrying more"))
    return Chart(WIDTH, HEIGHT, HEIGHT / 2, bars, markers,
                 (names.get(a, "Partner"), names.get(b, "Partner")))
