"""Index aggregates: each finds something by a keyed hash of what it indexes (an
email, an invite code, a share token), so its id reveals nothing, and two racing
claims collide on its version. They share one shape: `id_for(digest)` from their
`KIND`, a created event naming what they point to, and nothing else."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID, uuid5

from ledger.domain.aggregate import EbbFlowAggregate
from ledger.domain.exceptions import Conflict

INDEX_NAMESPACE = UUID("8b0f3c1e-5d7a-4b7e-9a51-3c0e7f0f2a61")


class Index(EbbFlowAggregate):
    KIND: ClassVar[str]

    @classmethod
    def id_for(cls, digest: str) -> UUID:
        return uuid5(INDEX_NAMESPACE, f"{cls.KIND}:{digest}")


class EmailIndex(Index):
    """Which account holds an email; released on deletion, claimable again."""

    KIND = "email"

    class Registered(EbbFlowAggregate.Created):
        account_id: UUID

        def apply(self, index: EmailIndex) -> None:
            index.account_id = self.account_id

    class Claimed(EbbFlowAggregate.Event):
        account_id: UUID

        def apply(self, index: EmailIndex) -> None:
            index.account_id = self.account_id

    class Released(EbbFlowAggregate.Event):
        def apply(self, index: EmailIndex) -> None:
            index.account_id = None

    account_id: UUID | None

    def __init__(self) -> None:
        """The state is set by `Registered.apply`."""

    @classmethod
    def register(cls, digest: str, account_id: UUID, now: datetime) -> EmailIndex:
        index: EmailIndex = cls._create(cls.Registered, id=cls.id_for(digest), timestamp=now,
                                        actor=account_id, account_id=account_id,
                                        originally_recorded_at=None)
        return index

    def claim(self, account_id: UUID, now: datetime) -> None:
        if self.account_id is not None:
            raise Conflict("an account with this email already exists")
        self.trigger_event(self.Claimed, timestamp=now, actor=account_id, account_id=account_id)

    def release(self, account_id: UUID, now: datetime) -> None:
        if self.account_id == account_id:
            self.trigger_event(self.Released, timestamp=now, actor=account_id)


class InviteIndex(Index):
    """Finds the ledger an invite code was issued for (the ledger checks the rest)."""

    KIND = "invite"

    class Issued(EbbFlowAggregate.Created):
        ledger_id: UUID

        def apply(self, index: InviteIndex) -> None:
            index.ledger_id = self.ledger_id

    ledger_id: UUID

    def __init__(self) -> None:
        """The state is set by `Issued.apply`."""

    @classmethod
    def issue(cls, digest: str, ledger_id: UUID, actor: UUID, now: datetime) -> InviteIndex:
        index: InviteIndex = cls._create(cls.Issued, id=cls.id_for(digest), timestamp=now,
                                         actor=actor, ledger_id=ledger_id,
                                         originally_recorded_at=None)
        return index


class ShareIndex(Index):
    """Finds the ledger and share a counsellor's token opens (the ledger checks the
    share is active)."""

    KIND = "share"

    class Issued(EbbFlowAggregate.Created):
        ledger_id: UUID
        share_id: UUID

        def apply(self, index: ShareIndex) -> None:
            index.ledger_id, index.share_id = self.ledger_id, self.share_id

    ledger_id: UUID
    share_id: UUID

    def __init__(self) -> None:
        """The state is set by `Issued.apply`."""

    @classmethod
    def issue(cls, digest: str, ledger_id: UUID, share_id: UUID, actor: UUID,
              now: datetime) -> ShareIndex:
        index: ShareIndex = cls._create(cls.Issued, id=cls.id_for(digest), timestamp=now,
                                        actor=actor, ledger_id=ledger_id, share_id=share_id,
                                        originally_recorded_at=None)
        return index
