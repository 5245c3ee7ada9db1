"""What the counsellor's report says, read once through the reader's scope: who and
when, what it includes and leaves out, the flow's story and its turns with the weeks
around them, the pictures (care each way, check-ins, how care was received, needs by
kind and outcome, moments), where the partners' perceptions differ, the needs that
come back or waited longest, and every entry of the period grouped by week.

One pass over the period's timeline gives the entries; one weekly series gives the
pictures. The PDF and the counsellor's page render these same facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from ledger.domain.weeks import week_of, week_start, zone
from projections.balance_query import MAX_FRAMES
from projections.chart_svg import Column
from projections.encoding import micros
from projections.flow_chart import FlowChart, draw, partner_order, weeks_of
from projections.report.appendix import WeekLines, appendix
from projections.report.findings import (
    Turn,
    coverage,
    differ_care,
    differ_weeks,
    moments,
    needs_by_type,
    numbers,
    received,
    recurring,
    turns_of,
    waited,
)
from projections.report.words import NameOf
from projections.scope import SECTIONS, ScopedReads
from projections.story import Story, long_date, tell

STORY_WEEKS = 12  # "these weeks", as on the couple's home


@dataclass
class Report:
    title: str
    names: tuple[str, str] | None
    partners: str  # "Alex and Sam"
    start: date
    end: date  # the last day covered
    prepared: datetime
    timezone: str
    names_by_id: dict[str, str] = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)
    leaves_out: list[str] = field(default_factory=list)
    story: Story | None = None
    turns: list[Turn] = field(default_factory=list)
    chart: FlowChart | None = None
    received: list[Column] = field(default_factory=list)  # months: right, too little, a bit much
    needs_by_type: list[Column] = field(default_factory=list)  # open, taken care of, let go
    moments: list[Column] = field(default_factory=list)  # months: good news, appreciation, repair
    differ_weeks: list[str] = field(default_factory=list)
    differ_care: list[str] = field(default_factory=list)
    recurring: list[str] = field(default_factory=list)
    waited: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # per partner, over the whole period
    weeks: list[WeekLines] = field(default_factory=list)
    entries: int = 0  # in the period, all of them
    listed: int = 0  # in the appendix
    shows: frozenset[str] = frozenset(SECTIONS)
    items: list[dict[str, Any]] = field(default_factory=list, repr=False)  # newest first
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def page_of_entries(self, skip: int, count: int) -> list[WeekLines]:
        """The entries a page shows, newest first (the counsellor's "show older")."""
        return appendix(self.items, self.by_id, NameOf(self.names_by_id), self.timezone,
                        newest_first=True, skip=skip, count=count)[0]

    @property
    def period(self) -> str:
        return f"{long_date(self.start)} to {long_date(self.end)}"


def gather(reads: ScopedReads, summary: Any, now: datetime, first_day: date) -> Report:
    """`summary`: the ledger as described by the application; `first_day`: the first
    day with anything in it (the ledger's opening, or an earlier backdated entry)."""
    scope, tz = reads.scope, summary.timezone
    names = summary.names()
    end_moment = scope.as_of(now)
    start_moment = scope.start or week_start(week_of(datetime.combine(
        first_day, datetime.min.time(), tzinfo=zone(tz)), tz), tz)
    order = partner_order(summary.partners)
    pair = (names.get(order[0].replace("-", ""), "Partner"),
            names.get(order[1].replace("-", ""), "Partner")) if order else None
    report = Report(
        title=summary.name or "(erased)", names=pair, partners=" and ".join(names.values()),
        start=start_moment.astimezone(zone(tz)).date(),
        end=end_moment.astimezone(zone(tz)).date(), prepared=now, timezone=tz,
        names_by_id=names, shows=scope.sections)
    report.includes, report.leaves_out = coverage(scope, names)
    items = all_items(reads, end_moment, now)
    report.entries = len(items)
    by_id = {item["id"]: item for item in items}
    name = NameOf(names)
    if order and pair and scope.sections & {"balance", "turns", "check_ins"}:
        span_start = max(start_moment, end_moment - timedelta(weeks=MAX_FRAMES - 1))
        weeks = weeks_of(reads.series(span_start, end_moment, now, 1), order, tz)
        balance = reads.balance(end_moment, STORY_WEEKS) or {}  # turns: the whole history
        report.turns = [t for t in turns_of(balance, weeks if scope.shows("balance") else [],
                                            name, order)
                        if t.at >= report.start - timedelta(days=6)]
        report.chart = draw(weeks, pair, max([0, *(max(w.care) for w in weeks)]),
                            [(t.at, t.giver) for t in report.turns]) if weeks else None
        whole = reads.balance(end_moment, max(1, len(weeks))) or {}
        report.numbers = numbers(whole, name)
        with_care = len([w for w in weeks if any(w.care)])
        report.story = tell(balance, names, with_care, report.end)
        report.differ_weeks = differ_weeks(weeks, pair)
    report.received = received(items)
    report.needs_by_type = needs_by_type(items)
    report.moments = moments(items)
    report.differ_care = differ_care(items, by_id, name, tz)
    report.recurring = recurring(items, name)
    report.waited = waited(items, name, end_moment, tz)
    report.weeks, report.listed = appendix(items, by_id, name, tz)
    report.items, report.by_id = items, by_id
    return report


def all_items(reads: ScopedReads, as_of: datetime, now: datetime) -> list[dict[str, Any]]:
    """Every entry of the period this reader may see, newest first."""
    items: list[dict[str, Any]] = []
    after = None
    while True:
        page = reads.timeline(as_of=micros(as_of), known_at=micros(now), after=after,
                              limit=1000)
        items.extend(i for i in page.items if not i.get("retracted"))
        if page.next_after is None:
            return items
        after = page.next_after
