"""The shape every projection shares: an event becomes a list of row changes, and
the view applies them with the tracking position in one transaction.

Incremental processing (the library's runner) is a batch of one; a rebuild
gathers thousands of events' changes into one batch. Both go through
`changes_for`, so a rebuild from scratch equals incremental processing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Tracking,
)
from eventsourcing.projection import Projection

from ledger.domain.ledger import Ledger
from projections.encoding import dumps, micros
from projections.views.base import ViewStore
from projections.views.batching import RowChange
from projections.views.generations import ViewUpgrading

TView = TypeVar("TView", bound=ViewStore)
# The database or the code is at fault, not the event: stop and retry, skip nothing.
INFRASTRUCTURE = (InterfaceError, OperationalError, InternalError, ProgrammingError,
                  NotSupportedError)
logger = logging.getLogger(__name__)


class LedgerProjection(Projection[TView], Generic[TView]):  # type: ignore[type-var]
    topics = ()  # every event, so the position always reaches the end of the log

    def __init__(self, view: TView) -> None:
        super().__init__(view)
        self._timezones: dict[UUID, str] = {}

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Applies one event; an event this view cannot apply becomes a dead letter
        (kept, counted, retried by a rebuild) instead of stopping every couple's views.
        Infrastructure errors still stop the runner: nothing is skipped for them, nor
        when the view serving is of another shape than this code writes."""
        try:
            self.view.apply(self.changes_for(domain_event, tracking.notification_id), tracking)
        except (*INFRASTRUCTURE, ViewUpgrading):
            raise
        except Exception as error:
            if isinstance(error, IntegrityError) and self.view.has_tracking_id(  # type: ignore[attr-defined]
                    tracking.application_name, tracking.notification_id):
                raise  # another runner processed it: this one must stop
            self.dead_letter(tracking, error)

    def dead_letter(self, tracking: Tracking, error: Exception) -> None:
        logger.error("projection %s could not apply the event at position %s (%s); kept "
                     "as a dead letter", self.name, tracking.notification_id,
                     type(error).__name__)
        self.view.record_dead_letter(tracking, type(error).__name__,
                                     micros(datetime.now(UTC)))

    def changes_for(self, event: Any, position: int) -> list[RowChange]:
        """Each projection defines this as its own @singledispatchmethod, one handler
        per event class, whose fallback is `ledger_metadata`: events it does not
        handle change nothing (but are tracked) beyond the ledger metadata."""
        return self.ledger_metadata(event)

    def ledger_metadata(self, event: Any) -> list[RowChange]:
        """Every view keeps each ledger's time zone and partners."""
        if isinstance(event, Ledger.Opened):
            return [self.opened(event)]
        if isinstance(event, Ledger.PartnerJoined | Ledger.PartnerClaimed):
            return [self.joined(event)]
        return []

    # Ledger metadata every view keeps (see ViewStore.op_ledger).

    def opened(self, event: Ledger.Opened) -> RowChange:
        self._timezones[event.originator_id] = event.timezone
        return RowChange("ledger", {"ledger_id": event.originator_id.hex,
                                    "timezone": event.timezone,
                                    "partners": dumps([event.actor.hex])})

    @staticmethod
    def joined(event: Ledger.PartnerJoined | Ledger.PartnerClaimed) -> RowChange:
        replaces = getattr(event, "placeholder_id", None)
        return RowChange("partner", {"ledger_id": event.originator_id.hex,
                                     "partner": event.partner_id.hex,
                                     "replaces": replaces.hex if replaces else None})

    def timezone_of(self, ledger_id: UUID) -> str:
        """Cached from Opened; after a restart, read from the view once."""
        timezone = self._timezones.get(ledger_id)
        if timezone is None:
            row = self.view.ledger_row(ledger_id.hex)
            timezone = str(row["timezone"]) if row else "UTC"
            self._timezones[ledger_id] = timezone
        return timezone
