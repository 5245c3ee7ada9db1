"""Signing up, signing in, changing one's profile, deleting one's account."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ledger.app.core import CoreApplication, Recorded
from ledger.domain.accounts import Account
from ledger.domain.exceptions import Invalid, NotFound, Unauthenticated, WrongPassword
from ledger.domain.indexes import EmailIndex
from ledger.domain.places import account_field
from ledger.domain.texts import clean_email, clean_name
from ledger.infra.passwords import MIN_PASSWORD_LENGTH
from ledger.infra.sealing import account_key_id


@dataclass(frozen=True)
class AccountSummary:
    id: UUID
    email: str | None
    display_name: str | None
    ledger_ids: list[UUID]


class AccountCommands(CoreApplication):
    def sign_up(self, email: str, password: str, display_name: str) -> Recorded:
        email = clean_email(email)
        name = clean_name("display_name", display_name)
        check_password(password)
        account_id = uuid4()
        key_id = account_key_id(account_id)
        self.keys.ensure_key(key_id)
        digest = self.keys.index_id("email", email)
        sealed_email = self.keys.seal(key_id, email, account_field(account_id, "email"))
        sealed_name = self.keys.seal(key_id, name, account_field(account_id, "display_name"))
        sealed_hash = self.keys.seal(key_id, self.passwords.hash(password),
                                     account_field(account_id, "password_hash"))

        def command(index: EmailIndex | None) -> list[Aggregate]:
            """A lost race re-reads the index, finds it claimed, and answers 409."""
            now = self.clock()
            account = Account.register(account_id=account_id, email=sealed_email,
                                       display_name=sealed_name, password_hash=sealed_hash,
                                       now=now)
            if index is None:
                return [account, EmailIndex.register(digest, account_id, now)]
            index.claim(account_id, now)
            return [account]

        recorded = self.change([EmailIndex.id_for(digest)], lambda: [self._email_index(digest)],
                               command)
        return replace(recorded, id=account_id, version=1)

    def authenticate(self, email: str, password: str) -> UUID:
        """The account id for these credentials; one answer for every failure."""
        try:
            digest = self.keys.index_id("email", clean_email(email))
        except Invalid:
            digest = ""
        index = self._email_index(digest) if digest else None
        account = self._live_account(index.account_id if index else None)
        stored = self._password_hash(account) if account else None
        if not self.passwords.verify(stored, password) or account is None or stored is None:
            raise Unauthenticated("wrong email or password")
        if self.passwords.needs_rehash(stored):
            self._set_password(account.id, password)
        return account.id

    def change_profile(self, account_id: UUID, current_password: str,
                       display_name: str | None = None, password: str | None = None,
                       keep_token: UUID | None = None) -> Recorded:
        """A new password ends every other token and page session: whoever took over
        the account is out, and only `keep_token` (the one making the change) stays."""
        account = self.get_account(account_id)
        if not self.passwords.verify(self._password_hash(account), current_password):
            raise WrongPassword("current_password")
        if password is not None:
            check_password(password)
        key_id = account_key_id(account_id)
        name = (self.keys.seal(key_id, clean_name("display_name", display_name),
                               account_field(account_id, "display_name"))
                if display_name else None)
        new_hash = (self.keys.seal(key_id, self.passwords.hash(password),
                                   account_field(account_id, "password_hash"))
                    if password else None)

        def command(account: Account) -> None:
            if name is not None:
                account.change_display_name(name, self.clock())
            if new_hash is not None:
                account.change_password(new_hash, self.clock())

        recorded = self.change([account_id], lambda: [self.get_account(account_id)], command)
        if new_hash is not None:
            self.tokens.revoke_others(account_id, keep_token)
        return recorded

    def account_id_for_email(self, email: str) -> UUID:
        """For the operator's command line (exports, imports): no password involved."""
        index = self._email_index(self.keys.index_id("email", clean_email(email)))
        if index is None or index.account_id is None:
            raise NotFound("no account with this email")
        return index.account_id

    def describe_account(self, account_id: UUID) -> AccountSummary:
        account = self.get_account(account_id)
        opener = self.keys.account_opener(account_id)
        return AccountSummary(
            id=account.id, email=opener.open(account.email, account_field(account_id, "email")),
            display_name=opener.open(account.display_name,
                                     account_field(account_id, "display_name")),
            ledger_ids=[UUID(hex_id) for hex_id in account.ledgers],
        )

    def _set_password(self, account_id: UUID, password: str) -> None:
        sealed = self.keys.seal(account_key_id(account_id), self.passwords.hash(password),
                               account_field(account_id, "password_hash"))
        self.change([account_id], lambda: [self.get_account(account_id)],
                    lambda account: account.change_password(sealed, self.clock()))

    def _password_hash(self, account: Account) -> str | None:
        return self.keys.account_opener(account.id).open(
            account.password_hash, account_field(account.id, "password_hash"))

    def _live_account(self, account_id: UUID | None) -> Account | None:
        return self.find(lambda: self.get_account(account_id)) if account_id else None

    def _email_index(self, digest: str) -> EmailIndex | None:
        return self.find(lambda: self._get(EmailIndex.id_for(digest), EmailIndex))


def check_password(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid.field("password", f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 1024:
        raise Invalid.field("password", "must be at most 1024 characters")
