"""Corrections are new events, never edits: an author amends their entry (the
original stays in the history) or takes it back (it leaves the views, flagged in
the raw history). What may be amended is each kind's declaration (kinds.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.domain.aggregate import LedgerEvent
from ledger.domain.entries import Entry, Flag
from ledger.domain.exceptions import Conflict, Invalid
from ledger.domain.guards import LedgerGuards, check_amended_type
from ledger.domain.kinds import BY_LETTER, NEVER_AMENDABLE, REQUIRED_TEXTS
from ledger.domain.values import EntryKind, SealedText, Visibility

if TYPE_CHECKING:
    from ledger.domain.ledger import Ledger

NEVER_REMOVED = REQUIRED_TEXTS | {"support_type", "intensity", "recurring", "occurred_at",
                                  "visibility", "adequacy", "felt_supported"}


class Corrections(LedgerGuards):
    class EntryAmended(LedgerEvent):
        entry_id: UUID
        changes: dict[str, Any]
        reason: SealedText

        def apply(self, ledger: Ledger) -> None:
            entry = ledger.entries[self.entry_id.hex]
            if self.changes.get("visibility") is Visibility.SHARED:
                Entry.add_flag(entry, Flag.SHARED)
            if "recurring" in self.changes:
                Entry.set_flag(entry, Flag.RECURRING, bool(self.changes["recurring"]))
            if "occurred_at" in self.changes:
                Entry.set_when(entry, int(self.changes["occurred_at"].timestamp()))

    def amend_entry(self, actor: UUID, *, entry_id: UUID, changes: dict[str, Any],
                    reason: SealedText, now: datetime) -> None:
        self.check_can_write(actor)
        entry = self.visible_entry(actor, entry_id, include_retracted=True)
        self.check_is_author(actor, entry, "only the author of an entry can amend it")
        if Entry.flags(entry) & Flag.RETRACTED:
            raise Conflict("a retracted entry cannot be amended")
        self.check_changes(entry, changes, now)
        self.trigger_event(self.EntryAmended, timestamp=now, actor=actor, entry_id=entry_id,
                           changes=changes, reason=reason)

    def check_changes(self, entry: list[Any], changes: dict[str, Any], now: datetime) -> None:
        kind = BY_LETTER[Entry.kind(entry)]
        if not changes:
            raise Invalid.field("changes", "name at least one field to change")
        for name, value in changes.items():
            if name in NEVER_AMENDABLE:
                raise Invalid.field(name, "cannot be amended")
            if name not in kind.amendable:
                raise Invalid.field(name, f"is not a field of this {kind.name} entry")
            if value is None and name in NEVER_REMOVED:
                raise Invalid.field(name, "cannot be removed")
            check_amended_type(name, value)
        self.check_amended_values(entry, changes, now)

    class EntryRetracted(LedgerEvent):
        entry_id: UUID
        reason: SealedText

        def apply(self, ledger: Ledger) -> None:
            entry = ledger.entries[self.entry_id.hex]
            Entry.add_flag(entry, Flag.RETRACTED)
            kind = Entry.kind(entry)
            if kind is EntryKind.ACKNOWLEDGEMENT:  # the care may be acknowledged anew
                Entry.clear_flag(ledger.entries[Entry.link(entry)], Flag.ACKNOWLEDGED)
            elif kind is EntryKind.CHECK_IN:  # the week is no longer checked in
                ledger.check_ins[Entry.link(entry)] &= ~(1 << Entry.author(entry))

    def retract_entry(self, actor: UUID, *, entry_id: UUID, reason: SealedText,
                      now: datetime) -> None:
        self.check_can_write(actor)
        entry = self.visible_entry(actor, entry_id, include_retracted=True)
        self.check_is_author(actor, entry, "only the author of an entry can retract it")
        if Entry.flags(entry) & Flag.RETRACTED:
            raise Conflict("this entry is already retracted")
        self.trigger_event(self.EntryRetracted, timestamp=now, actor=actor, entry_id=entry_id,
                           reason=reason)
