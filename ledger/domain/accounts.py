"""Accounts, and the index aggregates that make emails unique and codes findable.

An index aggregate's id is derived from a keyed hash of what it indexes, so the
id reveals nothing, and two racing sign-ups for one email collide on the index's
version: the second save fails as a whole, account included.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import event

from ledger.domain.aggregate import EbbFlowAggregate
from ledger.domain.exceptions import Conflict, NotFound
from ledger.domain.values import SealedText

INDEX_NAMESPACE = UUID("8b0f3c1e-5d7a-4b7e-9a51-3c0e7f0f2a61")


class Account(EbbFlowAggregate):
    class Registered(EbbFlowAggregate.Created):
        email: SealedText
        display_name: SealedText
        password_hash: SealedText

    class DisplayNameChanged(EbbFlowAggregate.Event):
        display_name: SealedText

    class PasswordChanged(EbbFlowAggregate.Event):
        password_hash: SealedText

    class LedgerAdded(EbbFlowAggregate.Event):
        ledger_id: UUID

    class LedgerRemoved(EbbFlowAggregate.Event):
        ledger_id: UUID

    class Deleted(EbbFlowAggregate.Event):
        pass

    @classmethod
    def register(cls, *, account_id: UUID, email: SealedText, display_name: SealedText,
                 password_hash: SealedText, now: datetime) -> Account:
        return cls._create(cls.Registered, id=account_id, timestamp=now, actor=account_id,
                           email=email, display_name=display_name,
                           password_hash=password_hash, originally_recorded_at=None)

    @event(Registered)
    def __init__(self, *, actor: UUID, email: SealedText, display_name: SealedText,
                 password_hash: SealedText, originally_recorded_at: datetime | None) -> None:
        self.email = email
        self.display_name = display_name
        self.password_hash = password_hash
        self.ledgers: list[str] = []
        self.deleted = False

    def check_exists(self) -> None:
        if self.deleted:
            raise NotFound("account not found")

    def change_display_name(self, display_name: SealedText, now: datetime) -> None:
        self.check_exists()
        self._display_name_changed(timestamp=now, actor=self.id, display_name=display_name)

    @event(DisplayNameChanged)
    def _display_name_changed(self, *, timestamp: datetime, actor: UUID,
                              display_name: SealedText) -> None:
        self.display_name = display_name

    def change_password(self, password_hash: SealedText, now: datetime) -> None:
        self.check_exists()
        self._password_changed(timestamp=now, actor=self.id, password_hash=password_hash)

    @event(PasswordChanged)
    def _password_changed(self, *, timestamp: datetime, actor: UUID,
                          password_hash: SealedText) -> None:
        self.password_hash = password_hash

    def add_ledger(self, ledger_id: UUID, now: datetime) -> None:
        self.check_exists()
        if ledger_id.hex not in self.ledgers:
            self._ledger_added(timestamp=now, actor=self.id, ledger_id=ledger_id)

    @event(LedgerAdded)
    def _ledger_added(self, *, timestamp: datetime, actor: UUID, ledger_id: UUID) -> None:
        self.ledgers.append(ledger_id.hex)

    def remove_ledger(self, ledger_id: UUID, now: datetime) -> None:
        if ledger_id.hex in self.ledgers:
            self._ledger_removed(timestamp=now, actor=self.id, ledger_id=ledger_id)

    @event(LedgerRemoved)
    def _ledger_removed(self, *, timestamp: datetime, actor: UUID, ledger_id: UUID) -> None:
        self.ledgers.remove(ledger_id.hex)

    def delete(self, now: datetime) -> None:
        self.check_exists()
        self._deleted(timestamp=now, actor=self.id)

    @event(Deleted)
    def _deleted(self, *, timestamp: datetime, actor: UUID) -> None:
        self.deleted = True


class EmailIndex(EbbFlowAggregate):
    """Which account holds an email (by keyed hash); released on deletion."""

    class Registered(EbbFlowAggregate.Created):
        account_id: UUID

    class Claimed(EbbFlowAggregate.Event):
        account_id: UUID

    class Released(EbbFlowAggregate.Event):
        pass

    @staticmethod
    def id_for(email_digest: str) -> UUID:
        return uuid5(INDEX_NAMESPACE, f"email:{email_digest}")

    @classmethod
    def register(cls, email_digest: str, account_id: UUID, now: datetime) -> EmailIndex:
        return cls._create(cls.Registered, id=cls.id_for(email_digest), timestamp=now,
                           actor=account_id, account_id=account_id, originally_recorded_at=None)

    @event(Registered)
    def __init__(self, *, actor: UUID, account_id: UUID,
                 originally_recorded_at: datetime | None) -> None:
        self.account_id: UUID | None = account_id

    def claim(self, account_id: UUID, now: datetime) -> None:
        if self.account_id is not None:
            raise Conflict("an account with this email already exists")
        self._claimed(timestamp=now, actor=account_id, account_id=account_id)

    @event(Claimed)
    def _claimed(self, *, timestamp: datetime, actor: UUID, account_id: UUID) -> None:
        self.account_id = account_id

    def release(self, account_id: UUID, now: datetime) -> None:
        if self.account_id == account_id:
            self._released(timestamp=now, actor=account_id)

    @event(Released)
    def _released(self, *, timestamp: datetime, actor: UUID) -> None:
        self.account_id = None


class InviteIndex(EbbFlowAggregate):
    """Finds the ledger an invite code was issued for (the ledger checks the rest)."""

    class Issued(EbbFlowAggregate.Created):
        ledger_id: UUID

    @staticmethod
    def id_for(code_digest: str) -> UUID:
        return uuid5(INDEX_NAMESPACE, f"invite:{code_digest}")

    @classmethod
    def issue(cls, code_digest: str, ledger_id: UUID, actor: UUID, now: datetime) -> InviteIndex:
        return cls._create(cls.Issued, id=cls.id_for(code_digest), timestamp=now, actor=actor,
                           ledger_id=ledger_id, originally_recorded_at=None)

    @event(Issued)
    def __init__(self, *, actor: UUID, ledger_id: UUID,
                 originally_recorded_at: datetime | None) -> None:
        self.ledger_id = ledger_id
