"""The partnership: opening a ledger, inviting and joining (or claiming an imported
ledger's placeholder partner), pausing, resuming and leaving."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.domain.aggregate import IMPORTING, EbbFlowAggregate, LedgerEvent
from ledger.domain.entries import Share
from ledger.domain.exceptions import Conflict, NotAllowed
from ledger.domain.guards import LedgerGuards
from ledger.domain.values import SealedText
from ledger.domain.weeks import week_of

if TYPE_CHECKING:
    from ledger.domain.ledger import Ledger

REVOKED_BY_PARTNER = "revoked"
REVOKED_BY_DEPARTURE = "partner_left"


class Partnership(LedgerGuards):
    class Opened(LedgerEvent, EbbFlowAggregate.Created):
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

        def apply(self, ledger: Ledger) -> None:
            ledger.name = self.name
            ledger.timezone = self.timezone
            ledger.partners = [self.actor.hex]
            ledger.display_names = {self.actor.hex: self.display_name}
            ledger.placeholders = []
            ledger.departed = []
            ledger.invite_hash = self.invite_hash
            ledger.invite_expires_at = self.invite_expires_at
            ledger.paused_by = None
            ledger.entries = {}
            ledger.check_ins = {}
            ledger.shares = {}
            ledger.opened_at = self.originally_recorded_at  # an imported ledger's start

    @classmethod
    def open(cls, *, ledger_id: UUID, actor: UUID, name: SealedText, timezone: str,
             display_name: SealedText, invite_hash: str, invite_expires_at: datetime,
             now: datetime) -> Ledger:
        week_of(now, timezone)  # refuses an unknown zone before anything is recorded
        ledger: Ledger = cls._create(  # type: ignore[attr-defined]
            cls.Opened, id=ledger_id, timestamp=now, actor=actor, name=name,
            timezone=timezone, display_name=display_name, invite_hash=invite_hash,
            invite_expires_at=invite_expires_at, originally_recorded_at=IMPORTING.get())
        return ledger

    class InviteIssued(LedgerEvent):
        invite_hash: str
        invite_expires_at: datetime

        def apply(self, ledger: Ledger) -> None:
            ledger.invite_hash = self.invite_hash
            ledger.invite_expires_at = self.invite_expires_at

    def issue_invite(self, actor: UUID, invite_hash: str, expires_at: datetime,
                     now: datetime) -> None:
        self.check_is_partner(actor)
        self.check_not_paused()
        self.check_has_room()
        self.trigger_event(self.InviteIssued, timestamp=now, actor=actor,
                           invite_hash=invite_hash, invite_expires_at=expires_at)

    class InviteRevoked(LedgerEvent):
        def apply(self, ledger: Ledger) -> None:
            ledger.invite_hash = None
            ledger.invite_expires_at = None

    def revoke_invite(self, actor: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        self.check_not_paused()
        if self.invite_hash is not None:  # revoking no invite changes nothing
            self.trigger_event(self.InviteRevoked, timestamp=now, actor=actor)

    class PartnerJoined(LedgerEvent):
        partner_id: UUID
        display_name: SealedText
        placeholder: bool

        def apply(self, ledger: Ledger) -> None:
            ledger.partners.append(self.partner_id.hex)
            ledger.display_names[self.partner_id.hex] = self.display_name
            if self.placeholder:
                ledger.placeholders.append(self.partner_id.hex)
            else:
                ledger.invite_hash = None
                ledger.invite_expires_at = None

    class PartnerClaimed(LedgerEvent):
        placeholder_id: UUID
        partner_id: UUID
        display_name: SealedText

        def apply(self, ledger: Ledger) -> None:
            ledger.partners[ledger.partners.index(self.placeholder_id.hex)] = self.partner_id.hex
            ledger.placeholders.remove(self.placeholder_id.hex)
            ledger.display_names.pop(self.placeholder_id.hex, None)
            ledger.display_names[self.partner_id.hex] = self.display_name
            ledger.invite_hash = None
            ledger.invite_expires_at = None

    def join(self, actor: UUID, display_name: SealedText, invite_hash: str, now: datetime) -> None:
        """Takes the second place, or an imported ledger's placeholder partner's."""
        self.check_invite(invite_hash, now)
        self.check_can_join(actor)
        if self.placeholders:
            self.trigger_event(self.PartnerClaimed, timestamp=now, actor=actor,
                               placeholder_id=UUID(self.placeholders[0]), partner_id=actor,
                               display_name=display_name)
        else:
            self.trigger_event(self.PartnerJoined, timestamp=now, actor=actor,
                               partner_id=actor, display_name=display_name, placeholder=False)

    def add_placeholder(self, actor: UUID, placeholder_id: UUID, display_name: SealedText,
                        now: datetime) -> None:
        """An imported ledger's other partner: an id without credentials, claimable."""
        self.check_is_partner(actor)
        self.check_has_free_place()
        self.trigger_event(self.PartnerJoined, timestamp=now, actor=actor,
                           partner_id=placeholder_id, display_name=display_name,
                           placeholder=True)

    class Paused(LedgerEvent):
        def apply(self, ledger: Ledger) -> None:
            ledger.paused_by = self.actor.hex

    def pause(self, actor: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        if self.paused_by is not None:
            raise Conflict("the ledger is already paused")
        self.trigger_event(self.Paused, timestamp=now, actor=actor)

    class Resumed(LedgerEvent):
        def apply(self, ledger: Ledger) -> None:
            ledger.paused_by = None

    def resume(self, actor: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        if self.paused_by is None:
            raise Conflict("the ledger is not paused")
        if self.paused_by != actor.hex:
            raise NotAllowed("only the partner who paused the ledger can resume it")
        self.trigger_event(self.Resumed, timestamp=now, actor=actor)

    class PartnerLeft(LedgerEvent):
        forget_me: bool

        def apply(self, ledger: Ledger) -> None:
            ledger.departed.append(self.actor.hex)
            if ledger.paused_by == self.actor.hex:
                ledger.paused_by = None

    def leave(self, actor: UUID, forget_me: bool, now: datetime) -> None:
        """Every share still pending or active ends with the partnership: whoever
        leaves has seen the counsellor links, and must not read on through them."""
        self.check_is_partner(actor)
        for share_id, share in list(self.shares.items()):
            if Share.is_live(share, now.timestamp()):
                self.end_share(actor, UUID(share_id), REVOKED_BY_DEPARTURE, now)
        self.trigger_event(self.PartnerLeft, timestamp=now, actor=actor, forget_me=forget_me)

    if TYPE_CHECKING:
        def end_share(self, actor: UUID, share_id: UUID, reason: str, now: datetime) -> None:
            """Declared with the share's events, in consent.py."""
