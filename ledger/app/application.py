"""LedgerApplication: every command of Ebb & Flow on one event store.

The commands live in small modules by theme; this class joins them and adds the
instance-level operations (migrate, start-up check, describing a ledger).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from ledger.app.commands_accounts import AccountCommands
from ledger.app.commands_entries import EntryCommands
from ledger.app.commands_import import ImportCommands
from ledger.app.commands_mail import MailCommands
from ledger.app.commands_partnership import PartnershipCommands
from ledger.app.commands_sharing import SharingCommands
from ledger.app.core import utc_now
from ledger.domain import places
from ledger.domain.accounts import Account
from ledger.domain.exceptions import WrongPassword
from ledger.domain.indexes import EmailIndex
from ledger.domain.ledger import Ledger
from ledger.infra.config import APP_NAME, Settings
from ledger.infra.sealing import INDEX_KEY_ID, account_key_id


@dataclass(frozen=True)
class PartnerSummary:
    id: UUID
    display_name: str | None
    placeholder: bool
    departed: bool


@dataclass(frozen=True)
class LedgerSummary:
    id: UUID
    name: str | None
    timezone: str
    partners: list[PartnerSummary]
    version: int
    paused: bool
    paused_by: UUID | None
    invite_expires_at: datetime | None
    opened_at: datetime

    def names(self) -> dict[str, str]:
        """Display names by partner id (hex), as pages and reports show them."""
        return {p.id.hex: p.display_name or "(erased)" for p in self.partners}


class LedgerApplication(MailCommands, AccountCommands, PartnershipCommands, EntryCommands,
                        SharingCommands, ImportCommands):
    name = APP_NAME

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__(settings, clock)
        self.keys.check_instance_key()

    def describe(self, ledger: Ledger) -> LedgerSummary:
        """The ledger with its words opened (None where they were erased)."""
        opener = self.keys.ledger_opener(ledger.id)
        partners = [
            PartnerSummary(
                id=UUID(hex_id),
                display_name=opener.open(ledger.display_names[hex_id],
                                         places.display_name(ledger.id, hex_id)),
                placeholder=hex_id in ledger.placeholders, departed=hex_id in ledger.departed,
            )
            for hex_id in ledger.partners
        ]
        return LedgerSummary(
            id=ledger.id, name=opener.open(ledger.name, places.ledger_name(ledger.id)),
            timezone=ledger.timezone,
            partners=partners, version=ledger.version, paused=ledger.paused_by is not None,
            paused_by=UUID(ledger.paused_by) if ledger.paused_by else None,
            invite_expires_at=ledger.invite_expires_at, opened_at=ledger.created_on,
        )

    def delete_account(self, account_id: UUID, password: str) -> None:
        """Leaves every ledger with forget_me, erases the words left in ledgers it left
        before, frees the email, ends every session, destroys the account key."""
        account = self.get_account(account_id)
        if not self.passwords.verify(self._password_hash(account), password):
            raise WrongPassword("password")
        for hex_id in list(account.ledgers):
            self.leave(UUID(hex_id), account_id, forget_me=True)
        email = self.keys.account_opener(account_id).open(
            account.email, places.account_field(account_id, "email"))
        digest = self.keys.index_id("email", email) if email else None

        def command(account: Account, index: EmailIndex | None) -> None:
            now = self.clock()
            if index is not None:
                index.release(account_id, now)
            account.delete(now)

        lock_ids = [account_id, *([EmailIndex.id_for(digest)] if digest else [])]
        self.change(lock_ids, lambda: [self.get_account(account_id),
                                       self._email_index(digest) if digest else None], command)
        for key_id in self.keys.partner_keys_of(account_id):  # ledgers left long ago too
            self.forget_partner(UUID(key_id.split(":")[1]), account_id)
        self.tokens.forget(account_id)
        self.keys.destroy(account_key_id(account_id))
        self.purge_replies(account_id=account_id.hex)

    def ledgers_of(self, account_id: UUID) -> list[LedgerSummary]:
        account = self.get_account(account_id)
        return [self.describe(self.get_ledger(UUID(hex_id), account_id))
                for hex_id in account.ledgers]


def migrate(settings: Settings) -> None:
    """Creates the tables (events, snapshots, key table) and the instance's index key.

    Run once per deployment on PostgreSQL; workers then start with table creation off.
    """
    app = LedgerApplication(settings.with_changes(create_tables=True))
    try:
        app.keys.ensure_key(INDEX_KEY_ID)
        app.keys.sweep()
    finally:
        app.close()
