"""The flow told in words, as VOICE.md asks: which way care has been flowing and
since when, in a sentence both partners would accept as fair; dated, and in the
past tense once past; no tallies as the headline, no percentage as a grade, and
nothing until there are enough weeks for it to mean something.

The home page, the counsellor's view and the PDF report tell the same story."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

MIN_WEEKS = 4  # weeks with some care before a direction or an answer time is told
MIN_ANSWERED = 3  # answered needs before saying how soon needs were answered
MOSTLY = 0.75  # the larger share from which care "flowed mostly" one way
MORE = 0.58  # from which "more of it" flowed one way; below, "both ways"
NOT_YET = "After a few weeks you will see here how support flows between you."


@dataclass(frozen=True)
class Story:
    headline: str  # these weeks, in one sentence
    since: str | None  # the direction since the last change, when it still holds
    changes: list[str]  # every change of direction, dated, in the past tense
    answers: str | None  # how soon needs were answered, in words, with enough data
    enough: bool  # whether the figures (in "details") mean something yet


def tell(balance: dict[str, Any], names: dict[str, str], weeks_with_care: int,
         today: date) -> Story:
    """`balance` is a balance frame (with its turns); `names` by partner hex id."""
    def name(pid: Any) -> str:
        return names.get(UUID(str(pid)).hex, "one of you")

    turns = balance.get("turns") or []
    changes = [f"In the week of {long_date(t['at'])} the flow changed direction: more of "
               f"the care flowed from {name(t['to_partner'])} to {name(t['from_partner'])}."
               for t in turns]
    enough = weeks_with_care >= MIN_WEEKS
    if not enough:
        return Story(NOT_YET, None, changes, None, False)
    partners = balance.get("partners") or {}
    headline, giver = direction(partners, name)
    since = None
    if turns and giver is not None and name(turns[-1]["to_partner"]) == giver:
        last = turns[-1]
        since = (f"Since {rough_date(last['at'], today)} more of the care has flowed from "
                 f"{name(last['to_partner'])} to {name(last['from_partner'])}.")
    return Story(headline, since, changes, answers(balance.get("responsiveness") or {}), True)


def direction(partners: dict[str, Any], name: Any) -> tuple[str, str | None]:
    """These weeks' direction, and who gave more (None when both ways alike)."""
    given = {pid: int(figures.get("care_given") or 0) for pid, figures in partners.items()}
    total = sum(given.values())
    if len(given) != 2 or not total:
        return "No care was recorded in these weeks.", None
    (first, a), (second, _) = sorted(given.items(), key=lambda item: -item[1])
    share = a / total
    if share >= MOSTLY:
        return f"These weeks care flowed mostly from {name(first)} to {name(second)}.", \
            name(first)
    if share >= MORE:
        return (f"These weeks support flowed both ways, more of it from {name(first)} "
                f"to {name(second)}."), name(first)
    return "These weeks support flowed both ways.", None


def answers(responsiveness: dict[str, Any]) -> str | None:
    answered = sum(int(r.get("answered") or 0) for r in responsiveness.values())
    medians = [r["median_response_hours"] for r in responsiveness.values()
               if r.get("median_response_hours") is not None]
    if answered < MIN_ANSWERED or not medians:
        return None
    slowest = max(medians)
    if slowest <= 24:
        return "Most needs were answered the same day."
    if slowest <= 72:
        return "Most needs were answered within a few days."
    return "Some needs waited a while before they were answered."


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def rough_date(day: date, today: date) -> str:
    """'early May', 'mid-June 2025': how people say when something began."""
    part = "early" if day.day <= 10 else "mid-" if day.day <= 20 else "late"
    month = f"{day:%B}" if day.year == today.year else f"{day:%B %Y}"
    return f"{part}{'' if part.endswith('-') else ' '}{month}"


def week_label(monday: date) -> str:
    """One date format for weeks everywhere people read: 'week of 30 Nov 2026'."""
    return f"week of {monday.day} {monday:%b %Y}"


def week_range(monday: date) -> str:
    sunday = monday + timedelta(days=6)
    return f"{monday.day} {monday:%b} – {sunday.day} {sunday:%b %Y}"
