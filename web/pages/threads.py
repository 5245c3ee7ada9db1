"""The timeline read like a conversation: entries grouped by week, each care saying
which need it answered, how it felt folded into the care it is about, and on each
card the one way I may respond to it (answer a need, say how care felt, let a need
go or mark it taken care of, change or take back my own words)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ledger.domain.weeks import monday_of, week_of
from web.pages.words import FELT_TOLD


@dataclass(frozen=True)
class Card:
    entry: dict[str, Any]  # the reader's item, as the API shows it
    author: str  # their name
    mine: bool
    answering: str | None = None  # a care: the words of the need it answered
    answered_by: list[str] = field(default_factory=list)  # a need: who answered it
    felt: str | None = None  # a care: how it felt, in its receiver's words
    felt_note: str | None = None
    offer_done: bool = False  # my open need whose care felt right: "taken care of?"
    respond: tuple[str, ...] = ()  # "care", "feel", "resolve", "own"


@dataclass(frozen=True)
class WeekGroup:
    monday: date
    cards: list[Card]


def hex_of(uuid_text: str | None) -> str:
    return (uuid_text or "").replace("-", "")


def thread(items: list[dict[str, Any]], names: dict[str, str], me: str, timezone: str,
           replaying: bool) -> list[WeekGroup]:
    """`items` newest first, as the timeline reads them; `me` and `names` by hex id."""
    by_id = {hex_of(item["id"]): item for item in items}
    groups: list[WeekGroup] = []
    for item in items:
        if item["kind"] == "acknowledgement" and hex_of(item.get("care_id")) in by_id:
            continue  # told on the care it is about
        card = card_for(item, by_id, names, me, replaying)
        monday = week_monday(item, timezone)
        if groups and groups[-1].monday == monday:
            groups[-1].cards.append(card)
        else:
            groups.append(WeekGroup(monday, [card]))
    return groups


def week_monday(item: dict[str, Any], timezone: str) -> date:
    if item["kind"] == "check_in" and item.get("week"):
        return monday_of(item["week"])
    return monday_of(week_of(item["occurred_at"], timezone))


def card_for(item: dict[str, Any], by_id: dict[str, dict[str, Any]], names: dict[str, str],
             me: str, replaying: bool) -> Card:
    def name(pid: str | None) -> str:
        return names.get(hex_of(pid), "(erased)")

    mine = hex_of(item["author"]) == me
    kind, live = item["kind"], not replaying and not item.get("retracted")
    respond: list[str] = []
    extra: dict[str, Any] = {}
    if kind == "need":
        responders = [r for r in item.get("responses") or []]
        extra["answered_by"] = sorted({name(r["author"]) for r in responders})
        open_ = item.get("status") == "open"
        if live and open_ and not mine:
            respond.append("care")
        if live and open_ and mine:
            respond.append("resolve")
            extra["offer_done"] = any(
                ((by_id.get(hex_of(r["id"])) or {}).get("acknowledgement") or {})
                .get("adequacy") == "right" for r in responders)
    elif kind == "care":
        need = by_id.get(hex_of(item.get("in_response_to")))
        if item.get("in_response_to"):
            extra["answering"] = (need or {}).get("need") or ""
        ack = item.get("acknowledgement")
        if ack:
            extra["felt"] = FELT_TOLD[ack["adequacy"]].format(name=name(item.get("to")))
            extra["felt_note"] = ack.get("note")
        elif live and hex_of(item.get("to")) == me and not item.get("quiet"):
            respond.append("feel")
    if live and mine:
        respond.append("own")
    return Card(item, name(item["author"]), mine, respond=tuple(respond), **extra)
