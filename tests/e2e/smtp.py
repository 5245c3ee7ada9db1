"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what arrives, for the tests
that read the emails `ebbflow serve` sends."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.e2e.conftest import free_port


class Inbox:
    """aiosmtpd's handler: every message accepted, kept parsed with its raw bytes."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content: bytes = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        with self.lock:
            self.raw.append(content)
            self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, found: Callable[[Inbox], bool], seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not found(self):
            assert time.monotonic() < deadline, [str(m["To"]) for m in self.messages]
            time.sleep(0.1)

    def note_ids(self) -> list[str]:
        """Every outbox message id that arrived (a digest carries several)."""
        with self.lock:
            return [i for m in self.messages for i in str(m.get("X-Note-Ids", "")).split()]


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()


def link_in(message: EmailMessage, path: str) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()  # type: ignore[attr-defined]
    return str(next(w for w in text.split() if f"/{path}/" in w))
