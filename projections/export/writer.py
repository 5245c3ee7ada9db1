"""Writing an export as a stream of JSON text: events page by page from the history
view, hashed as they go, so a 100,000-event ledger never sits in memory whole.

Everything is read through the export's `ScopedReads`: the sections, the period,
whose private entries and which check-ins are the scope's, for a partner's export
and a counsellor's download alike.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.encoding import micros
from projections.export.chain import FORMAT, canonical, genesis, link, sign
from projections.scope import SECTIONS, ScopedReads

__all__ = ["SECTIONS", "ExportSource", "iso", "stream_json", "timeline_items"]
PAGE = 1000


@dataclass(frozen=True)
class Covers:
    """The log position and ledger version an export holds everything up to."""

    position: int
    ledger_version: int


@dataclass
class ExportSource:
    reads: ScopedReads
    viewer: UUID  # who takes it: a partner, or the counsellor's id
    header: dict[str, Any]  # ledger, partners
    signing_key: Ed25519PrivateKey
    covers: Covers
    now: datetime


def stream_json(source: ExportSource) -> Iterator[str]:
    scope = source.reads.scope
    document: dict[str, Any] = {
        "format": FORMAT, "exported_at": iso(source.now), "exported_by": str(source.viewer),
        **source.header, "scope": scope.as_data(),
        "covers": {"position": source.covers.position,
                   "ledger_version": source.covers.ledger_version},
    }
    yield "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v, default=str)}"
                          for k, v in document.items())
    head = genesis(str(scope.ledger_id))
    yield ', "events": ['
    first = True
    for event in events(source):
        event["hash"] = head = link(head, event)
        yield ("" if first else ", ") + json.dumps(event, ensure_ascii=False)
        first = False
    yield "]"
    timeline = hashlib.sha256()
    if scope.shows("timeline"):
        yield ', "timeline": ['
        first = True
        for item in timeline_items(source):
            timeline.update(canonical(item))
            yield ("" if first else ", ") + json.dumps(item, ensure_ascii=False)
            first = False
        yield "]"
    document["summary"] = plain(summary(source))
    document["timeline_sha256"] = timeline.hexdigest() if scope.shows("timeline") else None
    signature = sign(source.signing_key, document, head)
    yield (f', "summary": {json.dumps(document["summary"])}, '
           f'"timeline_sha256": {json.dumps(document["timeline_sha256"])}, '
           f'"signature": {json.dumps(signature)}}}\n')


def events(source: ExportSource) -> Iterator[dict[str, Any]]:
    """The raw history in scope, oldest first, as plain JSON values."""
    after, known_at = 0, micros(source.now)
    while True:
        items = source.reads.events(after=after, known_at=known_at, limit=PAGE)
        for item in items:
            yield plain({**item, "actor": str(item["actor"])})
        if len(items) < PAGE:
            return
        after = items[-1]["position"]


def timeline_items(source: ExportSource) -> Iterator[dict[str, Any]]:
    """The timeline in scope, newest first, as plain JSON values."""
    now, after = micros(source.reads.scope.as_of(source.now)), None
    while True:
        page = source.reads.timeline(as_of=now, known_at=micros(source.now), after=after,
                                     limit=PAGE)
        for item in page.items:
            yield plain(item)
        if page.next_after is None:
            return
        after = page.next_after


def summary(source: ExportSource) -> dict[str, Any]:
    balance = source.reads.balance(source.now) or {"as_of": source.reads.scope.as_of(source.now)}
    return {k: v for k, v in balance.items() if k != "prompts"}


def plain(value: Any) -> Any:
    """JSON values only (times as RFC 3339 UTC, ids and dates as strings)."""
    return json.loads(json.dumps(value, default=iso_default))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    return str(value)
