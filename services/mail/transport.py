"""Where messages go: an SMTP server from EBBFLOW_SMTP_URL, or (no URL, development)
.eml files in the data folder's outbox/ whose paths are logged.

smtp://host:25 (plain), smtp://host:587?starttls=1 or smtp+starttls://host:587
(STARTTLS), smtps://host:465 (TLS from the start); user:password@ authenticates.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from ledger.domain.exceptions import ConfigurationError

TIMEOUT_SECONDS = 20
logger = logging.getLogger("ebbflow.mail")


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def describe(self) -> str: ...


class SmtpTransport:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps", "smtp+starttls"):
            raise ConfigurationError("EBBFLOW_SMTP_URL must start with smtp://, smtps:// "
                                     "or smtp+starttls://")
        query = parse_qs(parts.query)
        self.tls = parts.scheme == "smtps"
        self.starttls = parts.scheme == "smtp+starttls" or query.get(
            "starttls", ["0"])[0].lower() in {"1", "yes", "true"}
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (465 if self.tls else 587 if self.starttls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_SECONDS,
                                    context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS)
        with smtp:
            if self.starttls:
                smtp.starttls(context=context)
            if self.user is not None:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)

    def describe(self) -> str:
        how = "smtps" if self.tls else "smtp+starttls" if self.starttls else "smtp"
        return f"{how}://{self.host}:{self.port}"


class FileTransport:
    """Development without SMTP: each message is a file to open in a mail program."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").split("@")[0]
        path = self.folder / f"{name}.eml"
        path.write_bytes(bytes(message))
        logger.info("email written to %s", path)

    def describe(self) -> str:
        return f"files in {self.folder}"


def transport_for(smtp_url: str, outbox_dir: Path) -> Transport:
    return SmtpTransport(smtp_url) if smtp_url else FileTransport(outbox_dir)
