"""Accounts: the sealed email, display name and password hash of a person, and the
ledgers they are in (indexes.py makes emails unique)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from ledger.domain.aggregate import EbbFlowAggregate
from ledger.domain.exceptions import NotFound
from ledger.domain.notifications import Preferences
from ledger.domain.values import SealedText


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

    class NotificationsChosen(EbbFlowAggregate.Event):
        preferences: dict[str, Any]

    class Unsubscribed(EbbFlowAggregate.Event):
        kind: str

    class VerificationRequested(EbbFlowAggregate.Event):
        pass

    class EmailVerified(EbbFlowAggregate.Event):
        address: str  # the keyed digest of the address verified, never the address

    class PasswordResetRequested(EbbFlowAggregate.Event):
        pass

    class EmailChanged(EbbFlowAggregate.Event):
        email: SealedText  # unverified until its own link is followed

    # Accounts registered before email existed load from snapshots without these.
    preferences_data: dict[str, Any] | None = None
    verified_address: str | None = None

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

    @property
    def preferences(self) -> Preferences:
        return Preferences.from_data(self.preferences_data)

    def choose_notifications(self, preferences: Preferences, now: datetime) -> None:
        self.check_exists()
        self._notifications_chosen(timestamp=now, actor=self.id,
                                   preferences=preferences.checked().as_data())

    @event(NotificationsChosen)
    def _notifications_chosen(self, *, timestamp: datetime, actor: UUID,
                              preferences: dict[str, Any]) -> None:
        self.preferences_data = dict(preferences)

    def unsubscribe(self, kind: str, now: datetime) -> None:
        """One click from an email; recorded even when that kind was already off."""
        self.check_exists()
        self._unsubscribed(timestamp=now, actor=self.id, kind=kind)

    @event(Unsubscribed)
    def _unsubscribed(self, *, timestamp: datetime, actor: UUID, kind: str) -> None:
        self.preferences_data = self.preferences.without(kind).as_data()

    def request_verification(self, now: datetime) -> None:
        self.check_exists()
        self._verification_requested(timestamp=now, actor=self.id)

    @event(VerificationRequested)
    def _verification_requested(self, *, timestamp: datetime, actor: UUID) -> None:
        pass

    def verify_email(self, address: str, now: datetime) -> None:
        self.check_exists()
        if self.verified_address != address:
            self._email_verified(timestamp=now, actor=self.id, address=address)

    @event(EmailVerified)
    def _email_verified(self, *, timestamp: datetime, actor: UUID, address: str) -> None:
        self.verified_address = address

    def request_password_reset(self, now: datetime) -> None:
        self.check_exists()
        self._password_reset_requested(timestamp=now, actor=self.id)

    @event(PasswordResetRequested)
    def _password_reset_requested(self, *, timestamp: datetime, actor: UUID) -> None:
        pass

    def change_email(self, email: SealedText, now: datetime) -> None:
        self.check_exists()
        self._email_changed(timestamp=now, actor=self.id, email=email)

    @event(EmailChanged)
    def _email_changed(self, *, timestamp: datetime, actor: UUID, email: SealedText) -> None:
        self.email = email
