"""Consent: a counsellor share asked for by one partner and approved by the other
(each deciding for their own private entries), revoked by either or by a partner
leaving; and the record of every export a partner takes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.domain.aggregate import LedgerEvent
from ledger.domain.entries import Share
from ledger.domain.exceptions import Conflict, NotAllowed
from ledger.domain.guards import LedgerGuards
from ledger.domain.partnership import REVOKED_BY_PARTNER
from ledger.domain.values import SealedText

if TYPE_CHECKING:
    from ledger.domain.ledger import Ledger


class Consent(LedgerGuards):
    class ShareRequested(LedgerEvent):
        share_id: UUID
        label: SealedText
        scope_from: datetime | None
        scope_to: datetime | None
        sections: list[str]
        include_private: bool
        expires_at: datetime

        def apply(self, ledger: Ledger) -> None:
            requester = ledger.partners.index(self.actor.hex)
            ledger.shares[self.share_id.hex] = Share.new(
                requester, int(self.expires_at.timestamp()), list(self.sections),
                self.scope_from.isoformat() if self.scope_from else None,
                self.scope_to.isoformat() if self.scope_to else None,
                [requester] if self.include_private else [])

    def request_share(self, actor: UUID, *, share_id: UUID, label: SealedText,
                      scope_from: datetime | None, scope_to: datetime | None,
                      sections: list[str], include_private: bool, expires_at: datetime,
                      now: datetime) -> None:
        self.check_can_write(actor)
        self.check_other_partner(actor)
        self.check_share_scope(share_id, scope_from, scope_to, sections, expires_at, now)
        self.trigger_event(self.ShareRequested, timestamp=now, actor=actor, share_id=share_id,
                           label=label, scope_from=scope_from, scope_to=scope_to,
                           sections=sections, include_private=include_private,
                           expires_at=expires_at)

    class ShareApproved(LedgerEvent):
        """v2 dropped the sealed `url`: a share's link is never kept in an event, only
        its token's hash (the partners' share list derives the link again)."""

        class_version = 2
        share_id: UUID
        include_private: bool
        token_hash: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.pop("url", None)

        def apply(self, ledger: Ledger) -> None:
            Share.approve(ledger.shares[self.share_id.hex],
                          ledger.partners.index(self.actor.hex) if self.include_private
                          else None)

    def approve_share(self, actor: UUID, *, share_id: UUID, include_private: bool,
                      token_hash: str, now: datetime) -> None:
        self.check_can_write(actor)
        share = self.pending_share(actor, share_id, now)
        if Share.requester(share) == self.partners.index(actor.hex):
            raise NotAllowed("the other partner approves a share, not the one who asked")
        self.trigger_event(self.ShareApproved, timestamp=now, actor=actor, share_id=share_id,
                           include_private=include_private, token_hash=token_hash)

    class ShareRevoked(LedgerEvent):
        """v2 added `reason`: revoked by a partner, or because a partner left."""

        class_version = 2
        share_id: UUID
        reason: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["reason"] = REVOKED_BY_PARTNER

        def apply(self, ledger: Ledger) -> None:
            Share.revoke(ledger.shares[self.share_id.hex])

    def revoke_share(self, actor: UUID, *, share_id: UUID, now: datetime) -> None:
        self.check_is_partner(actor)
        if Share.revoked(self.known_share(share_id)):
            raise Conflict("this share is already revoked")
        self.end_share(actor, share_id, REVOKED_BY_PARTNER, now)

    def end_share(self, actor: UUID, share_id: UUID, reason: str, now: datetime) -> None:
        self.trigger_event(self.ShareRevoked, timestamp=now, actor=actor, share_id=share_id,
                           reason=reason)

    class ExportTaken(LedgerEvent):
        format: str
        scope: dict[str, Any]
        include_private: bool

    def record_export(self, actor: UUID, *, format: str, scope: dict[str, Any],
                      include_private: bool, now: datetime) -> None:
        self.check_is_partner(actor)
        self.trigger_event(self.ExportTaken, timestamp=now, actor=actor, format=format,
                           scope=scope, include_private=include_private)
