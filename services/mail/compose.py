"""The messages themselves: discreet by design (DESIGN's safety note). A neutral
sender and subject, no entry's words, no partner's name, no word of what the app
is for: a link only, and a one-click unsubscribe (RFC 8058) on every note."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from uuid import UUID

from ledger.domain.notifications import EVERYTHING
from ledger.infra.links import unsubscribe_token

NOTE_SUBJECT = "You have a new note"
DIGEST_SUBJECT = "You have new notes"
SUBJECTS = {"verify": "Please confirm your email address",
            "reset": "Your link to choose a new password"}


@dataclass(frozen=True)
class Note:
    message_id: str
    kind: str
    ledger_id: str | None


@dataclass(frozen=True)
class Letterhead:
    sender: str
    base_url: str
    secret: str


def compose(head: Letterhead, to: str, recipient: UUID, notes: list[Note], now: datetime,
            link_token: str | None = None) -> EmailMessage:
    """One message for one note, a digest for several; `link_token` is the single-use
    token of a verification or reset link (issued when sending, never stored plain)."""
    first = notes[0]
    message = EmailMessage()
    message["From"] = head.sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    domain = head.sender.rsplit("@", 1)[-1].strip(">") or "localhost"
    ids = [n.message_id for n in notes]  # the same notes make the same Message-ID
    one_id = ids[0] if len(ids) == 1 else hashlib.sha256("|".join(ids).encode()).hexdigest()[:32]
    message["Message-ID"] = f"<{one_id}@{domain}>"
    message["X-Note-Ids"] = " ".join(ids)
    if first.kind in SUBJECTS:
        message["Subject"] = SUBJECTS[first.kind]
        message.set_content(_account_body(head.base_url, first.kind, link_token or ""))
        return message
    kind = first.kind if len(notes) == 1 and first.kind != "joined" else EVERYTHING
    unsubscribe = f"{head.base_url}/unsubscribe/{unsubscribe_token(head.secret, recipient, kind)}"
    message["Subject"] = NOTE_SUBJECT if len(notes) == 1 else DIGEST_SUBJECT
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    link = (f"{head.base_url}/ledgers/{first.ledger_id}" if len(notes) == 1 and first.ledger_id
            else f"{head.base_url}/ledgers")
    opening = ("There is a new note for you." if len(notes) == 1
               else f"There are {len(notes)} new notes for you.")
    message.set_content(f"Hello,\n\n{opening} You can read it here:\n{link}\n\n"
                        f"To stop these emails, open this link:\n{unsubscribe}\n")
    return message


def _account_body(base_url: str, kind: str, token: str) -> str:
    if kind == "verify":
        return (f"Hello,\n\nPlease confirm that this is your email address:\n"
                f"{base_url}/verify/{token}\n\nIf you did not ask for this, you can ignore "
                "this email.\n")
    return (f"Hello,\n\nYou can choose a new password here within 30 minutes:\n"
            f"{base_url}/reset/{token}\n\nIf you did not ask for this, you can ignore this "
            "email: your password stays as it is.\n")
