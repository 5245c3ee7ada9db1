"""Email choices, verified addresses and password resets, as Account events.

Each command records what happened; the notifier (projections/notify) decides from
those events what to send, so a web request never talks to a mail server.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate

from ledger.app.commands_accounts import AccountCommands, check_password
from ledger.app.core import Recorded
from ledger.domain.accounts import Account
from ledger.domain.exceptions import Invalid, NotFound, WrongPassword
from ledger.domain.indexes import EmailIndex
from ledger.domain.notifications import Preferences
from ledger.domain.places import account_field
from ledger.domain.texts import clean_email
from ledger.infra.sealing import account_key_id


@dataclass(frozen=True)
class MailAddress:
    """Where the sender may write to an account, opened only when sending."""

    email: str
    verified: bool


class MailCommands(AccountCommands):
    def notifications_of(self, account_id: UUID) -> Preferences:
        return self.get_account(account_id).preferences

    def choose_notifications(self, account_id: UUID, preferences: Preferences) -> Recorded:
        preferences.checked()
        return self.change([account_id], lambda: [self.get_account(account_id)],
                           lambda account: account.choose_notifications(preferences,
                                                                        self.clock()))

    def unsubscribe(self, account_id: UUID, kind: str) -> None:
        """From an email's link; an account gone since is nothing to do."""
        if self._live_account(account_id) is None:
            return
        self.change([account_id], lambda: [self.get_account(account_id)],
                    lambda account: account.unsubscribe(kind, self.clock()))

    def request_verification(self, account_id: UUID) -> Recorded:
        return self.change([account_id], lambda: [self.get_account(account_id)],
                           lambda account: account.request_verification(self.clock()))

    def verify_email(self, token: str) -> UUID:
        """Marks the account's current address verified; the link is used up."""
        account_id = self.tokens.redeem(token, "verify")
        address = self.mail_address(account_id) if account_id else None
        if account_id is None or address is None:
            raise NotFound("this link has expired or was already used")
        digest = self.keys.index_id("email", address.email)
        self.change([account_id], lambda: [self.get_account(account_id)],
                    lambda account: account.verify_email(digest, self.clock()))
        return account_id

    def request_password_reset(self, email: str) -> None:
        """Records the request for an account with this email; says nothing either way."""
        try:
            account_id = self.account_id_for_email(clean_email(email))
        except (Invalid, NotFound):
            return
        if self._live_account(account_id) is None:
            return
        self.change([account_id], lambda: [self.get_account(account_id)],
                    lambda account: account.request_password_reset(self.clock()))

    def reset_password(self, token: str, password: str) -> UUID:
        """A new password from an emailed link: the link is used up, and every session
        and token of the account ends (as after any password change, without a keeper)."""
        check_password(password)
        account_id = self.tokens.redeem(token, "reset")
        if account_id is None:
            raise NotFound("this link has expired or was already used")
        sealed = self.keys.seal(account_key_id(account_id), self.passwords.hash(password),
                                account_field(account_id, "password_hash"))
        self.change([account_id], lambda: [self.get_account(account_id)],
                    lambda account: account.change_password(sealed, self.clock()))
        self.tokens.revoke(account_id)
        return account_id

    def change_email(self, account_id: UUID, current_password: str, email: str) -> None:
        """A new address takes the old one's place in the email index (409 if another
        account holds it) and waits for its own verification link."""
        account = self.get_account(account_id)
        if not self.passwords.verify(self._password_hash(account), current_password):
            raise WrongPassword("current_password")
        email = clean_email(email)
        current = self.mail_address(account_id)
        if current is not None and current.email == email:
            return
        new_digest = self.keys.index_id("email", email)
        old_digest = self.keys.index_id("email", current.email) if current else None
        sealed = self.keys.seal(account_key_id(account_id), email,
                                account_field(account_id, "email"))

        def command(account: Account, new: EmailIndex | None,
                    old: EmailIndex | None) -> list[Aggregate]:
            now = self.clock()
            created: list[Aggregate] = []
            if new is None:
                created.append(EmailIndex.register(new_digest, account_id, now))
            else:
                new.claim(account_id, now)
            if old is not None:
                old.release(account_id, now)
            account.change_email(sealed, now)
            return created

        locks = [account_id, EmailIndex.id_for(new_digest),
                 *([EmailIndex.id_for(old_digest)] if old_digest else [])]
        self.change(locks, lambda: [self.get_account(account_id), self._email_index(new_digest),
                                    self._email_index(old_digest) if old_digest else None],
                    command)
        self.tokens.revoke_kind(account_id, "verify")  # a link sent before verifies nothing

    def mail_address(self, account_id: UUID) -> MailAddress | None:
        """The account's address and whether it is the verified one; None once the
        account or its key is gone (forget me): nothing can be sent to it."""
        account: Account | None = self._live_account(account_id)
        if account is None:
            return None
        email = self.keys.account_opener(account_id).open(
            account.email, account_field(account_id, "email"))
        if email is None:
            return None
        verified = account.verified_address == self.keys.index_id("email", email)
        return MailAddress(email, verified)
