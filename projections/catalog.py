"""Which views there are, how one is opened, and the log read in batches: what
the projector, rebuilds and a rebuild's reader process (parallel_replay.py) share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.utils import Environment

from ledger.infra.config import APP_NAME, Settings
from ledger.infra.log import LedgerLog
from projections.balance import BalanceProjection
from projections.base import LedgerProjection
from projections.history import HistoryProjection
from projections.timeline import TimelineProjection
from projections.views.balance import PostgresBalanceView, SQLiteBalanceView
from projections.views.base import ViewStore
from projections.views.history import PostgresHistoryView, SQLiteHistoryView
from projections.views.timeline import PostgresTimelineView, SQLiteTimelineView

REBUILD_BATCH = 5000


@dataclass(frozen=True)
class ProjectionKind:
    projection: type[LedgerProjection[Any]]
    sqlite_view: type[ViewStore]
    postgres_view: type[ViewStore]

    def view_class(self, settings: Settings) -> type[ViewStore]:
        return self.sqlite_view if settings.is_sqlite else self.postgres_view


PROJECTIONS: dict[str, ProjectionKind] = {
    "history": ProjectionKind(HistoryProjection, SQLiteHistoryView, PostgresHistoryView),
    "timeline": ProjectionKind(TimelineProjection, SQLiteTimelineView, PostgresTimelineView),
    "balance": ProjectionKind(BalanceProjection, SQLiteBalanceView, PostgresBalanceView),
}

def open_view(settings: Settings, name: str,
              kinds: Mapping[str, ProjectionKind] = PROJECTIONS) -> Any:
    """The view of one projection, for reading or rebuilding (tables created if allowed)."""
    env = Environment(name, settings.projection_env(name))
    factory: Any = InfrastructureFactory.construct(env=env)
    return factory.tracking_recorder(kinds[name].view_class(settings))


def log_batches(log: LedgerLog, after: int = 0, stop: int | None = None,
                batch: int = REBUILD_BATCH) -> Iterator[Sequence[Any]]:
    """The log after a position, in batches of notifications (up to `stop`)."""
    position = after
    while stop is None or position < stop:
        notifications = log.recorder.select_notifications(
            start=position, limit=batch, stop=stop, inclusive_of_start=False)
        if not notifications:
            return
        yield notifications
        position = notifications[-1].id


def process_each(log: LedgerLog, projection: LedgerProjection[Any], after: int,
                 stop: int | None = None) -> int:
    """The log in (after, stop], one event per transaction: an event the view cannot
    apply becomes a dead letter and nothing else is lost. Answers how many."""
    processed = 0
    for notifications in log_batches(log, after=after, stop=stop):
        for notification in notifications:
            projection.process_event(log.mapper.to_domain_event(notification),
                                     Tracking(APP_NAME, notification.id))
            processed += 1
    return processed
