"""The ledger's event log as a follower reads it (projections, exports).

`LedgerLog` is an application on the same event store with no commands: the
projector (and the library's runner) construct it from an environment. Its mapper never
raises on an event it cannot decode: it answers an `Unreadable` stand-in, which
projections pass over as erased, so one bad event cannot stop a runner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent

from ledger.infra.config import APP_NAME
from ledger.infra.transcodings import register_ledger_transcodings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unreadable:
    """An event that could not be decoded; only its identity is known."""

    originator_id: UUID
    originator_version: int
    topic: str
    timestamp: datetime = datetime(1970, 1, 1, tzinfo=UTC)


class TolerantMapper(Mapper[UUID]):
    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        try:
            return super().to_domain_event(stored_event)
        except Exception:  # any decoding failure: the event counts as erased
            logger.warning("event %s v%s could not be decoded; passed over as erased",
                           stored_event.originator_id, stored_event.originator_version)
            return Unreadable(UUID(str(stored_event.originator_id)),
                              stored_event.originator_version, stored_event.topic)


class LedgerLog(Application[UUID]):
    name = APP_NAME

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_ledger_transcodings(transcoder)

    def construct_mapper(self) -> Mapper[UUID]:
        plain: Mapper[UUID] = self.factory.mapper(transcoder=self.construct_transcoder())
        return TolerantMapper(transcoder=plain.transcoder, compressor=plain.compressor,
                              cipher=plain.cipher)
