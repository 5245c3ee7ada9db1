"""What the report finds in the period, section by section: what it covers, the
numbers for context, the turns with the weeks around them, month-by-month pictures,
where perceptions differ, needs that come back or waited."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from projections.chart_svg import Column
from projections.flow_chart import Week
from projections.report.words import SECTION_WORDS, SUPPORT_WORDS, NameOf, day, month, times
from projections.scope import SECTIONS

AROUND = 4  # weeks before and after a turn that the report sums up
FELT_LOW = 4  # a check-in at or below this: "felt little supported"


@dataclass(frozen=True)
class Turn:
    at: date
    giver: str  # more of the care came from … afterwards
    receiver: str
    before: str  # the AROUND weeks before, in words with counts
    after: str


def coverage(scope: Any, names: dict[str, str]) -> tuple[list[str], list[str]]:
    """What the report holds and leaves out, said plainly."""
    shown = [SECTION_WORDS[s] for s in SECTIONS if s in scope.sections]
    hidden = [SECTION_WORDS[s] for s in SECTIONS if s not in scope.sections]
    owners = [names.get(owner, "a partner") for owner in scope.audience.private_owners]
    includes = [f"Shared: {', '.join(shown)}."]
    if owners:
        includes.append(f"Private entries of {' and '.join(owners)}, who chose to include them.")
    leaves = []
    others = [n for pid, n in names.items() if pid not in scope.audience.private_owners]
    if others:
        leaves.append(f"Private entries of {' and '.join(others)}: they are not in this report.")
    if hidden:
        leaves.append(f"Not shared: {', '.join(hidden)}.")
    leaves.append("Entries their authors took back are left out.")
    if not scope.audience.check_ins or "check_ins" not in scope.sections:
        leaves.append("Weekly check-ins are not shared.")
    else:
        leaves.append("A check-in shows once the other partner has checked in that week too.")
    return includes, leaves


def numbers(balance: dict[str, Any], name: NameOf) -> list[str]:
    """Each partner's figures over the period, for context (the shared sections only)."""
    lines = []
    for pid, flow in (balance.get("partners") or {}).items():
        quiet = flow.get("quiet_care_given") or 0
        lines.append(f"{name(pid)}: care offered {times(flow['care_given'])}"
                     + (f" ({quiet} without asking how it felt)" if quiet else "")
                     + f"; needs voiced: {flow['needs_expressed']}; taken care of: "
                       f"{flow['needs_met']}.")
    for pid, check_ins in (balance.get("check_ins") or {}).items():
        mean = check_ins.get("mean_felt_supported")
        lines.append(f"Weekly check-ins of {name(pid)}: {check_ins['count']}"
                     + (f", feeling supported about {round(mean)} of 10 on average"
                        if mean is not None
                        else "") + ".")
    return lines


def turns_of(balance: dict[str, Any], weeks: list[Week], name: NameOf,
             order: tuple[str, str]) -> list[Turn]:
    found = []
    for turn in balance.get("turns") or []:
        at: date = turn["at"]
        before = [w for w in weeks if at - timedelta(weeks=AROUND) <= w.monday < at]
        after = [w for w in weeks if at <= w.monday < at + timedelta(weeks=AROUND)]
        found.append(Turn(at, name(str(turn["to_partner"])), name(str(turn["from_partner"])),
                          around(before, name, order), around(after, name, order)))
    return found


def around(weeks: list[Week], name: NameOf, order: tuple[str, str]) -> str:
    """The care each way in some weeks; empty when the figures are not shared."""
    if not weeks:
        return ""
    a, b = sum(w.care[0] for w in weeks), sum(w.care[1] for w in weeks)
    if not a + b:
        return "no care was recorded"
    return f"care from {name(order[0])}: {a}, from {name(order[1])}: {b}"


def months_of(items: list[dict[str, Any]], kind: str, key: str,
              values: tuple[str, ...]) -> list[Column]:
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    order: list[str] = []
    for item in reversed(items):  # oldest first
        if item["kind"] != kind:
            continue
        label = month(item["occurred_at"])
        if label not in counted:
            order.append(label)
        counted[label][item.get(key) or ""] += 1
    columns, year = [], ""
    for label in order:  # "Dec", "2025" under the first column and where the year turns
        short, this_year = label.split()
        columns.append(Column(label, tuple(counted[label][v] for v in values),
                              (short, this_year) if this_year != year else (short,)))
        year = this_year
    return columns


def received(items: list[dict[str, Any]]) -> list[Column]:
    return months_of(items, "acknowledgement", "adequacy", ("right", "too_little", "too_much"))


def moments(items: list[dict[str, Any]]) -> list[Column]:
    return months_of(items, "moment", "moment_kind", ("good_news", "appreciation", "repair"))


def needs_by_type(items: list[dict[str, Any]]) -> list[Column]:
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        if item["kind"] == "need":
            counted[item.get("support_type") or ""][item.get("status") or "open"] += 1
    return [Column(SUPPORT_WORDS.get(kind, kind), tuple(counted[kind][s] for s in (
        "open", "met", "withdrawn")), tuple(SUPPORT_WORDS[kind].split(" and "))) for kind in
        SUPPORT_WORDS if kind in counted]


def differ_weeks(weeks: list[Week], pair: tuple[str, str]) -> list[str]:
    """Weeks where one partner felt little supported while care was recorded for them."""
    found = []
    for week in weeks:
        for p, other in ((0, 1), (1, 0)):
            felt = week.felt[p]
            if felt is not None and felt <= FELT_LOW and week.care[other]:
                found.append(f"In the {week.label}, {pair[p]} felt supported {felt:g} of 10 "
                             f"while care from {pair[other]} was recorded "
                             f"{times(week.care[other])}.")
    return found


def differ_care(items: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], name: NameOf,
                tz: str) -> list[str]:
    """Care that felt like too little or a bit much, with the entry and what it answered."""
    found = []
    for item in reversed(items):
        ack = item.get("acknowledgement") if item["kind"] == "care" else None
        if not ack or ack["adequacy"] == "right":
            continue
        felt = "would have liked more" if ack["adequacy"] == "too_little" else \
            "found it a bit much"
        need = by_id.get(item.get("in_response_to") or "")
        answering = f", answering “{need.get('need')}”" if need and need.get("need") else ""
        note = f" (“{ack['note']}”)" if ack.get("note") else ""
        found.append(f"{day(item['occurred_at'], tz)}: {name(item['author'])} — "
                     f"“{item.get('description') or '(words erased)'}”{answering}. "
                     f"{name(item.get('to'))} {felt}{note}.")
    return found


def recurring(items: list[dict[str, Any]], name: NameOf) -> list[str]:
    """Needs marked as coming back, and kinds of support the same partner asked for
    again and again."""
    marked = Counter((name(i["author"]), i.get("need") or "(words erased)")
                     for i in items if i["kind"] == "need" and i.get("recurring"))
    lines = [f"{who}: “{words}”" + (f", {n} times" if n > 1 else "") for (who, words), n in
             marked.most_common(8)]
    asked = Counter((name(i["author"]), i.get("support_type")) for i in items
                    if i["kind"] == "need")
    lines += [f"{who} asked for {SUPPORT_WORDS.get(kind or '', kind)} {n} times"
              for (who, kind), n in asked.most_common(4) if n >= 3]
    return lines


def waited(items: list[dict[str, Any]], name: NameOf, end: datetime, tz: str) -> list[str]:
    """The needs left unanswered longest: still open without care, or answered late."""
    waits = []
    for item in items:
        if item["kind"] != "need":
            continue
        answers = [r["occurred_at"] for r in item.get("responses") or []]
        until = min(answers) if answers else end
        days = (until - item["occurred_at"]).days
        if days >= 3:
            state = f"answered after {days} days" if answers else f"unanswered for {days} days"
            waits.append((days, f"{name(item['author'])}, {day(item['occurred_at'], tz)}: "
                                f"“{item.get('need') or '(words erased)'}” — {state}"))
    return [line for _, line in sorted(waits, key=lambda w: -w[0])[:8]]
