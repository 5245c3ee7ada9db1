"""Recording entries: a need expressed, care offered, care acknowledged, a need met
or withdrawn, a moment shared, a weekly check-in. Each event sits beside its
command and applies itself to the ledger's compact state (no text)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from ledger.domain.aggregate import LedgerEvent
from ledger.domain.entries import Entry, Flag
from ledger.domain.exceptions import Conflict
from ledger.domain.guards import LedgerGuards, check_occurred_at
from ledger.domain.values import (
    Adequacy,
    EntryKind,
    MomentKind,
    Outcome,
    SealedText,
    SupportType,
    Visibility,
)
from ledger.domain.weeks import week_start

if TYPE_CHECKING:
    from ledger.domain.ledger import Ledger


class Recording(LedgerGuards):
    class NeedExpressed(LedgerEvent):
        entry_id: UUID
        occurred_at: datetime
        need: SealedText
        feeling: SealedText | None
        situation: SealedText | None
        support_type: SupportType
        intensity: int
        recurring: bool
        visibility: Visibility

        def apply(self, ledger: Ledger) -> None:
            flags = Flag.of(shared=self.visibility is Visibility.SHARED,
                            recurring=self.recurring)
            ledger.entries[self.entry_id.hex] = Entry.new(
                EntryKind.NEED, ledger.partners.index(self.actor.hex), flags,
                int(self.occurred_at.timestamp()))

    def express_need(
        self, actor: UUID, *, entry_id: UUID, occurred_at: datetime, need: SealedText,
        feeling: SealedText | None, situation: SealedText | None, support_type: SupportType,
        intensity: int, recurring: bool, visibility: Visibility, now: datetime,
    ) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        check_occurred_at(occurred_at, now)
        self.check_intensity(intensity)
        self.trigger_event(
            self.NeedExpressed, timestamp=now, actor=actor, entry_id=entry_id,
            occurred_at=occurred_at, need=need, feeling=feeling, situation=situation,
            support_type=support_type, intensity=intensity, recurring=recurring,
            visibility=visibility)

    class CareOffered(LedgerEvent):
        entry_id: UUID
        occurred_at: datetime
        to: UUID
        description: SealedText
        support_type: SupportType
        in_response_to: UUID | None
        quiet: bool
        visibility: Visibility

        def apply(self, ledger: Ledger) -> None:
            flags = Flag.of(shared=self.visibility is Visibility.SHARED, quiet=self.quiet)
            when = int(self.occurred_at.timestamp())
            answered = self.in_response_to.hex if self.in_response_to else None
            ledger.entries[self.entry_id.hex] = Entry.new(
                EntryKind.CARE, ledger.partners.index(self.actor.hex), flags, when, answered)
            if answered is not None:  # the need remembers when it was first answered
                need = ledger.entries[answered]
                first = Entry.link(need)
                if first is None or when < first:
                    Entry.set_link(need, when)

    def offer_care(
        self, actor: UUID, *, entry_id: UUID, occurred_at: datetime, description: SealedText,
        support_type: SupportType, in_response_to: UUID | None, quiet: bool,
        visibility: Visibility, now: datetime,
    ) -> UUID:
        """Returns the receiver: always the other partner."""
        self.check_can_write(actor)
        receiver = self.check_other_partner(actor)
        self.check_new_entry(entry_id)
        check_occurred_at(occurred_at, now)
        if in_response_to is not None:
            self.check_need_is_answerable(in_response_to, actor, occurred_at)
        self.trigger_event(
            self.CareOffered, timestamp=now, actor=actor, entry_id=entry_id,
            occurred_at=occurred_at, to=receiver, description=description,
            support_type=support_type, in_response_to=in_response_to, quiet=quiet,
            visibility=visibility)
        return receiver

    class CareAcknowledged(LedgerEvent):
        entry_id: UUID
        care_id: UUID
        adequacy: Adequacy
        note: SealedText | None

        def apply(self, ledger: Ledger) -> None:
            ledger.entries[self.entry_id.hex] = Entry.new(
                EntryKind.ACKNOWLEDGEMENT, ledger.partners.index(self.actor.hex), Flag.SHARED,
                int(self.timestamp.timestamp()), self.care_id.hex)
            Entry.add_flag(ledger.entries[self.care_id.hex], Flag.ACKNOWLEDGED)

    def acknowledge_care(self, actor: UUID, *, entry_id: UUID, care_id: UUID,
                         adequacy: Adequacy, note: SealedText | None, now: datetime) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        self.check_can_acknowledge(actor, care_id)
        self.trigger_event(self.CareAcknowledged, timestamp=now, actor=actor,
                           entry_id=entry_id, care_id=care_id, adequacy=adequacy, note=note)

    class NeedMet(LedgerEvent):
        need_id: UUID
        note: SealedText | None

        def apply(self, ledger: Ledger) -> None:
            Entry.add_flag(ledger.entries[self.need_id.hex], Flag.MET)

    class NeedWithdrawn(LedgerEvent):
        need_id: UUID
        note: SealedText | None

        def apply(self, ledger: Ledger) -> None:
            Entry.add_flag(ledger.entries[self.need_id.hex], Flag.WITHDRAWN)

    def resolve_need(self, actor: UUID, *, need_id: UUID, outcome: Outcome,
                     note: SealedText | None, now: datetime) -> None:
        self.check_can_write(actor)
        need = self.visible_entry(actor, need_id, EntryKind.NEED, include_retracted=True)
        self.check_is_author(actor, need, "only the partner who expressed a need can resolve it")
        if Entry.flags(need) & Flag.RETRACTED:
            raise Conflict("this need was taken back")
        if Entry.flags(need) & (Flag.MET | Flag.WITHDRAWN):
            raise Conflict("this need is already resolved")
        resolved = self.NeedMet if outcome is Outcome.MET else self.NeedWithdrawn
        self.trigger_event(resolved, timestamp=now, actor=actor, need_id=need_id, note=note)

    class MomentShared(LedgerEvent):
        entry_id: UUID
        occurred_at: datetime
        kind: MomentKind
        text: SealedText
        visibility: Visibility

        def apply(self, ledger: Ledger) -> None:
            ledger.entries[self.entry_id.hex] = Entry.new(
                EntryKind.MOMENT, ledger.partners.index(self.actor.hex),
                Flag.of(shared=self.visibility is Visibility.SHARED),
                int(self.occurred_at.timestamp()))

    def share_moment(self, actor: UUID, *, entry_id: UUID, occurred_at: datetime,
                     kind: MomentKind, text: SealedText, visibility: Visibility,
                     now: datetime) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        check_occurred_at(occurred_at, now)
        self.trigger_event(self.MomentShared, timestamp=now, actor=actor, entry_id=entry_id,
                           occurred_at=occurred_at, kind=kind, text=text, visibility=visibility)

    class CheckedIn(LedgerEvent):
        entry_id: UUID
        week: str
        felt_supported: int
        note: SealedText | None

        def apply(self, ledger: Ledger) -> None:
            author = ledger.partners.index(self.actor.hex)
            when = int(week_start(self.week, ledger.timezone).timestamp())
            ledger.entries[self.entry_id.hex] = Entry.new(EntryKind.CHECK_IN, author,
                                                          Flag.SHARED, when, self.week)
            ledger.check_ins[self.week] = ledger.check_ins.get(self.week, 0) | (1 << author)

    def check_in(self, actor: UUID, *, entry_id: UUID, week: str, felt_supported: int,
                 note: SealedText | None, now: datetime) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        self.check_week_allowed(week, now)
        self.check_felt_supported(felt_supported)
        if self.check_ins.get(week, 0) & (1 << self.partners.index(actor.hex)):
            raise Conflict(f"you already checked in for {week}")
        self.trigger_event(self.CheckedIn, timestamp=now, actor=actor, entry_id=entry_id,
                           week=week, felt_supported=felt_supported, note=note)
