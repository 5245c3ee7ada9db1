"""What is waiting for me, the second thing the home shows after the ways to record:
my partner's needs I have not answered yet, care for me waiting to hear how it felt,
my own needs whose care felt right (taken care of?), and this week's check-in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ledger.domain.weeks import week_of
from projections.encoding import micros
from projections.scope import ScopedReads
from web.pages.threads import hex_of

LOOK_BACK = 50  # the newest entries of a kind read for this: older ones are in the timeline
RECENT = timedelta(days=30)  # what still waits; older things are told in the timeline
SHOWN = 3  # of each sort, newest first; the rest are counted


@dataclass(frozen=True)
class Waiting:
    needs: list[dict[str, Any]] = field(default_factory=list)
    feel: list[dict[str, Any]] = field(default_factory=list)
    done: list[dict[str, Any]] = field(default_factory=list)
    check_in: bool = False
    answerable: list[dict[str, Any]] = field(default_factory=list)  # the care form's choices
    more: int = 0  # waiting too, beyond the SHOWN of each sort

    @property
    def anything(self) -> bool:
        return bool(self.needs or self.feel or self.done or self.check_in)


def waiting_for(reads: ScopedReads, me: str, other: str | None, now: datetime,
                timezone: str) -> Waiting:
    """`me`, `other`: partners' hex ids (no partner yet: only the check-in waits)."""
    def newest(kind: str, partner: str, limit: int = LOOK_BACK) -> list[dict[str, Any]]:
        return [item for item in reads.timeline(
            as_of=micros(now), known_at=micros(now), filters={"kind": kind, "partner": partner},
            limit=limit).items if not item.get("retracted")]

    def recent(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [item for item in items if item["occurred_at"] >= now - RECENT]

    mine_checked = newest("check_in", me, 1)
    check_in = not mine_checked or mine_checked[0].get("week") != week_of(now, timezone)
    if other is None:
        return Waiting(check_in=check_in)
    their_needs = newest("need", other)
    their_care = newest("care", other)
    care_by_id = {hex_of(c["id"]): c for c in their_care}
    needs = [n for n in recent(their_needs) if n.get("status") == "open"
             and not any(hex_of(r["author"]) == me for r in n.get("responses") or [])]
    feel = [c for c in recent(their_care) if hex_of(c.get("to")) == me and not c.get("quiet")
            and not c.get("acknowledgement")]
    done = [n for n in recent(newest("need", me)) if n.get("status") == "open" and any(
        ((care_by_id.get(hex_of(r["id"])) or {}).get("acknowledgement") or {})
        .get("adequacy") == "right" for r in n.get("responses") or [])]
    answerable = [n for n in their_needs if n.get("status") == "open" or n.get("recurring")]
    more = sum(max(0, len(found) - SHOWN) for found in (needs, feel, done))
    return Waiting(needs[:SHOWN], feel[:SHOWN], done[:SHOWN], check_in, answerable, more)
