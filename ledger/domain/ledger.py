"""The Ledger aggregate: one per couple, every event of theirs in one stream.

It is made of its parts, each with its events beside the commands that raise them:
the partnership, recording entries, corrections, and consent (shares and
exports). Its state is compact on purpose (ids, partner numbers, kinds, status
bits, weeks, no text) so snapshots stay small however long the history grows.
Commands check their guards first and only then trigger an event, whose `apply`
is the state change; it runs again on every replay, so it holds no rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledger.domain.aggregate import EbbFlowAggregate, LedgerEvent
from ledger.domain.consent import Consent
from ledger.domain.corrections import Corrections
from ledger.domain.partnership import REVOKED_BY_DEPARTURE, REVOKED_BY_PARTNER, Partnership
from ledger.domain.recording import Recording
from ledger.domain.values import SealedText

__all__ = ["REVOKED_BY_DEPARTURE", "REVOKED_BY_PARTNER", "Ledger"]


class Ledger(Partnership, Recording, Corrections, Consent, EbbFlowAggregate):
    """Snapshot state v2 added, per share, the partners (by index) who let their own
    private entries reach the counsellor."""

    class_version = 2

    class Event(LedgerEvent):
        pass

    name: SealedText
    timezone: str
    partners: list[str]
    display_names: dict[str, SealedText]
    placeholders: list[str]
    departed: list[str]
    invite_hash: str | None
    invite_expires_at: datetime | None
    paused_by: str | None
    entries: dict[str, list[Any]]  # entry hex id -> entries.Entry's compact record
    check_ins: dict[str, int]  # week -> bit per partner who checked in
    shares: dict[str, list[Any]]  # share hex id -> entries.Share's compact record
    opened_at: datetime | None  # an imported ledger's first recorded time

    def __init__(self) -> None:
        """The state is set by `Opened.apply` (partnership.py)."""

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        for share in state["shares"].values():
            share.append([])
