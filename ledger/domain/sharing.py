"""Every time a counsellor reads a share, kept in a per-ledger access log beside the
ledger, so that reading a share never changes the couple's ledger version."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import event

from ledger.domain.aggregate import EbbFlowAggregate
from ledger.domain.indexes import INDEX_NAMESPACE

COUNSELLOR = UUID(int=0)  # the actor of an access: nobody with an account


class AccessLog(EbbFlowAggregate):
    """Every time a counsellor opens a share, visible to both partners."""

    class Started(EbbFlowAggregate.Created):
        ledger_id: UUID

    class Accessed(EbbFlowAggregate.Event):
        share_id: UUID
        what: str

    @staticmethod
    def id_for(ledger_id: UUID) -> UUID:
        return uuid5(INDEX_NAMESPACE, f"access:{ledger_id.hex}")

    @classmethod
    def start(cls, ledger_id: UUID, now: datetime) -> AccessLog:
        return cls._create(cls.Started, id=cls.id_for(ledger_id), timestamp=now,
                           actor=COUNSELLOR, ledger_id=ledger_id, originally_recorded_at=None)

    @event(Started)
    def __init__(self, *, actor: UUID, ledger_id: UUID,
                 originally_recorded_at: datetime | None) -> None:
        self.ledger_id = ledger_id
        self.accesses: dict[str, list[str]] = {}  # share hex -> ISO times, newest last

    def record(self, share_id: UUID, what: str, now: datetime) -> None:
        self._accessed(timestamp=now, actor=COUNSELLOR, share_id=share_id, what=what)

    @event(Accessed)
    def _accessed(self, *, timestamp: datetime, actor: UUID, share_id: UUID, what: str) -> None:
        self.accesses.setdefault(share_id.hex, []).append(timestamp.isoformat())
