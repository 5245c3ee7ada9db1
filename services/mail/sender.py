"""The sender: delivers what the outbox holds when it is due, one message (or one
recipient's digest) at a time, marking each sent right after the server took it;
a failure backs off exponentially (outbox.py). Opt-in notes go only to a verified
address, opened at the moment of sending; an address erased since is dropped.

Exactly once, as far as SMTP allows: a message is marked sent in its own
transaction the moment the server accepted it, so a sender killed in that instant
(after the server's "250", before the mark) sends it again on restart, with the
same Message-ID for the receiving side to fold duplicates.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from ledger.app.application import LedgerApplication
from ledger.infra.encoding_time import micros
from projections.leases import leases_for
from projections.notify.decide import ACCOUNT_KINDS
from projections.notify.outbox import Outbox
from projections.notify.reminders import remind
from services.mail.compose import Letterhead, Note, compose
from services.mail.transport import Transport

POLL_SECONDS = 0.5
REMIND_EVERY = timedelta(minutes=1)  # reminders scan every recipient: not twice a second
LEASE = "sender"
logger = logging.getLogger("ebbflow.mail")


class Sender:
    def __init__(self, app: LedgerApplication, outbox: Outbox, transport: Transport,
                 head: Letterhead, clock: Callable[[], datetime] | None = None) -> None:
        self.app, self.outbox, self.transport, self.head = app, outbox, transport, head
        self.clock = clock or (lambda: datetime.now(UTC))
        self.reminded_at: datetime | None = None

    def send_due(self) -> int:
        """Sends everything due now; answers how many outbox messages went."""
        now = self.clock()
        if self.reminded_at is None or now - self.reminded_at >= REMIND_EVERY:
            remind(self.outbox, now, self.app.settings.digest_time)
            self.reminded_at = now
        rows = self.outbox.due(micros(now))
        singles = [[row] for row in rows if not row["digest"]]
        digests: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            if row["digest"]:
                digests[row["recipient"]].append(row)
        sent = 0
        for group in [*singles, *digests.values()]:
            sent += self.deliver(group, now)
        return sent

    def deliver(self, rows: list[Any], now: datetime) -> int:
        ids = [row["message_id"] for row in rows]
        recipient = UUID(rows[0]["recipient"])
        kind = rows[0]["kind"]
        address = self.app.mail_address(recipient)
        if address is None or (kind not in ACCOUNT_KINDS and not address.verified):
            self.outbox.drop(ids, micros(now), "no verified address")
            return 0
        if kind not in ACCOUNT_KINDS:
            quiet_until = self.outbox.quiet_until(rows[0]["recipient"], rows[0]["ledger_id"], now)
            if quiet_until > now:
                self.outbox.hold_until(ids, micros(quiet_until))
                return 0
        token = None
        if kind in ACCOUNT_KINDS:
            token = self.app.tokens.issue(recipient, kind).token
        notes = [Note(row["message_id"], row["kind"], row["ledger_id"]) for row in rows]
        message = compose(self.head, address.email, recipient, notes, now, token)
        try:
            self.transport.send(message)
        except Exception as error:  # any failure to hand it over: try again later
            logger.warning("sending %d message(s) failed (%s); will retry",
                           len(ids), type(error).__name__)
            self.outbox.retry_later(ids, micros(now), type(error).__name__)
            return 0
        return self.outbox.mark_sent(ids, micros(self.clock()))


def run_sender(sender: Sender, stop: threading.Event) -> None:
    """Sends while this process holds the sender's lease; stands by otherwise."""
    lease = leases_for(sender.app.settings, [LEASE])[LEASE]
    try:
        while not stop.is_set():
            if not lease.held() and not lease.try_acquire():
                stop.wait(1.0)
                continue
            try:
                sender.send_due()
            except Exception:  # the database is away: keep going, the outbox waits
                logger.exception("the sender could not read the outbox; retrying")
            stop.wait(POLL_SECONDS)
    finally:
        lease.release()
