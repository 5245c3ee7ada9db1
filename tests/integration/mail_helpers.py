"""What the email tests share: a transport that keeps messages, verified partners,
and a notifier with its sender driven step by step (no threads)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any
from uuid import UUID

from ledger.app.application import LedgerApplication
from ledger.domain.notifications import Preferences
from ledger.infra.config import Settings
from projections.notify.outbox import Outbox
from projections.notify.running import migrate_notifier, notify_once, open_notifier
from services.mail.running import letterhead
from services.mail.sender import Sender

EVERY_KIND = Preferences(needs=True, care=True, answers=True, check_in_reveal=True,
                         shares=True)


@dataclass
class KeptMail:
    messages: list[EmailMessage] = field(default_factory=list)
    fail_next: int = 0

    def send(self, message: EmailMessage) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionRefusedError("the server is away")
        self.messages.append(message)

    def describe(self) -> str:
        return "kept in memory"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def link(self, message: EmailMessage, path: str) -> str:
        body = message.get_content()
        return next(w for w in body.split() if f"/{path}/" in w).rsplit("/", 1)[1]


class Mailroom:
    """The notifier and the sender of one instance, stepped by the test."""

    def __init__(self, settings: Settings, app: LedgerApplication) -> None:
        migrate_notifier(settings)
        self.settings, self.app = settings, app
        self.view = open_notifier(settings)
        self.outbox = Outbox(self.view)
        self.kept = KeptMail()
        self.sender = Sender(app, self.outbox, self.kept, letterhead(settings), app.clock)

    def deliver(self) -> list[EmailMessage]:
        """Everything decided so far and due now; answers what arrived this time."""
        before = len(self.kept.messages)
        notify_once(self.settings)
        self.sender.send_due()
        return self.kept.messages[before:]

    def verify(self, *accounts: UUID) -> None:
        """Follows each account's emailed verification link."""
        for message in self.deliver():
            if message["Subject"] == "Please confirm your email address":
                self.app.verify_email(self.kept.link(message, "verify"))
        for account in accounts:
            assert self.app.mail_address(account).verified  # type: ignore[union-attr]

    def rows(self) -> list[Any]:
        return self.view.query("SELECT * FROM {outbox} ORDER BY created_at")

    def close(self) -> None:
        self.view.datastore.close()


def words_in(messages: list[EmailMessage]) -> Iterator[str]:
    for message in messages:
        yield str(message["Subject"])
        yield message.get_content()
