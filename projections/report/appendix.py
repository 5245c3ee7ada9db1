"""The report's appendix: every entry of the period with all it holds, grouped by
week (the PDF lists them oldest first; the counsellor's page a page at a time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledger.domain.weeks import monday_of, week_of
from projections.report.words import SUPPORT_WORDS, NameOf, day
from projections.story import week_label

APPENDIX_CAP = 5000  # entries listed in full; beyond, the report says how many and where


@dataclass(frozen=True)
class Line:
    """One entry as the appendix lists it: everything it holds, in words."""

    when: str
    who: str
    what: str  # need, care, …
    words: str
    details: list[str]


@dataclass(frozen=True)
class WeekLines:
    label: str
    lines: list[Line]


def appendix(items: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], name: NameOf,
             tz: str, newest_first: bool = False, skip: int = 0,
             count: int = APPENDIX_CAP) -> tuple[list[WeekLines], int]:
    """Entries with all they hold, grouped by week: for the PDF every one, oldest first
    (up to APPENDIX_CAP, the newest kept); for a page, one page of them, newest first."""
    window = items[skip:skip + count]
    kept = window if newest_first else list(reversed(window))
    groups: list[WeekLines] = []
    for item in kept:
        if item["kind"] == "acknowledgement" and (item.get("care_id") or "") in by_id:
            continue  # told on the care it is about, with its note
        monday = monday_of(item["week"]) if item["kind"] == "check_in" and item.get("week") \
            else monday_of(week_of(item["occurred_at"], tz))
        label = week_label(monday)
        if not groups or groups[-1].label != label:
            groups.append(WeekLines(label, []))
        groups[-1].lines.append(line_of(item, by_id, name, tz))
    return groups, len(kept)


def line_of(item: dict[str, Any], by_id: dict[str, dict[str, Any]], name: NameOf,
            tz: str) -> Line:
    kind, details = item["kind"], []
    if kind == "need":
        words = item.get("need") or "(words erased)"
        details = [SUPPORT_WORDS.get(item.get("support_type") or "", ""),
                   f"matters {item.get('intensity')} of 5",
                   {"open": "still open", "met": "taken care of", "withdrawn": "let go"}.get(
                       item.get("status") or "open", "")]
        if item.get("recurring"):
            details.append("comes back")
        if item.get("feeling"):
            details.append(f"feeling: {item['feeling']}")
    elif kind == "care":
        words = item.get("description") or "(words erased)"
        details = [SUPPORT_WORDS.get(item.get("support_type") or "", "")]
        need = by_id.get(item.get("in_response_to") or "")
        if item.get("in_response_to"):
            details.append(f"answering “{need.get('need')}”" if need and need.get("need")
                           else "answering an earlier need")
        ack = item.get("acknowledgement")
        if ack:
            details.append({"right": "felt right", "too_little": "would have liked more",
                            "too_much": "a bit much"}[ack["adequacy"]] + f" to {name(item['to'])}"
                           + (f": “{ack['note']}”" if ack.get("note") else ""))
        elif item.get("quiet"):
            details.append("not asked how it felt")
    elif kind == "acknowledgement":
        words = {"right": "Care felt right", "too_little": "Would have liked more",
                 "too_much": "Care felt a bit much"}[item["adequacy"]]
        details = [f"note: {item['note']}"] if item.get("note") else []
    elif kind == "check_in":
        words = f"Felt supported {item.get('felt_supported')} of 10"
        details = [f"note: {item['note']}"] if item.get("note") else []
    else:
        words = item.get("text") or "(words erased)"
        details = [{"good_news": "good news", "appreciation": "appreciation",
                    "repair": "repair"}.get(item.get("moment_kind") or "", "")]
    what = {"check_in": "check-in", "acknowledgement": "how care felt"}.get(kind, kind)
    if item.get("visibility") == "private":
        details.append("private, shared by its author")
    return Line(day(item["occurred_at"], tz), name(item["author"]), what, words,
                [d for d in details if d])
