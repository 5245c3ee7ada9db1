"""Unsubscribe links that work without logging in: the account and the kind,
signed with an HMAC of the instance's secret, so a link cannot be guessed or
altered, and nothing needs storing to check it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from uuid import UUID

from ledger.domain.notifications import EVERYTHING, KINDS

UNSUBSCRIBABLE = (*KINDS, "weekly_reminder", "joined", EVERYTHING)
MAC_BYTES = 16


def _mac(secret: str, payload: bytes) -> bytes:
    return hmac.new(f"unsubscribe:{secret}".encode(), payload, hashlib.sha256).digest()[
        :MAC_BYTES]


def unsubscribe_token(secret: str, account_id: UUID, kind: str) -> str:
    payload = account_id.bytes + bytes([UNSUBSCRIBABLE.index(kind)])
    return base64.urlsafe_b64encode(payload + _mac(secret, payload)).decode().rstrip("=")


def read_unsubscribe_token(secret: str, token: str) -> tuple[UUID, str] | None:
    """(account, kind) of a genuine link; None for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 17 + MAC_BYTES:
        return None
    payload, mac = raw[:17], raw[17:]
    if not hmac.compare_digest(mac, _mac(secret, payload)) or payload[16] >= len(UNSUBSCRIBABLE):
        return None
    return UUID(bytes=payload[:16]), UNSUBSCRIBABLE[payload[16]]
