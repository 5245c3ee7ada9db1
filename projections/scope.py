"""One reader's view of one ledger, applied in one place.

A `ReadScope` says who reads (a partner, or a counsellor through a share) and what
they may see: the audience (whose private entries, which check-ins, no retracted
entries or housekeeping events for a counsellor), the sections and the period.
`ScopedReads` is the only way the pages, the API, exports and downloads read a
ledger: every read goes through the scope, so a new format or reader cannot forget
a rule, and every word is opened by an opener bound to this ledger.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from ledger.domain.entries import Share
from ledger.domain.ledger import Ledger
from ledger.infra.sealing import KeyRing, Opener
from projections.audience import Audience
from projections.encoding import from_micros, micros, open_event_texts
from projections.read_models import ReadModels
from projections.timeline import TimelineProjection
from projections.timeline_query import TimelinePage

SECTIONS = ("timeline", "balance", "turns", "check_ins", "raw_events")
FIGURES = ("window", "partners", "mutuality", "responsiveness", "prompts")  # "balance"
ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class ReadScope:
    ledger_id: UUID
    audience: Audience
    sections: frozenset[str] = frozenset(SECTIONS)
    start: datetime | None = None
    end: datetime | None = None  # exclusive

    @classmethod
    def partner(cls, ledger_id: UUID, viewer: UUID, *, own_private: bool = True,
                sections: tuple[str, ...] = SECTIONS, start: datetime | None = None,
                end: datetime | None = None) -> ReadScope:
        """A partner reading their ledger (all of it, or an export's part of it)."""
        base = Audience.partner(viewer, own_private=own_private)
        audience = Audience(base.key, base.private_owners, base.own_check_ins, base.witnesses,
                            check_ins="check_ins" in sections, since=_micros(start),
                            until=_micros(end))
        return cls(ledger_id, audience, frozenset(sections), start, end)

    @classmethod
    def counsellor(cls, ledger: Ledger, share_id: UUID) -> ReadScope:
        """What both partners agreed a counsellor may see through one share."""
        share = ledger.known_share(share_id)
        sections = frozenset(Share.sections(share))
        start, end = _parse(Share.scope_from(share)), _parse(Share.scope_to(share))
        owners = [ledger.partners[i] for i in Share.private_owners(share)]
        audience = Audience.counsellor(ledger.partners, owners,
                                       check_ins="check_ins" in sections,
                                       since=_micros(start), until=_micros(end))
        return cls(ledger.id, audience, sections, start, end)

    def shows(self, section: str) -> bool:
        return section in self.sections

    def as_of(self, moment: datetime) -> datetime:
        """A moment clamped to the period (its end is exclusive)."""
        return min(moment, self.end - ONE_MICROSECOND) if self.end else moment

    def as_data(self) -> dict[str, Any]:
        """The scope as an export states it."""
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
                "sections": [s for s in SECTIONS if s in self.sections],
                "include_private": bool(self.audience.private_owners)}


class ScopedReads:
    """Every read of one ledger for one scope; text opened for this ledger only."""

    def __init__(self, reads: ReadModels, opener: Opener, scope: ReadScope) -> None:
        self.reads, self.opener, self.scope = reads, opener, scope

    @property
    def audience(self) -> Audience:
        return self.scope.audience

    def timeline(self, *, as_of: int, known_at: int, filters: dict[str, Any] | None = None,
                 include_retracted: bool = False, after: tuple[int, str] | None = None,
                 limit: int = 50) -> TimelinePage:
        if not self.scope.shows("timeline"):
            return TimelinePage([], None)
        return self.reads.timeline.page(
            self.scope.ledger_id, self.audience, as_of=as_of, known_at=known_at,
            filters=filters or {}, include_retracted=include_retracted, after=after,
            limit=limit, opener=self.opener)

    def entry(self, entry_id: UUID) -> dict[str, Any] | None:
        """One entry as the timeline shows it now (retracted ones flagged)."""
        if not self.scope.shows("timeline"):
            return None
        return self.reads.timeline.one(self.scope.ledger_id, self.audience, entry_id,
                                       opener=self.opener)

    def events(self, *, after: int, known_at: int, limit: int) -> list[dict[str, Any]]:
        """The raw history, oldest first, each event's words opened where they belong."""
        if not self.scope.shows("raw_events"):
            return []
        rows = self.reads.history.events(self.scope.ledger_id.hex, self.audience, after=after,
                                         known_at=known_at, limit=limit)
        return [self.event_item(row, known_at) for row in rows]

    def event_item(self, row: Any, known_at: int) -> dict[str, Any]:
        data = open_event_texts(row["type"], json.loads(row["data"]), row["ledger_id"],
                                row["actor"], self.opener)
        return {
            "position": row["position"], "version": row["version"], "type": row["type"],
            "class_version": row["class_version"], "recorded_at": from_micros(row["recorded_at"]),
            "originally_recorded_at": from_micros(row["original_recorded_at"])
            if row["original_recorded_at"] else None,
            "occurred_at": from_micros(row["occurred_at"]) if row["occurred_at"] else None,
            "actor": UUID(row["actor"]), "data": data,
            "retracted": bool(row["retracted_at"] and row["retracted_at"] <= known_at),
        }

    def balance(self, as_of: datetime, window_weeks: int = 8) -> dict[str, Any] | None:
        """The balance as of a moment, with only the figures of the shared sections."""
        if not self.scope.sections & {"balance", "turns", "check_ins"}:
            return None
        frame = self.reads.balance.balance(self.scope.ledger_id, self.audience,
                                           self.scope.as_of(as_of), window_weeks)
        return self.figures(frame)

    def series(self, start: datetime, end: datetime, now: datetime,
               window_weeks: int = 8) -> list[dict[str, Any]]:
        """The weekly frames of the replay and the charts, within the period."""
        if not self.scope.sections & {"balance", "turns", "check_ins"}:
            return []
        first = max(start, self.scope.start) if self.scope.start else start
        last = self.scope.as_of(min(end, now))
        if last < first:
            return []
        frames = self.reads.balance.series(self.scope.ledger_id, self.audience, first, last,
                                           self.scope.as_of(now), window_weeks)
        return [self.figures(frame) for frame in frames]

    def figures(self, frame: dict[str, Any]) -> dict[str, Any]:
        kept = {"as_of": frame["as_of"]}
        if self.scope.shows("balance"):
            kept.update({k: frame[k] for k in FIGURES if k in frame})
        if self.scope.shows("turns") and "turns" in frame:
            kept["turns"] = frame["turns"]
        if self.scope.shows("check_ins"):
            kept["check_ins"] = frame["check_ins"]
        return kept

    def latest_position(self, known_at: int) -> int:
        """The newest event this reader may see: what an open page polls."""
        return int(self.reads.history.latest_position(self.scope.ledger_id.hex, self.audience,
                                                      known_at))


class Reading:
    """Builds the scoped reads of one request from the read models and the key ring."""

    def __init__(self, reads: ReadModels, keys: KeyRing) -> None:
        self.reads, self.keys = reads, keys

    def opener(self, ledger_id: UUID) -> Opener:
        """Opens the words of this ledger only (a reply built from a pending event)."""
        return self.keys.ledger_opener(ledger_id)

    def new_entry(self, event: Any, timezone: str) -> dict[str, Any]:
        """How a partner's reads will show the entry this event records (the 201)."""
        projection = TimelineProjection(self.reads.views["timeline"])
        row = projection.new_entry_row(event, timezone)
        return self.reads.timeline.render_new(row, self.keys.ledger_opener(event.originator_id))

    def scoped(self, scope: ReadScope) -> ScopedReads:
        return ScopedReads(self.reads, self.keys.ledger_opener(scope.ledger_id), scope)

    def for_partner(self, ledger_id: UUID, viewer: UUID) -> ScopedReads:
        return self.scoped(ReadScope.partner(ledger_id, viewer))


def _micros(moment: datetime | None) -> int | None:
    return micros(moment) if moment is not None else None


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
