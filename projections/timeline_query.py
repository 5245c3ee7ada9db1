"""Reading a reader's timeline: entries with derived state, as of a moment and as
known at a moment (bitemporal), text opened for the viewer.

`as_of` keeps what was effective by then (statuses and acknowledgements by when
they were recorded); `known_at` keeps only what was recorded by then, replaying
an entry's amendments up to it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.domain.kinds import ENTRY_TEXTS, KINDS
from ledger.domain.places import AMENDMENT_REASON, entry_text
from ledger.infra.sealing import Opener
from projections.audience import Audience, audience_of
from projections.encoding import from_micros, micros, open_at, without_sealed
from projections.entry_fields import KIND_FIELDS, Seen
from projections.views.timeline import TimelineStore

TEXT_NAMES = frozenset(ENTRY_TEXTS)
ERASED = None  # what an erased word reads as: the field is present, its words are gone
FAR_FUTURE = 2**62  # "now and ever after", for reads of the present state


@dataclass(frozen=True)
class TimelinePage:
    items: list[dict[str, Any]]
    next_after: tuple[int, str] | None


class TimelineReader:
    def __init__(self, store: TimelineStore) -> None:
        self.store = store

    def page(self, ledger_id: UUID, reader: UUID | Audience, *, as_of: int, known_at: int,
             filters: dict[str, Any], include_retracted: bool = False,
             after: tuple[int, str] | None = None, limit: int = 50,
             opener: Opener) -> TimelinePage:
        audience = audience_of(reader)
        rows = self.store.page(ledger_id.hex, audience, as_of=as_of, known_at=known_at,
                               filters=filters, include_retracted=include_retracted,
                               after=after, limit=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        items = self.items(rows, audience, as_of, known_at, opener)
        last = rows[-1] if rows and more else None
        return TimelinePage(items, (int(last["occurred_at"]), last["entry_id"]) if last else None)

    def one(self, ledger_id: UUID, reader: UUID | Audience, entry_id: UUID, *,
            opener: Opener) -> dict[str, Any] | None:
        """One entry by id as the reader may see it now (retracted ones flagged)."""
        audience = audience_of(reader)
        row = self.store.one(ledger_id.hex, audience, entry_id.hex, FAR_FUTURE)
        if row is None:
            return None
        return self.items([row], audience, FAR_FUTURE, FAR_FUTURE, opener)[0]

    def render_new(self, row: dict[str, Any], opener: Opener) -> dict[str, Any]:
        """An entry just recorded, from the row its event makes: no answers, no
        acknowledgement, no amendments yet; the same code as every read."""
        fresh = {"shared_at": None, "resolved_at": None, "resolution_note": None,
                 "amended_at": None, "retracted_at": None, "retraction_reason": None, **row}
        return self.item(fresh, {}, {}, {}, FAR_FUTURE, FAR_FUTURE, opener)

    def items(self, rows: list[Any], audience: Audience, as_of: int, known_at: int,
              opener: Opener) -> list[dict[str, Any]]:
        ids = [row["entry_id"] for row in rows]
        horizon = min(as_of, known_at)
        responses = self.grouped("in_response_to", ids, audience, known_at, as_of)
        acks = self.grouped("care_id", ids, audience, known_at, horizon, by_recorded=True)
        history = self.amendment_history(ids)
        return [self.item(row, responses, acks, history, as_of, known_at, opener)
                for row in rows]

    def grouped(self, column: str, ids: list[str], audience: Audience, known_at: int, until: int,
                *, by_recorded: bool = False) -> dict[str, list[Any]]:
        found: dict[str, list[Any]] = defaultdict(list)
        for row in self.store.linked(column, ids, audience, known_at):
            moment = row["recorded_at"] if by_recorded else row["occurred_at"]
            if moment <= until:
                found[row[column]].append(row)
        return found

    def amendment_history(self, ids: list[str]) -> dict[str, list[Any]]:
        history: dict[str, list[Any]] = defaultdict(list)
        for row in self.store.amendments(ids):
            history[row["entry_id"]].append(row)
        return history

    def item(self, row: Any, responses: dict[str, list[Any]], acks: dict[str, list[Any]],
             history: dict[str, list[Any]], as_of: int, known_at: int,
             opener: Opener) -> dict[str, Any]:
        kind, ledger, entry = row["kind"], row["ledger_id"], row["entry_id"]
        amendments = [a for a in history.get(entry, []) if a["recorded_at"] <= known_at]
        fields = self.fields_known_at(row, amendments, known_at)
        item: dict[str, Any] = {
            "id": str(UUID(row["entry_id"])), "kind": kind, "author": str(UUID(row["author"])),
            "occurred_at": from_micros(fields["occurred_at"]),
            "recorded_at": from_micros(row["recorded_at"]),
            "visibility": fields["visibility"],
            "amended": bool(amendments),
            "amendments": [{"recorded_at": from_micros(a["recorded_at"]),
                            "changes": self.opened_changes(ledger, entry,
                                                           json.loads(a["changes"]), opener),
                            "reason": open_at(json.loads(a["reason"]),
                                              entry_text(ledger, entry, AMENDMENT_REASON),
                                              opener)}
                           for a in amendments],
            "retracted": bool(row["retracted_at"] and row["retracted_at"] <= known_at),
        }
        if row["original_recorded_at"]:
            item["originally_recorded_at"] = from_micros(row["original_recorded_at"])
        for name in KINDS[kind].texts:
            item[name] = open_at(fields["texts"].get(name), entry_text(ledger, entry, name),
                                 opener)
        item.update(KIND_FIELDS[kind](Seen(row, fields, responses.get(entry, []),
                                           acks.get(entry, []), as_of, known_at, opener)))
        return item

    @staticmethod
    def fields_known_at(row: Any, amendments: list[Any], known_at: int) -> dict[str, Any]:
        """The amendable fields as they stood at `known_at`: current, unless an
        amendment came later, in which case the original plus those before it."""
        texts = json.loads(row["texts"])
        current = {name: row[name] for name in ("support_type", "intensity", "recurring",
                                                 "occurred_at", "adequacy", "felt_supported")}
        visible = row["private_to"] is None or (row["shared_at"] is not None
                                                and row["shared_at"] <= known_at)
        current.update(texts=texts, visibility="shared" if visible else "private")
        if row["amended_at"] is None or row["amended_at"] <= known_at:
            return current
        original = json.loads(row["original"])
        fields = {name: original.get(name) for name in current if name != "texts"}
        fields["texts"] = {k: v for k, v in original.items() if isinstance(v, dict)}
        for amendment in amendments:
            for name, value in json.loads(amendment["changes"]).items():
                if isinstance(value, dict) or (value is None and name in TEXT_NAMES):
                    fields["texts"][name] = value
                elif name == "occurred_at":
                    fields["occurred_at"] = _micros_of(value)
                else:
                    fields[name] = value
        return fields

    @staticmethod
    def opened_changes(ledger: str, entry: str, changes: dict[str, Any],
                       opener: Opener) -> dict[str, Any]:
        """An amendment's changes: its texts opened where they belong, values as they are."""
        return {name: open_at(value, entry_text(ledger, entry, name), opener)
                if name in TEXT_NAMES else without_sealed(value)
                for name, value in changes.items()}


def _micros_of(text: str) -> int:
    return micros(datetime.fromisoformat(text.replace("Z", "+00:00")))
