"""A printable report for a counselling session: the period, the partners, care each
way per week as a chart with turns, responsiveness, adequacy, the check-in trend, and
the timeline as a table (capped, with a note, for very long periods)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from fpdf import FPDF

from ledger.domain.kinds import KINDS
from ledger.domain.weeks import week_of
from projections.export.writer import ExportSource, timeline_items

TIMELINE_CAP = 400
CHART_WEEKS_MAX = 52
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FIRST, SECOND = (47, 111, 126), (192, 129, 58)


class Report(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.unicode = os.path.exists(f"{FONT_DIR}/DejaVuSans.ttf")
        if self.unicode:
            self.add_font("Body", "", f"{FONT_DIR}/DejaVuSans.ttf")
            self.add_font("Body", "B", f"{FONT_DIR}/DejaVuSans-Bold.ttf")
        self.set_auto_page_break(auto=True, margin=15)

    def face(self, style: str = "", size: int = 10) -> None:
        self.set_font("Body" if self.unicode else "Helvetica", style, size)

    def say(self, text: str, height: float = 5) -> None:
        self.multi_cell(0, height, self.clean(text), new_x="LMARGIN", new_y="NEXT")

    def clean(self, text: str) -> str:
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")


def build_pdf(source: ExportSource, names: dict[str, str]) -> bytes:
    report = Report()
    report.add_page()
    now, scope = source.now, source.reads.scope
    end = scope.as_of(now)
    start = scope.start or (end - timedelta(weeks=CHART_WEEKS_MAX))
    report.face("B", 16)
    report.say(f"Ebb & Flow — {source.header['ledger'].get('name') or 'ledger'}", 8)
    report.face("", 10)
    partners = " and ".join(names.values())
    report.say(f"Partners: {partners}. Period: {start:%d %B %Y} to {end:%d %B %Y}. "
               f"Prepared {now:%d %B %Y %H:%M} UTC.")
    report.say("This report shows how care flowed between the partners over time: which "
               "way, and when. It keeps no tally of who did more.")
    balance = source.reads.balance(end) or {}
    frames = source.reads.series(max(start, end - timedelta(weeks=CHART_WEEKS_MAX)), end, end, 1)
    if scope.shows("balance"):
        chart(report, frames, names, balance)
        figures(report, balance, names)
    if scope.shows("turns"):
        report.face("B", 12)
        report.say("Where the flow changed direction", 7)
        report.face("", 10)
        if not balance["turns"]:
            report.say("The flow did not clearly change direction in this period.")
        for turn in balance["turns"]:
            giver = names.get(str(turn["to_partner"]).replace("-", ""), "one partner")
            other = names.get(str(turn["from_partner"]).replace("-", ""), "the other")
            report.say(f"From the week of {turn['at']:%d %B %Y}, more of the care flowed "
                       f"from {giver} to {other}.")
    if scope.shows("check_ins"):
        check_in_trend(report, frames, names)
    if scope.shows("timeline"):
        timeline_table(report, source, names)
    return bytes(report.output())


def chart(report: Report, frames: list[dict[str, Any]], names: dict[str, str],
          balance: dict[str, Any]) -> None:
    report.face("B", 12)
    report.say("Care each way, week by week", 7)
    ids = list(balance["partners"])
    if len(ids) != 2 or not frames:
        report.face("", 10)
        report.say("(No care to chart yet.)")
        return
    values = [[f["partners"][p]["care_given"] for p in ids] for f in frames]
    peak = max([1, *(max(v) for v in values)])
    left, top, width, height = report.l_margin, report.get_y() + 2, report.epw, 50
    middle, step = top + height / 2, width / len(frames)
    report.set_draw_color(140, 140, 150)
    report.line(left, middle, left + width, middle)
    for index, (first, second) in enumerate(values):
        x = left + index * step + step * 0.15
        report.set_fill_color(*FIRST)
        if first:
            bar = (height / 2) * first / peak
            report.rect(x, middle - bar, step * 0.7, bar, style="F")
        report.set_fill_color(*SECOND)
        if second:
            report.rect(x, middle, step * 0.7, (height / 2) * second / peak, style="F")
    weeks = [week_of(f["as_of"], "UTC") for f in frames]
    report.set_draw_color(163, 59, 59)
    for turn in balance.get("turns", []):
        turn_week = week_of(datetime.combine(turn["at"], datetime.min.time()), "UTC")
        if turn_week in weeks:
            x = left + weeks.index(turn_week) * step
            report.set_dash_pattern(dash=1, gap=1)
            report.line(x, top, x, top + height)
            report.set_dash_pattern()
    report.set_y(top + height + 3)
    report.face("", 9)
    first_name, second_name = (names.get(p.replace("-", ""), "Partner") for p in ids)
    report.say(f"Above the line: care {first_name} gave. Below: care {second_name} gave. "
               "Dashed lines: turns.")


def figures(report: Report, balance: dict[str, Any], names: dict[str, str]) -> None:
    report.face("B", 12)
    report.say(f"The last {window_weeks(balance)} weeks", 7)
    report.face("", 10)
    for pid, flow in balance["partners"].items():
        name = names.get(pid.replace("-", ""), "Partner")
        answer = balance["responsiveness"][pid]
        adequacy = flow["adequacy_received"]
        median = answer["median_response_hours"]
        report.say(f"{name}: gave care {flow['care_given']} times ({flow['quiet_care_given']} "
                   f"quietly), expressed {flow['needs_expressed']} needs, "
                   f"{answer['answered']} of them answered"
                   + (f", half of those within about {median:.1f} hours" if median is not None
                      else "")
                   + f"; care received felt right {adequacy['right']}, too little "
                   f"{adequacy['too_little']}, too much {adequacy['too_much']}.")


def window_weeks(balance: dict[str, Any]) -> int:
    window = balance["window"]
    return int((window["to"] - window["from"]).days // 7 + 1)


def check_in_trend(report: Report, frames: list[dict[str, Any]], names: dict[str, str]) -> None:
    report.face("B", 12)
    report.say("Check-ins: how supported each felt (0–10)", 7)
    report.face("", 9)
    lines = []
    for frame in frames:
        means = [f"{names.get(p.replace('-', ''), 'Partner')} {c['mean_felt_supported']:.0f}"
                 for p, c in frame["check_ins"].items() if c["mean_felt_supported"] is not None]
        if means:
            lines.append(f"{frame['as_of']:%d %b}: " + ", ".join(means))
    report.say("; ".join(lines[-26:]) if lines else "No check-ins in this period.")


def timeline_table(report: Report, source: ExportSource, names: dict[str, str]) -> None:
    report.add_page()
    report.face("B", 12)
    report.say("Timeline", 7)
    report.face("", 8)
    for count, item in enumerate(timeline_items(source)):
        if count == TIMELINE_CAP:
            report.face("B", 9)
            report.say(f"The timeline stops here after {TIMELINE_CAP} entries; the JSON or CSV "
                       "export holds all of them.")
            break
        words = item.get(KINDS[item["kind"]].words) or ""
        who = names.get(str(item["author"]).replace("-", ""), "(erased)")
        report.say(f"{item['occurred_at'][:10]}  {who}  {item['kind'].replace('_', ' ')}  "
                   f"{words}"[:300], 4.2)
