"""Helpers shared by tests: a clock to set by hand, and a joined couple."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from ledger.app.application import LedgerApplication
from ledger.domain.values import SealedText

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


class ManualClock:
    """Now is whatever the test says, plus a millisecond per reading, so that time
    moves forward a little as it does for real (recorded times stay in the past)."""

    TICK = timedelta(milliseconds=1)

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += self.TICK
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass(frozen=True)
class Couple:
    app: LedgerApplication
    ledger_id: UUID
    alex: UUID
    sam: UUID


def make_couple(app: LedgerApplication, tag: str = "") -> Couple:
    alex = app.sign_up(f"alex{tag}@example.com", "correct horse battery", "Alex").id
    sam = app.sign_up(f"sam{tag}@example.com", "correct horse battery", "Sam").id
    assert alex is not None and sam is not None
    recorded, invite = app.open_ledger(alex, "Alex & Sam", "Europe/London")
    assert recorded.id is not None
    app.join(sam, invite.code)
    return Couple(app, recorded.id, alex, sam)


def sealed(text: str = "x") -> SealedText:
    """A stand-in sealed value for domain tests, which never open text."""
    return SealedText(key_id="test", nonce=b"n" * 12, ciphertext=text.encode())


class MemoryKeyTable:
    """A key table in a dict, for key ring tests without a database."""

    def __init__(self) -> None:
        self.rows: dict[str, bytes] = {}

    def get_wrapped_keys(self, key_ids: Collection[str]) -> dict[str, bytes]:
        return {k: self.rows[k] for k in key_ids if k in self.rows}

    def insert_wrapped_key(self, key_id: str, wrapped: bytes) -> bool:
        return self.rows.setdefault(key_id, wrapped) is wrapped

    def delete_wrapped_key(self, key_id: str) -> bool:
        return self.rows.pop(key_id, None) is not None

    def any_wrapped_key(self) -> tuple[str, bytes] | None:
        return next(iter(sorted(self.rows.items())), None)

    def sweep_destroyed_keys(self) -> None:
        pass  # nothing lingers in a dict

    def wrapped_key_ids(self, prefix: str, suffix: str) -> list[str]:
        return [k for k in self.rows if k.startswith(prefix) and k.endswith(suffix)]


def got(client: Any, path: str, **kwargs: Any) -> Any:
    """The answer, read whole and closed (a file sent is open until then)."""
    answer = client.get(path, **kwargs)
    answer.get_data()
    answer.close()
    return answer
