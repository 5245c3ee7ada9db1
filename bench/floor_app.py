"""The floor an append is compared with: eventsourcing's own `Application`, with the
same cipher, compressor and aggregate cache as the product, on the same database,
doing get + one event + save. Nothing of ours runs in it: no per-partner keys, no
locks, no idempotency, no views. The gap to it is what our own guarantees cost."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from ledger.infra.config import Settings


class Couple(Aggregate):
    """A ledger reduced to what the floor needs: needs appended to a list."""

    def __init__(self) -> None:
        self.needs: list[tuple[str, int, str]] = []

    @event("NeedExpressed")
    def express_need(self, need: str, intensity: int, support_type: str) -> None:
        self.needs.append((need, intensity, support_type))


class FloorApplication(Application[UUID]):
    name = "floor"

    def append(self, couple_id: UUID) -> None:
        couple: Couple = self.repository.get(couple_id)
        couple.express_need("a calm evening", 2, "emotional")
        self.save(couple)

    def open_couple(self) -> UUID:
        couple = Couple()
        self.save(couple)
        return couple.id


def floor_env(settings: Settings) -> dict[str, Any]:
    """The product's cipher, compressor and cache on the same database, with the
    library's own recorders and its defaults for everything else."""
    ours = settings.eventsourcing_env()
    env = {key: value for key, value in ours.items()
           if key.startswith(("CIPHER_", "COMPRESSOR_", "AGGREGATE_CACHE", "SQLITE_", "POSTGRES_",
                              "PERSISTENCE_MODULE", "DEEPCOPY"))}
    env.pop("POSTGRES_PRE_PING", None)
    env["CREATE_TABLE"] = "y"
    return env
