"""Bearer tokens and share links cannot be guessed: 256 random bits each, kept only
as SHA-256 digests, and looked up by digest (so no secret is ever compared byte by
byte, and a timing difference tells nothing about a stored token)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from uuid import uuid4

from ledger.app.commands_sharing import share_token_hash
from ledger.infra.sealing import KeyRing
from ledger.infra.tokens import TOKEN_BYTES, Tokens
from tests.helpers import MemoryKeyTable


def random_bits(urlsafe: str) -> int:
    padded = urlsafe + "=" * (-len(urlsafe) % 4)
    return len(base64.urlsafe_b64decode(padded)) * 8


def test_share_tokens_carry_256_bits_only_this_instance_derives_and_are_stored_as_digests(
) -> None:
    ring = KeyRing(MemoryKeyTable(), bytes(range(32)))
    tokens = {ring.link_token("share", uuid4().hex) for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(random_bits(t) == 256 for t in tokens)
    share = uuid4().hex
    assert ring.link_token("share", share) == ring.link_token("share", share)
    assert KeyRing(MemoryKeyTable(), bytes(range(32))).link_token("share", share) != \
        ring.link_token("share", share)  # derived with the instance's own random index key
    token = next(iter(tokens))
    assert share_token_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert token not in share_token_hash(token)


class RowsKept:
    """The token table's one write, kept in a list."""

    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []

    def insert_token(self, row: dict[str, object]) -> None:
        self.rows.append(row)


def test_bearer_tokens_carry_256_random_bits_and_are_stored_as_digests() -> None:
    store = RowsKept()
    tokens = Tokens(store, lambda: datetime.now(UTC))
    issued = [tokens.issue(uuid4()).token for _ in range(200)]
    assert len(set(issued)) == 200
    assert all(random_bits(t.split("_", 2)[2]) == TOKEN_BYTES * 8 == 256 for t in issued)
    stored = [row["token_hash"] for row in store.rows]
    assert stored == [hashlib.sha256(t.encode()).hexdigest() for t in issued]
    assert not any(t in str(row) for t in issued for row in store.rows)
