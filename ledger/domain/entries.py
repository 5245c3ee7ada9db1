"""The aggregate's compact record of one entry: `[kind, author, flags, when, link]`.

`author` is the partner's number (0 or 1), `when` whole epoch seconds (occurred,
or the start of a check-in's week), and `link` depends on the kind: for care the
need it answers, for an acknowledgement its care, for a check-in its week, for a
need the earliest care that answered it. Plain lists keep snapshots small and
JSON-friendly.
"""

from __future__ import annotations

from enum import IntFlag
from typing import Any

from ledger.domain.values import EntryKind


class Flag(IntFlag):
    SHARED = 1
    RETRACTED = 2
    RECURRING = 4
    QUIET = 8
    MET = 16
    WITHDRAWN = 32
    ACKNOWLEDGED = 64

    @classmethod
    def of(cls, *, shared: bool = False, recurring: bool = False, quiet: bool = False) -> int:
        value = 0
        value |= cls.SHARED if shared else 0
        value |= cls.RECURRING if recurring else 0
        value |= cls.QUIET if quiet else 0
        return int(value)


class Entry:
    """Accessors over the list record, so no code indexes it by number."""

    @staticmethod
    def new(kind: EntryKind, author: int, flags: int, when: int, link: Any = None) -> list[Any]:
        return [kind.value, author, int(flags), when, link]

    @staticmethod
    def kind(entry: list[Any]) -> EntryKind:
        return EntryKind(entry[0])

    @staticmethod
    def author(entry: list[Any]) -> int:
        return int(entry[1])

    @staticmethod
    def flags(entry: list[Any]) -> int:
        return int(entry[2])

    @staticmethod
    def when(entry: list[Any]) -> int:
        return int(entry[3])

    @staticmethod
    def link(entry: list[Any]) -> Any:
        return entry[4]

    @staticmethod
    def add_flag(entry: list[Any], flag: Flag) -> None:
        entry[2] = int(entry[2]) | int(flag)

    @staticmethod
    def clear_flag(entry: list[Any], flag: Flag) -> None:
        entry[2] = int(entry[2]) & ~int(flag)

    @staticmethod
    def set_flag(entry: list[Any], flag: Flag, on: bool) -> None:
        (Entry.add_flag if on else Entry.clear_flag)(entry, flag)

    @staticmethod
    def set_when(entry: list[Any], when: int) -> None:
        entry[3] = when

    @staticmethod
    def set_link(entry: list[Any], link: Any) -> None:
        entry[4] = link


class Share:
    """Accessors over a share's compact record: `[requester, approved, revoked,
    expires (epoch s), sections, from, to, private owners]`, the partners (by number)
    who let their own private entries reach the counsellor."""

    @staticmethod
    def new(requester: int, expires_at: int, sections: list[str], scope_from: str | None,
            scope_to: str | None, private_owners: list[int]) -> list[Any]:
        return [requester, False, False, expires_at, sections, scope_from, scope_to,
                private_owners]

    @staticmethod
    def requester(share: list[Any]) -> int:
        return int(share[0])

    @staticmethod
    def approved(share: list[Any]) -> bool:
        return bool(share[1])

    @staticmethod
    def revoked(share: list[Any]) -> bool:
        return bool(share[2])

    @staticmethod
    def expires_at(share: list[Any]) -> int:
        return int(share[3])

    @staticmethod
    def sections(share: list[Any]) -> list[str]:
        return list(share[4])

    @staticmethod
    def scope_from(share: list[Any]) -> str | None:
        return share[5]  # type: ignore[no-any-return]

    @staticmethod
    def scope_to(share: list[Any]) -> str | None:
        return share[6]  # type: ignore[no-any-return]

    @staticmethod
    def private_owners(share: list[Any]) -> list[int]:
        return [int(i) for i in share[7]]

    @staticmethod
    def is_live(share: list[Any], now: float) -> bool:
        """Not revoked and not expired: pending or active."""
        return not Share.revoked(share) and now < Share.expires_at(share)

    @staticmethod
    def is_active(share: list[Any], now: float) -> bool:
        return Share.approved(share) and Share.is_live(share, now)

    @staticmethod
    def approve(share: list[Any], private_owner: int | None) -> None:
        share[1] = True
        if private_owner is not None:
            share[7].append(private_owner)

    @staticmethod
    def revoke(share: list[Any]) -> None:
        share[2] = True
