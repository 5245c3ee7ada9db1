"""Writing an export as a stream of JSON text: events page by page from the history
view, hashed as they go, so a 100,000-event ledger never sits in memory whole."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.audience import Audience
from projections.encoding import from_micros, micros, open_sealed
from projections.export.chain import FORMAT, canonical, genesis, link, sign
from projections.read_models import ReadModels

PAGE = 1000
SECTIONS = ("timeline", "balance", "turns", "check_ins", "raw_events")
Opener = Callable[[Any], str | None]


@dataclass(frozen=True)
class Scope:
    sections: tuple[str, ...] = SECTIONS
    start: datetime | None = None
    end: datetime | None = None
    include_private: bool = False

    @property
    def complete(self) -> bool:
        """What `ebbflow import` accepts: everything, every section, private included."""
        return (self.start is None and self.end is None and self.include_private
                and set(self.sections) == set(SECTIONS))

    def as_data(self) -> dict[str, Any]:
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
                "sections": list(self.sections), "include_private": self.include_private}

    def holds(self, moment: int) -> bool:
        return ((self.start is None or moment >= micros(self.start))
                and (self.end is None or moment < micros(self.end)))


@dataclass
class ExportSource:
    reads: ReadModels
    ledger_id: UUID
    viewer: UUID  # who takes it: a partner, or the counsellor's id
    audience: Audience  # what they see: entries, check-ins, private entries opted in
    header: dict[str, Any]  # ledger, partners
    opener: Opener
    signing_key: Ed25519PrivateKey
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


def stream_json(source: ExportSource, scope: Scope) -> Iterator[str]:
    document: dict[str, Any] = {
        "format": FORMAT, "exported_at": iso(source.now), "exported_by": str(source.viewer),
        **source.header, "scope": scope.as_data(),
    }
    yield "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v, default=str)}"
                          for k, v in document.items())
    head = genesis(str(source.ledger_id))
    yield ', "events": ['
    if "raw_events" in scope.sections:
        first = True
        for event in events(source, scope):
            event["hash"] = head = link(head, event)
            yield ("" if first else ", ") + json.dumps(event, ensure_ascii=False, default=str)
            first = False
    yield "]"
    timeline = hashlib.sha256()
    if "timeline" in scope.sections:
        yield ', "timeline": ['
        first = True
        for item in timeline_items(source, scope):
            timeline.update(canonical(item))
            yield ("" if first else ", ") + json.dumps(item, ensure_ascii=False, default=str)
            first = False
        yield "]"
    document["summary"] = json.loads(json.dumps(summary(source, scope), default=str))
    document["timeline_sha256"] = timeline.hexdigest() if "timeline" in scope.sections else None
    signature = sign(source.signing_key, document, head)
    yield (f', "summary": {json.dumps(document["summary"])}, '
           f'"timeline_sha256": {json.dumps(document["timeline_sha256"])}, '
           f'"signature": {json.dumps(signature)}}}\n')


def events(source: ExportSource, scope: Scope) -> Iterator[dict[str, Any]]:
    after = 0
    while True:
        rows = source.reads.history.events(
            source.ledger_id.hex, source.audience, after=after, known_at=micros(source.now),
            limit=PAGE)
        for row in rows:
            moment = row["occurred_at"] or row["recorded_at"]
            if not scope.holds(moment):
                continue
            yield {
                "position": row["position"], "version": row["version"], "type": row["type"],
                "class_version": row["class_version"],
                "recorded_at": iso(from_micros(row["recorded_at"])),
                "originally_recorded_at": iso(from_micros(row["original_recorded_at"]))
                if row["original_recorded_at"] else None,
                "occurred_at": iso(from_micros(row["occurred_at"])) if row["occurred_at"]
                else None,
                "actor": str(UUID(row["actor"])),
                "data": open_sealed(json.loads(row["data"]), source.opener),
                "retracted": row["retracted_at"] is not None,
            }
        if len(rows) < PAGE:
            return
        after = rows[-1]["position"]


def timeline_items(source: ExportSource, scope: Scope) -> Iterator[dict[str, Any]]:
    filters = {"from": micros(scope.start) if scope.start else None,
               "to": micros(scope.end) if scope.end else None}
    now, after = micros(source.now), None
    while True:
        page = source.reads.timeline.page(source.ledger_id, source.audience, as_of=now,
                                          known_at=now, filters=filters, after=after,
                                          limit=PAGE, opener=source.opener,
                                          include_retracted=True)
        for item in page.items:
            yield json.loads(json.dumps(item, default=iso_default))
        if page.next_after is None:
            return
        after = page.next_after


def summary(source: ExportSource, scope: Scope) -> dict[str, Any]:
    as_of = min(scope.end, source.now) if scope.end else source.now
    balance = source.reads.balance.balance(source.ledger_id, source.audience, as_of)
    chosen: dict[str, Any] = {"as_of": iso(as_of)}
    if "balance" in scope.sections:
        chosen.update({k: balance[k] for k in ("window", "partners", "mutuality",
                                                "responsiveness")})
    if "check_ins" in scope.sections:
        chosen["check_ins"] = balance["check_ins"]
    if "turns" in scope.sections:
        chosen["turns"] = balance["turns"]
    return chosen


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    return str(value)
