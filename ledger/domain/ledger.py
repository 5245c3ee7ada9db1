"""The Ledger aggregate: one per couple, every event of theirs in one stream.

Its state is compact on purpose (ids, partner numbers, kinds, status bits, weeks,
no text) so snapshots stay small however long the history grows. Commands check
their guards first and only then call the `@event` method whose body is the state
change; the body runs again on every replay, so it holds no rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.domain.aggregate import IMPORTING, EbbFlowAggregate
from ledger.domain.entries import Entry, Flag, Share
from ledger.domain.exceptions import Conflict, Invalid, NotAllowed
from ledger.domain.guards import LedgerGuards, check_amended_type, check_occurred_at
from ledger.domain.values import (
    Adequacy,
    EntryKind,
    MomentKind,
    Outcome,
    SealedText,
    SupportType,
    Visibility,
)
from ledger.domain.weeks import week_of, week_start

AMENDABLE: dict[EntryKind, frozenset[str]] = {
    EntryKind.NEED: frozenset(
        {"need", "feeling", "situation", "support_type", "intensity", "recurring",
         "occurred_at", "visibility"}
    ),
    EntryKind.CARE: frozenset({"description", "support_type", "occurred_at", "visibility"}),
    EntryKind.ACKNOWLEDGEMENT: frozenset({"note", "adequacy"}),
    EntryKind.CHECK_IN: frozenset({"note", "felt_supported"}),
    EntryKind.MOMENT: frozenset({"text", "occurred_at", "visibility"}),
}
REQUIRED_TEXT = frozenset({"need", "description", "text"})
NEVER_AMENDABLE = frozenset({"to", "in_response_to"})
REVOKED_BY_PARTNER = "revoked"
REVOKED_BY_DEPARTURE = "partner_left"
ONLY_WHILE_PAUSED = (
    "the ledger is paused: only resuming, leaving, revoking a share or recording an export"
)


class Ledger(LedgerGuards, EbbFlowAggregate):
    """Snapshot state v2 added, per share, the partners (by index) who let their own
    private entries reach the counsellor."""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        for share in state["shares"].values():
            share.append([])

    class Opened(EbbFlowAggregate.Created):
        """v2 added `timezone`; a v1 ledger was opened in UTC."""

        class_version = 2
        name: SealedText
        timezone: str
        display_name: SealedText
        invite_hash: str
        invite_expires_at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["timezone"] = "UTC"

    class InviteIssued(EbbFlowAggregate.Event):
        invite_hash: str
        invite_expires_at: datetime

    class InviteRevoked(EbbFlowAggregate.Event):
        pass

    class PartnerJoined(EbbFlowAggregate.Event):
        partner_id: UUID
        display_name: SealedText
        placeholder: bool

    class PartnerClaimed(EbbFlowAggregate.Event):
        placeholder_id: UUID
        partner_id: UUID
        display_name: SealedText

    class NeedExpressed(EbbFlowAggregate.Event):
        entry_id: UUID
        occurred_at: datetime
        need: SealedText
        feeling: SealedText | None
        situation: SealedText | None
        support_type: SupportType
        intensity: int
        recurring: bool
        visibility: Visibility

    class CareOffered(EbbFlowAggregate.Event):
        entry_id: UUID
        occurred_at: datetime
        to: UUID
        description: SealedText
        support_type: SupportType
        in_response_to: UUID | None
        quiet: bool
        visibility: Visibility

    class CareAcknowledged(EbbFlowAggregate.Event):
        entry_id: UUID
        care_id: UUID
        adequacy: Adequacy
        note: SealedText | None

    class NeedMet(EbbFlowAggregate.Event):
        need_id: UUID
        note: SealedText | None

    class NeedWithdrawn(EbbFlowAggregate.Event):
        need_id: UUID
        note: SealedText | None

    class MomentShared(EbbFlowAggregate.Event):
        entry_id: UUID
        occurred_at: datetime
        kind: MomentKind
        text: SealedText
        visibility: Visibility

    class CheckedIn(EbbFlowAggregate.Event):
        entry_id: UUID
        week: str
        felt_supported: int
        note: SealedText | None

    class EntryAmended(EbbFlowAggregate.Event):
        entry_id: UUID
        changes: dict[str, Any]
        reason: SealedText

    class EntryRetracted(EbbFlowAggregate.Event):
        entry_id: UUID
        reason: SealedText

    class ShareRequested(EbbFlowAggregate.Event):
        share_id: UUID
        label: SealedText
        scope_from: datetime | None
        scope_to: datetime | None
        sections: list[str]
        include_private: bool
        expires_at: datetime

    class ShareApproved(EbbFlowAggregate.Event):
        """v2 dropped the sealed `url`: a share's link is never kept in an event, only
        its token's hash (the partners' share list derives the link again)."""

        class_version = 2
        share_id: UUID
        include_private: bool
        token_hash: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.pop("url", None)

    class ShareRevoked(EbbFlowAggregate.Event):
        """v2 added `reason`: revoked by a partner, or because a partner left."""

        class_version = 2
        share_id: UUID
        reason: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reason"] = REVOKED_BY_PARTNER

    class ExportTaken(EbbFlowAggregate.Event):
        format: str
        scope: dict[str, Any]
        include_private: bool

    class Paused(EbbFlowAggregate.Event):
        pass

    class Resumed(EbbFlowAggregate.Event):
        pass

    class PartnerLeft(EbbFlowAggregate.Event):
        forget_me: bool

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls, *, ledger_id: UUID, actor: UUID, name: SealedText, timezone: str,
        display_name: SealedText, invite_hash: str, invite_expires_at: datetime, now: datetime,
    ) -> Ledger:
        week_of(now, timezone)  # refuses an unknown zone before anything is recorded
        return cls._create(
            cls.Opened, id=ledger_id, timestamp=now, actor=actor, name=name,
            timezone=timezone, display_name=display_name, invite_hash=invite_hash,
            invite_expires_at=invite_expires_at, originally_recorded_at=IMPORTING.get(),
        )

    @event(Opened)
    def __init__(
        self, *, actor: UUID, name: SealedText, timezone: str, display_name: SealedText,
        invite_hash: str, invite_expires_at: datetime, originally_recorded_at: datetime | None,
    ) -> None:
        self.name = name
        self.timezone = timezone
        self.partners: list[str] = [actor.hex]
        self.display_names: dict[str, SealedText] = {actor.hex: display_name}
        self.placeholders: list[str] = []
        self.departed: list[str] = []
        self.invite_hash: str | None = invite_hash
        self.invite_expires_at: datetime | None = invite_expires_at
        self.paused_by: str | None = None
        self.entries: dict[str, list[Any]] = {}
        self.check_ins: dict[str, int] = {}
        # share id -> [requester index, approved, revoked, expires (epoch s), sections,
        #             from, to, indices of partners whose private entries it holds]
        self.shares: dict[str, list[Any]] = {}
        self.opened_at: datetime | None = originally_recorded_at  # an imported ledger's start

    # ------------------------------------------------------------ partnership

    def issue_invite(self, actor: UUID, invite_hash: str, expires_at: datetime,
                     now: datetime) -> None:
        self.check_is_partner(actor)
        self.check_not_paused()
        self.check_has_room()
        self._invite_issued(timestamp=now, actor=actor, invite_hash=invite_hash,
                            invite_expires_at=expires_at)

    @event(InviteIssued)
    def _invite_issued(self, *, timestamp: datetime, actor: UUID, invite_hash: str,
                       invite_expires_at: datetime) -> None:
        self.invite_hash = invite_hash
        self.invite_expires_at = invite_expires_at

    def revoke_invite(self, actor: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        self.check_not_paused()
        if self.invite_hash is not None:  # revoking no invite changes nothing
            self._invite_revoked(timestamp=now, actor=actor)

    @event(InviteRevoked)
    def _invite_revoked(self, *, timestamp: datetime, actor: UUID) -> None:
        self.invite_hash = None
        self.invite_expires_at = None

    def join(self, actor: UUID, display_name: SealedText, invite_hash: str, now: datetime) -> None:
        """Takes the second place, or an imported ledger's placeholder partner's."""
        self.check_invite(invite_hash, now)
        self.check_can_join(actor)
        if self.placeholders:
            self._partner_claimed(timestamp=now, actor=actor,
                                  placeholder_id=UUID(self.placeholders[0]),
                                  partner_id=actor, display_name=display_name)
        else:
            self._partner_joined(timestamp=now, actor=actor, partner_id=actor,
                                 display_name=display_name, placeholder=False)

    def add_placeholder(self, actor: UUID, placeholder_id: UUID, display_name: SealedText,
                        now: datetime) -> None:
        """An imported ledger's other partner: an id without credentials, claimable."""
        self.check_is_partner(actor)
        self.check_has_free_place()
        self._partner_joined(timestamp=now, actor=actor, partner_id=placeholder_id,
                             display_name=display_name, placeholder=True)

    @event(PartnerJoined)
    def _partner_joined(self, *, timestamp: datetime, actor: UUID, partner_id: UUID,
                        display_name: SealedText, placeholder: bool) -> None:
        self.partners.append(partner_id.hex)
        self.display_names[partner_id.hex] = display_name
        if placeholder:
            self.placeholders.append(partner_id.hex)
        else:
            self.invite_hash = None
            self.invite_expires_at = None

    @event(PartnerClaimed)
    def _partner_claimed(self, *, timestamp: datetime, actor: UUID, placeholder_id: UUID,
                         partner_id: UUID, display_name: SealedText) -> None:
        index = self.partners.index(placeholder_id.hex)
        self.partners[index] = partner_id.hex
        self.placeholders.remove(placeholder_id.hex)
        self.display_names.pop(placeholder_id.hex, None)
        self.display_names[partner_id.hex] = display_name
        self.invite_hash = None
        self.invite_expires_at = None

    def pause(self, actor: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        if self.paused_by is not None:
            raise Conflict("the ledger is already paused")
        self._paused(timestamp=now, actor=actor)

    @event(Paused)
    def _paused(self, *, timestamp: datetime, actor: UUID) -> None:
        self.paused_by = actor.hex

    def resume(self, actor: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        if self.paused_by is None:
            raise Conflict("the ledger is not paused")
        if self.paused_by != actor.hex:
            raise NotAllowed("only the partner who paused the ledger can resume it")
        self._resumed(timestamp=now, actor=actor)

    @event(Resumed)
    def _resumed(self, *, timestamp: datetime, actor: UUID) -> None:
        self.paused_by = None

    def leave(self, actor: UUID, forget_me: bool, now: datetime) -> None:
        """Every share still pending or active ends with the partnership: whoever
        leaves has seen the counsellor links, and must not read on through them."""
        self.check_is_partner(actor)
        for share_id, share in list(self.shares.items()):
            if Share.is_live(share, now.timestamp()):
                self._share_revoked(timestamp=now, actor=actor, share_id=UUID(share_id),
                                    reason=REVOKED_BY_DEPARTURE)
        self._partner_left(timestamp=now, actor=actor, forget_me=forget_me)

    @event(PartnerLeft)
    def _partner_left(self, *, timestamp: datetime, actor: UUID, forget_me: bool) -> None:
        self.departed.append(actor.hex)
        if self.paused_by == actor.hex:
            self.paused_by = None

    # ---------------------------------------------------------------- entries

    def express_need(
        self, actor: UUID, *, entry_id: UUID, occurred_at: datetime, need: SealedText,
        feeling: SealedText | None, situation: SealedText | None, support_type: SupportType,
        intensity: int, recurring: bool, visibility: Visibility, now: datetime,
    ) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        check_occurred_at(occurred_at, now)
        self.check_intensity(intensity)
        self._need_expressed(
            timestamp=now, actor=actor, entry_id=entry_id, occurred_at=occurred_at, need=need,
            feeling=feeling, situation=situation, support_type=support_type,
            intensity=intensity, recurring=recurring, visibility=visibility,
        )

    @event(NeedExpressed)
    def _need_expressed(
        self, *, timestamp: datetime, actor: UUID, entry_id: UUID, occurred_at: datetime,
        need: SealedText, feeling: SealedText | None, situation: SealedText | None,
        support_type: SupportType, intensity: int, recurring: bool, visibility: Visibility,
    ) -> None:
        flags = Flag.of(shared=visibility is Visibility.SHARED, recurring=recurring)
        self.entries[entry_id.hex] = Entry.new(
            EntryKind.NEED, self.partners.index(actor.hex), flags, int(occurred_at.timestamp())
        )

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
        self._care_offered(
            timestamp=now, actor=actor, entry_id=entry_id, occurred_at=occurred_at, to=receiver,
            description=description, support_type=support_type, in_response_to=in_response_to,
            quiet=quiet, visibility=visibility,
        )
        return receiver

    @event(CareOffered)
    def _care_offered(
        self, *, timestamp: datetime, actor: UUID, entry_id: UUID, occurred_at: datetime,
        to: UUID, description: SealedText, support_type: SupportType,
        in_response_to: UUID | None, quiet: bool, visibility: Visibility,
    ) -> None:
        flags = Flag.of(shared=visibility is Visibility.SHARED, quiet=quiet)
        when = int(occurred_at.timestamp())
        link = in_response_to.hex if in_response_to else None
        self.entries[entry_id.hex] = Entry.new(
            EntryKind.CARE, self.partners.index(actor.hex), flags, when, link
        )
        if in_response_to is not None:
            need = self.entries[in_response_to.hex]
            first = Entry.link(need)
            if first is None or when < first:
                Entry.set_link(need, when)

    def acknowledge_care(
        self, actor: UUID, *, entry_id: UUID, care_id: UUID, adequacy: Adequacy,
        note: SealedText | None, now: datetime,
    ) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        self.check_can_acknowledge(actor, care_id)
        self._care_acknowledged(timestamp=now, actor=actor, entry_id=entry_id, care_id=care_id,
                                adequacy=adequacy, note=note)

    @event(CareAcknowledged)
    def _care_acknowledged(self, *, timestamp: datetime, actor: UUID, entry_id: UUID,
                           care_id: UUID, adequacy: Adequacy, note: SealedText | None) -> None:
        self.entries[entry_id.hex] = Entry.new(
            EntryKind.ACKNOWLEDGEMENT, self.partners.index(actor.hex), Flag.SHARED,
            int(timestamp.timestamp()), care_id.hex,
        )
        Entry.add_flag(self.entries[care_id.hex], Flag.ACKNOWLEDGED)

    def resolve_need(self, actor: UUID, *, need_id: UUID, outcome: Outcome,
                     note: SealedText | None, now: datetime) -> None:
        self.check_can_write(actor)
        need = self.visible_entry(actor, need_id, EntryKind.NEED)
        self.check_is_author(actor, need, "only the partner who expressed a need can resolve it")
        if Entry.flags(need) & (Flag.MET | Flag.WITHDRAWN):
            raise Conflict("this need is already resolved")
        resolve = self._need_met if outcome is Outcome.MET else self._need_withdrawn
        resolve(timestamp=now, actor=actor, need_id=need_id, note=note)

    @event(NeedMet)
    def _need_met(self, *, timestamp: datetime, actor: UUID, need_id: UUID,
                  note: SealedText | None) -> None:
        Entry.add_flag(self.entries[need_id.hex], Flag.MET)

    @event(NeedWithdrawn)
    def _need_withdrawn(self, *, timestamp: datetime, actor: UUID, need_id: UUID,
                        note: SealedText | None) -> None:
        Entry.add_flag(self.entries[need_id.hex], Flag.WITHDRAWN)

    def share_moment(self, actor: UUID, *, entry_id: UUID, occurred_at: datetime,
                     kind: MomentKind, text: SealedText, visibility: Visibility,
                     now: datetime) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        check_occurred_at(occurred_at, now)
        self._moment_shared(timestamp=now, actor=actor, entry_id=entry_id,
                            occurred_at=occurred_at, kind=kind, text=text, visibility=visibility)

    @event(MomentShared)
    def _moment_shared(self, *, timestamp: datetime, actor: UUID, entry_id: UUID,
                       occurred_at: datetime, kind: MomentKind, text: SealedText,
                       visibility: Visibility) -> None:
        flags = Flag.of(shared=visibility is Visibility.SHARED)
        self.entries[entry_id.hex] = Entry.new(
            EntryKind.MOMENT, self.partners.index(actor.hex), flags, int(occurred_at.timestamp())
        )

    def check_in(self, actor: UUID, *, entry_id: UUID, week: str, felt_supported: int,
                 note: SealedText | None, now: datetime) -> None:
        self.check_can_write(actor)
        self.check_new_entry(entry_id)
        self.check_week_allowed(week, now)
        self.check_felt_supported(felt_supported)
        if self.check_ins.get(week, 0) & (1 << self.partners.index(actor.hex)):
            raise Conflict(f"you already checked in for {week}")
        self._checked_in(timestamp=now, actor=actor, entry_id=entry_id, week=week,
                         felt_supported=felt_supported, note=note)

    @event(CheckedIn)
    def _checked_in(self, *, timestamp: datetime, actor: UUID, entry_id: UUID, week: str,
                    felt_supported: int, note: SealedText | None) -> None:
        author = self.partners.index(actor.hex)
        when = int(week_start(week, self.timezone).timestamp())
        self.entries[entry_id.hex] = Entry.new(EntryKind.CHECK_IN, author, Flag.SHARED, when, week)
        self.check_ins[week] = self.check_ins.get(week, 0) | (1 << author)

    # ------------------------------------------------------ amend and retract

    def amend_entry(self, actor: UUID, *, entry_id: UUID, changes: dict[str, Any],
                    reason: SealedText, now: datetime) -> None:
        self.check_can_write(actor)
        entry = self.visible_entry(actor, entry_id, include_retracted=True)
        self.check_is_author(actor, entry, "only the author of an entry can amend it")
        if Entry.flags(entry) & Flag.RETRACTED:
            raise Conflict("a retracted entry cannot be amended")
        self.check_changes(entry, changes, now)
        self._entry_amended(timestamp=now, actor=actor, entry_id=entry_id, changes=changes,
                            reason=reason)

    @event(EntryAmended)
    def _entry_amended(self, *, timestamp: datetime, actor: UUID, entry_id: UUID,
                       changes: dict[str, Any], reason: SealedText) -> None:
        entry = self.entries[entry_id.hex]
        if changes.get("visibility") is Visibility.SHARED:
            Entry.add_flag(entry, Flag.SHARED)
        if "recurring" in changes:
            Entry.set_flag(entry, Flag.RECURRING, bool(changes["recurring"]))
        if "occurred_at" in changes:
            Entry.set_when(entry, int(changes["occurred_at"].timestamp()))

    def retract_entry(self, actor: UUID, *, entry_id: UUID, reason: SealedText,
                      now: datetime) -> None:
        self.check_can_write(actor)
        entry = self.visible_entry(actor, entry_id, include_retracted=True)
        self.check_is_author(actor, entry, "only the author of an entry can retract it")
        if Entry.flags(entry) & Flag.RETRACTED:
            raise Conflict("this entry is already retracted")
        self._entry_retracted(timestamp=now, actor=actor, entry_id=entry_id, reason=reason)

    @event(EntryRetracted)
    def _entry_retracted(self, *, timestamp: datetime, actor: UUID, entry_id: UUID,
                         reason: SealedText) -> None:
        entry = self.entries[entry_id.hex]
        Entry.add_flag(entry, Flag.RETRACTED)
        kind = Entry.kind(entry)
        if kind is EntryKind.ACKNOWLEDGEMENT:
            Entry.clear_flag(self.entries[Entry.link(entry)], Flag.ACKNOWLEDGED)
        elif kind is EntryKind.CHECK_IN:
            self.check_ins[Entry.link(entry)] &= ~(1 << Entry.author(entry))

    # ----------------------------------------------------- sharing and export

    def request_share(self, actor: UUID, *, share_id: UUID, label: SealedText,
                      scope_from: datetime | None, scope_to: datetime | None,
                      sections: list[str], include_private: bool, expires_at: datetime,
                      now: datetime) -> None:
        self.check_can_write(actor)
        self.check_other_partner(actor)
        self.check_share_scope(share_id, scope_from, scope_to, sections, expires_at, now)
        self._share_requested(timestamp=now, actor=actor, share_id=share_id, label=label,
                              scope_from=scope_from, scope_to=scope_to, sections=sections,
                              include_private=include_private, expires_at=expires_at)

    @event(ShareRequested)
    def _share_requested(self, *, timestamp: datetime, actor: UUID, share_id: UUID,
                         label: SealedText, scope_from: datetime | None,
                         scope_to: datetime | None, sections: list[str],
                         include_private: bool, expires_at: datetime) -> None:
        requester = self.partners.index(actor.hex)
        self.shares[share_id.hex] = Share.new(
            requester, int(expires_at.timestamp()), list(sections),
            scope_from.isoformat() if scope_from else None,
            scope_to.isoformat() if scope_to else None,
            [requester] if include_private else [])

    def approve_share(self, actor: UUID, *, share_id: UUID, include_private: bool,
                      token_hash: str, now: datetime) -> None:
        self.check_can_write(actor)
        share = self.pending_share(actor, share_id, now)
        if Share.requester(share) == self.partners.index(actor.hex):
            raise NotAllowed("the other partner approves a share, not the one who asked")
        self._share_approved(timestamp=now, actor=actor, share_id=share_id,
                             include_private=include_private, token_hash=token_hash)

    @event(ShareApproved)
    def _share_approved(self, *, timestamp: datetime, actor: UUID, share_id: UUID,
                        include_private: bool, token_hash: str) -> None:
        Share.approve(self.shares[share_id.hex],
                      self.partners.index(actor.hex) if include_private else None)

    def revoke_share(self, actor: UUID, *, share_id: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        share = self.known_share(share_id)
        if Share.revoked(share):
            raise Conflict("this share is already revoked")
        self._share_revoked(timestamp=now, actor=actor, share_id=share_id,
                            reason=REVOKED_BY_PARTNER)

    @event(ShareRevoked)
    def _share_revoked(self, *, timestamp: datetime, actor: UUID, share_id: UUID,
                       reason: str) -> None:
        Share.revoke(self.shares[share_id.hex])

    def record_export(self, actor: UUID, *, format: str, scope: dict[str, Any],
                      include_private: bool, now: datetime) -> None:
        self.check_is_partner(actor)
        self._export_taken(timestamp=now, actor=actor, format=format, scope=scope,
                           include_private=include_private)

    @event(ExportTaken)
    def _export_taken(self, *, timestamp: datetime, actor: UUID, format: str,
                      scope: dict[str, Any], include_private: bool) -> None:
        pass

    def check_can_write(self, actor: UUID) -> None:
        self.check_is_partner(actor)
        if self.paused_by is not None:
            raise Conflict(ONLY_WHILE_PAUSED)

    def check_not_paused(self) -> None:
        if self.paused_by is not None:
            raise Conflict(ONLY_WHILE_PAUSED)

    def check_changes(self, entry: list[Any], changes: dict[str, Any], now: datetime) -> None:
        kind = Entry.kind(entry)
        if not changes:
            raise Invalid.field("changes", "name at least one field to change")
        for name, value in changes.items():
            if name in NEVER_AMENDABLE:
                raise Invalid.field(name, "cannot be amended")
            if name not in AMENDABLE[kind]:
                raise Invalid.field(name, f"is not a field of this {kind.name.lower()} entry")
            if value is None and name in REQUIRED_TEXT | {"support_type", "intensity",
                                                           "recurring", "occurred_at",
                                                           "visibility", "adequacy",
                                                           "felt_supported"}:
                raise Invalid.field(name, "cannot be removed")
            check_amended_type(name, value)
        self.check_amended_values(entry, changes, now)
