"""The flow drawn for people: week by week, the care each partner gave side by side
(neither of them "below the line"), on a scale that stays put while replaying, with
dated weeks and every change of direction marked; and how each felt supported (their
weekly check-ins) with the care that felt like too little or too much. Plain numbers
for SVG templates, so the charts show without JavaScript; the same weeks make the
table that stands in for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from ledger.domain.weeks import monday_of, week_of
from projections.story import week_label

WIDTH, LEFT, RIGHT = 640, 34, 10  # the scale sits in the left margin
CARE_TOP, CARE_HEIGHT = 22, 150  # room above the bars for the turns' labels
FELT_TOP, FELT_HEIGHT = 14, 110
DATES = 30  # below each chart: the months
FELT_MAX = 10
LABEL_CHAR = 6.5  # the width of a character of an 11px date label, roughly


@dataclass(frozen=True)
class Week:
    """One week as both charts and the table read it; values in partner order."""

    monday: date
    label: str  # "week of 30 Nov 2026"
    care: tuple[int, int]  # care each partner gave
    felt: tuple[float | None, float | None]  # each partner's check-in, 0-10
    too_little: tuple[int, int]  # care each partner received that felt like too little
    too_much: tuple[int, int]


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    partner: int  # 0 or 1: the colour
    title: str


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    text: str
    title: str = ""
    partner: int = 0


@dataclass(frozen=True)
class FlowChart:
    names: tuple[str, str]
    weeks: list[Week]
    peak: int  # the care scale's top, fixed over the ledger's whole history
    bars: list[Rect]
    care_ticks: list[Mark]
    felt_ticks: list[Mark]
    dates: list[Mark]  # month names under the weeks where a month begins
    turns: list[Mark]  # a change of direction: x, and its date and direction
    felt_lines: list[tuple[int, str]]  # per partner: SVG points of each unbroken run
    felt_points: list[Mark]
    felt_notes: list[Mark]  # care that felt like too little (▽) or too much (△)
    width: int = WIDTH
    care_height: int = CARE_TOP + CARE_HEIGHT + DATES
    felt_height: int = FELT_TOP + FELT_HEIGHT + DATES
    care_base: float = CARE_TOP + CARE_HEIGHT
    felt_base: float = FELT_TOP + FELT_HEIGHT

    @property
    def any_felt(self) -> bool:
        return any(value is not None for week in self.weeks for value in week.felt)


def weeks_of(frames: list[dict[str, Any]], partners: tuple[str, str],
             timezone: str) -> list[Week]:
    """One-week frames (balance series with a window of one week) as Weeks; a reader
    without the balance section gets frames without figures, whose weeks are empty."""
    def per(frame: dict[str, Any], section: str, field: str) -> tuple[Any, Any]:
        values = frame.get(section) or {}
        return tuple((values.get(p) or {}).get(field) for p in partners)  # type: ignore[return-value]

    weeks = []
    for frame in frames:
        monday = monday_of(week_of(frame["as_of"], timezone))
        received = per(frame, "partners", "adequacy_received")
        weeks.append(Week(
            monday=monday, label=week_label(monday),
            care=tuple(int(v or 0) for v in per(frame, "partners", "care_given")),  # type: ignore[arg-type]
            felt=per(frame, "check_ins", "mean_felt_supported"),
            too_little=tuple(int((r or {}).get("too_little", 0)) for r in received),  # type: ignore[arg-type]
            too_much=tuple(int((r or {}).get("too_much", 0)) for r in received)))  # type: ignore[arg-type]
    return weeks


def nice_peak(value: int) -> int:
    """A scale top people read at a glance: 2, 4, 6, 8, 10, 15, 20, 30, …"""
    for top in (2, 4, 6, 8, 10, 15, 20, 30, 40, 50, 75, 100):
        if value <= top:
            return top
    return int(-(-value // 50) * 50)


def draw(weeks: list[Week], names: tuple[str, str], peak: int,
         turns: list[tuple[date, str]]) -> FlowChart:
    """`peak`: the most care given in any week so far (kept while replaying);
    `turns`: each change of direction's week and who more of the care came from."""
    top = nice_peak(max(1, peak))
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))
    bar = slot * 0.38

    def x_of(index: int) -> float:
        return LEFT + index * slot

    bars = []
    for i, week in enumerate(weeks):
        for p in (0, 1):
            height = CARE_HEIGHT * week.care[p] / top
            bars.append(Rect(x_of(i) + slot * 0.1 + p * bar, CARE_TOP + CARE_HEIGHT - height,
                             bar, height, p,
                             f"{week.label}: care from {names[p]}, {week.care[p]}"))
    care_ticks = [Mark(LEFT - 4, CARE_TOP + CARE_HEIGHT * (1 - v / top), str(v))
                  for v in (0, top // 2, top)]
    felt_ticks = [Mark(LEFT - 4, FELT_TOP + FELT_HEIGHT * (1 - v / FELT_MAX), str(v))
                  for v in (0, 5, 10)]
    dates = month_marks(weeks, x_of)
    first = weeks[0].monday if weeks else date.min
    turn_marks = [Mark(x_of((at - first).days // 7), CARE_TOP - 8,
                       f"{at.day} {at:%b}: more from {giver}",
                       f"From the {week_label(at)} more of the care came from {giver}")
                  for at, giver in turns
                  if weeks and 0 <= (at - first).days // 7 < len(weeks)]
    lines, points, notes = felt_marks(weeks, names, x_of, slot)
    return FlowChart(names, weeks, top, bars, care_ticks, felt_ticks, dates, turn_marks,
                     lines, points, notes)


def month_marks(weeks: list[Week], x_of: Any) -> list[Mark]:
    """A month's name under the first week that starts in it (the year with January
    and with the first label)."""
    marks: list[Mark] = []
    seen: tuple[int, int] | None = None
    for i, week in enumerate(weeks):
        month = (week.monday.year, week.monday.month)
        if month == seen:
            continue
        seen = month
        label = f"{week.monday:%b}" if marks and week.monday.month != 1 \
            else f"{week.monday:%b %Y}"
        x = x_of(i)
        if marks and x - marks[-1].x < LABEL_CHAR * len(marks[-1].text) + 6:
            continue  # a long chart has narrow weeks: a month's name never overlaps another
        marks.append(Mark(x, 0, label))
    return marks


def felt_marks(weeks: list[Week], names: tuple[str, str], x_of: Any,
               slot: float) -> tuple[list[tuple[int, str]], list[Mark], list[Mark]]:
    lines: list[tuple[int, str]] = []
    points, notes = [], []
    for p in (0, 1):
        run: list[str] = []
        for i, week in enumerate(weeks):
            value = week.felt[p]
            centre = x_of(i) + slot / 2
            if value is None:
                if len(run) > 1:
                    lines.append((p, " ".join(run)))
                run = []
            else:
                y = FELT_TOP + FELT_HEIGHT * (1 - value / FELT_MAX)
                run.append(f"{centre:.1f},{y:.1f}")
                points.append(Mark(centre, y, f"{value:g}",
                                   f"{week.label}: {names[p]} felt supported {value:g} of 10",
                                   p))
            if week.too_little[p]:
                notes.append(Mark(centre - 5 + 10 * p, FELT_TOP + FELT_HEIGHT - 4, "▽",
                                  f"{week.label}: {names[p]} would have liked more from "
                                  f"some care", p))
            if week.too_much[p]:
                notes.append(Mark(centre - 5 + 10 * p, FELT_TOP + 10, "△",
                                  f"{week.label}: some care felt like a bit much to "
                                  f"{names[p]}", p))
        if len(run) > 1:
            lines.append((p, " ".join(run)))
    return lines, points, notes


def partner_order(partners: list[Any]) -> tuple[str, str] | None:
    """Both partners see the same chart: the ledger's own order, not "me first"
    (ids as the balance frames key them)."""
    ids = [str(UUID(str(p.id))) for p in partners if not getattr(p, "placeholder", False)]
    return (ids[0], ids[1]) if len(ids) >= 2 else None


def window_of(weeks: list[Week], last: date, count: int) -> list[Week]:
    """The `count` weeks ending with the week of `last`."""
    first = last - timedelta(weeks=count - 1)
    return [w for w in weeks if first <= w.monday <= last]
