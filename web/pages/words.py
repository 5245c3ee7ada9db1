"""What the pages call things, in VOICE.md's plain, warm words, and one way of writing
dates everywhere people read ("30 Nov 2026", "week of 30 Nov 2026"). Templates get
these as globals and filters; nothing on a page spells an enum value or a week code."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask

from ledger.domain.weeks import monday_of, zone
from projections.story import week_label

SUPPORT = {  # VOICE.md: research terms in plain words
    "emotional": "comfort and listening",
    "informational": "advice and ideas",
    "esteem": "encouragement and appreciation",
    "practical": "doing things",
}
MATTERS = {1: "a little", 2: "somewhat", 3: "quite a bit", 4: "a lot", 5: "very much"}
FELT_CHOICES = {  # what the receiver of care says, first person
    "right": "It was right", "too_little": "I'd have liked more",
    "too_much": "It was a bit much",
}
FELT_TOLD = {  # the same, told on the care by its receiver's name
    "right": "{name} said it felt right", "too_little": "{name} would have liked more",
    "too_much": "{name} found it a bit much",
}
FELT_SCALE = [(str(i), str(i)) for i in range(11)]  # a check-in, 0 to 10, nothing preset
MOMENTS = {"good_news": "good news", "appreciation": "appreciation", "repair": "repair"}
EXAMPLE_NEEDS = (  # a gentle start-up: "I feel … about … I need …"
    "I feel tired about this week at work. I need an evening with no plans.",
    "I feel unsure about the interview. I need you to listen while I practise.",
    "I feel proud of the garden. I need you to come and see it.",
)


def need_state(status: str, mine: bool, name: str) -> str:
    if status == "met":
        return "Taken care of"
    if status == "withdrawn":
        return "Let go"
    return "Still on my mind" if mine else f"Still on {name}'s mind"


def day(moment: date | datetime | None, timezone: str | None = None) -> str:
    """30 Nov 2026 (in the ledger's zone, for a time)."""
    if moment is None:
        return ""
    if isinstance(moment, datetime) and timezone:
        moment = moment.astimezone(zone(timezone))
    return f"{moment.day} {moment:%b %Y}"


def day_time(moment: datetime | None, timezone: str | None = None) -> str:
    """30 Nov 2026, 21:05 (in the ledger's zone)."""
    if moment is None:
        return ""
    local = moment.astimezone(zone(timezone)) if timezone else moment
    return f"{local.day} {local:%b %Y}, {local:%H:%M}"


def week_words(week: str | date) -> str:
    """'week of 30 Nov 2026' from a Monday or a week code (never shown as a code)."""
    return week_label(week if isinstance(week, date) else monday_of(week))


def sentence(text: str) -> str:
    """First letter up, the rest as written ('Week of 30 Nov 2026', not '… nov …')."""
    return text[:1].upper() + text[1:]


def register_words(app: Flask) -> None:
    globals_: dict[str, Any] = {"SUPPORT": SUPPORT, "MATTERS": MATTERS,
                                "FELT_CHOICES": FELT_CHOICES, "FELT_TOLD": FELT_TOLD,
                                "MOMENTS": MOMENTS, "FELT_SCALE": FELT_SCALE,
                                "EXAMPLE_NEEDS": EXAMPLE_NEEDS,
                                "need_state": need_state}
    app.jinja_env.globals.update(globals_)
    app.jinja_env.filters.update(day=day, day_time=day_time, week_words=week_words,
                                  sentence=sentence)
