"""How the report names people, days, counts and kinds of support, in plain words."""

from __future__ import annotations

from datetime import date, datetime

from ledger.domain.weeks import zone

SUPPORT_WORDS = {"emotional": "comfort and listening", "informational": "advice and ideas",
                 "esteem": "encouragement and appreciation", "practical": "doing things"}
SECTION_WORDS = {"timeline": "the entries", "balance": "how care flowed",
                 "turns": "where the flow changed direction", "check_ins": "weekly check-ins",
                 "raw_events": "the raw history of events"}


class NameOf:
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def __call__(self, pid: str | None) -> str:
        return self.names.get((pid or "").replace("-", ""), "(erased)")


def times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def month(moment: datetime | date) -> str:
    return f"{moment:%b %Y}"


def day(moment: datetime, tz: str) -> str:
    local = moment.astimezone(zone(tz))
    return f"{local.day} {local:%b %Y}"
