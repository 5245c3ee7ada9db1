"""Stored replies for idempotent retries: what a repeat of a request gets back. The
application owns them (their table, their sealing under the instance key); the
web layer only says which request it is and what it answered.

A request is identified by (account, method, path, key) and the hash of its body;
its reply is written in the same transaction as its events, so a crash cannot
record twice; it is kept 24 hours (ledger.app.housekeeping) and erased with a
forgotten partner's words (the claim stays, so a retry still records nothing)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ledger.infra.sealing import KeyRing
from ledger.infra.stores.tables import IdempotentResponse


@dataclass(frozen=True)
class ReplyKey:
    account_id: str
    method: str
    path: str
    key: str
    body_hash: str

    @property
    def context(self) -> str:
        """What the stored reply is bound to: no other request can open it."""
        return f"{self.account_id}|{self.method}|{self.path}|{self.key}"


@dataclass(frozen=True)
class StoredReply:
    state: str  # in_flight, done, or erased
    body_hash: str
    claimed_at: int
    reply: dict[str, Any] | None  # status, body, etag, location (when done)


class Replies:
    def __init__(self, store: Any, keys: KeyRing) -> None:
        self._store, self._keys = store, keys

    def find(self, key: ReplyKey) -> StoredReply | None:
        row = self._store.idempotency_record(key.account_id, key.method, key.path, key.key)
        if row is None:
            return None
        reply = None
        if row["state"] == "done" and row["response"]:
            reply = json.loads(self._keys.decrypt_record(row["response"], key.context))
        return StoredReply(row["state"], row["body_hash"], int(row["claimed_at"]), reply)

    def claim(self, key: ReplyKey, now: int, stale_before: int) -> bool:
        """Marks the request in flight; False if another holds a fresh claim."""
        return bool(self._store.claim_idempotency(key.account_id, key.method, key.path, key.key,
                                                  key.body_hash, now, stale_before))

    def release(self, key: ReplyKey) -> None:
        self._store.release_idempotency(key.account_id, key.method, key.path, key.key)

    def to_store(self, key: ReplyKey, ledger_id: str | None, status: int,
                 reply: dict[str, Any]) -> IdempotentResponse:
        """The save argument that stores `reply` (its body completed with the log
        position, known only inside the events' transaction), sealed for `key`."""
        def seal(position: int) -> str:
            stored = {**reply, "body": {**reply["body"], "position": position}}
            return self._keys.encrypt_record(json.dumps(stored).encode(), key.context)

        return IdempotentResponse(account_id=key.account_id, method=key.method, path=key.path,
                                  key=key.key, ledger_id=ledger_id, status=status, seal=seal)
