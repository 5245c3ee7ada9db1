"""Sign-in tokens: API bearer tokens and page sessions, two kinds that never stand in
for each other (a session cookie is no bearer token, nor the reverse). Random,
stored only as a SHA-256 hash, expiring, listable and revocable one by one, all at
once, or all but the one in use (a password change ends every other)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from ledger.domain.exceptions import NotFound
from ledger.infra.encoding_time import from_micros, micros

TOKEN_BYTES = 32
TTL = {"api": timedelta(days=30), "session": timedelta(days=14),
       "reset": timedelta(minutes=30), "verify": timedelta(days=7)}
SIGN_IN_KINDS = ("api", "session")  # emailed links (reset, verify) are not sessions
TOUCH_EVERY = timedelta(minutes=1)
USER_AGENT_MAX = 200


@dataclass(frozen=True)
class IssuedToken:
    id: UUID
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class TokenInfo:
    id: UUID
    kind: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    user_agent: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    def __init__(self, store: Any, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    def issue(self, account_id: UUID, kind: str = "api",
              user_agent: str | None = None) -> IssuedToken:
        now = self._clock()
        token = f"ef_{kind[0]}_{secrets.token_urlsafe(TOKEN_BYTES)}"
        token_id, expires = uuid4(), now + TTL[kind]
        self._store.insert_token({
            "token_id": token_id.hex, "token_hash": token_hash(token),
            "account_id": account_id.hex, "kind": kind, "created_at": micros(now),
            "expires_at": micros(expires),
            "user_agent": (user_agent or "")[:USER_AGENT_MAX] or None,
        })
        return IssuedToken(token_id, token, expires)

    def resolve(self, token: str, kind: str) -> tuple[UUID, UUID] | None:
        """(account id, token id) for a live token of this kind; None if unknown,
        expired, revoked, or of the other kind."""
        row = self._store.token_by_hash(token_hash(token))
        now = micros(self._clock())
        if row is None or row["revoked_at"] is not None or row["expires_at"] <= now \
                or row["kind"] != kind:
            return None
        if row["last_used_at"] is None or now - row["last_used_at"] > micros_of(TOUCH_EVERY):
            self._store.touch_token(row["token_id"], now)
        return UUID(row["account_id"]), UUID(row["token_id"])

    def list(self, account_id: UUID) -> list[TokenInfo]:
        return [TokenInfo(UUID(r["token_id"]), r["kind"], from_micros(r["created_at"]),
                          from_micros(r["expires_at"]),
                          from_micros(r["last_used_at"]) if r["last_used_at"] else None,
                          r["user_agent"])
                for r in self._store.tokens_of(account_id.hex, micros(self._clock()))
                if r["kind"] in SIGN_IN_KINDS]

    def revoke(self, account_id: UUID, token_id: UUID | None = None) -> None:
        """One token, or (no id) every token and session: "log out everywhere"."""
        self._store.revoke_tokens(account_id.hex, micros(self._clock()),
                                  token_id.hex if token_id else None)

    def revoke_one(self, account_id: UUID, token_id: UUID) -> None:
        """One of the account's live tokens; another's, an unknown or a revoked one is
        not found."""
        if not self._store.revoke_tokens(account_id.hex, micros(self._clock()), token_id.hex):
            raise NotFound("token not found")
    def redeem(self, token: str, kind: str) -> UUID | None:
        """The account of a live emailed link, used up by this call: a second use, an
        expired or unknown link is None."""
        found = self.resolve(token, kind)
        if found is None or not self._store.revoke_tokens(found[0].hex, micros(self._clock()),
                                                            found[1].hex):
            return None
        return found[0]

    def revoke_kind(self, account_id: UUID, kind: str) -> None:
        """Every live link of one kind: a change of address voids the old address's."""
        self._store.revoke_tokens_of_kind(account_id.hex, kind, micros(self._clock()))

    def revoke_others(self, account_id: UUID, keep: UUID | None) -> None:
        """Every token and session of the account but `keep` (the one in use)."""
        self._store.revoke_other_tokens(account_id.hex, micros(self._clock()),
                                        keep.hex if keep else None)

    def forget(self, account_id: UUID) -> None:
        self._store.delete_tokens(account_id.hex)


def micros_of(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1_000_000)
