"""What every aggregate of ours shares: the actor on each event, and recorded times
that strictly increase within a stream even when the server clock steps back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

ONE_MICROSECOND = timedelta(microseconds=1)
IMPORTING: ContextVar[datetime | None] = ContextVar("ebbflow_importing", default=None)


@contextmanager
def importing(originally_recorded_at: datetime) -> Iterator[None]:
    """Replaying an exported history into a new ledger: events keep the time they were
    first recorded (as data), and the imported placeholder partner may act."""
    token = IMPORTING.set(originally_recorded_at)
    try:
        yield
    finally:
        IMPORTING.reset(token)


def is_importing() -> bool:
    return IMPORTING.get() is not None


class EbbFlowAggregate(Aggregate):
    class Event(Aggregate.Event):
        """Common fields: who did it, and (only for imported history) when it was
        first recorded in the ledger it came from. Each class starts at
        `class_version` 1; a change of shape raises it and adds an upcaster."""

        class_version = 1
        actor: UUID
        originally_recorded_at: datetime | None

    class Created(Event, Aggregate.Created):
        pass

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        """Records `timestamp` (the command's `now`), but never at or before the
        last event of this stream: then it is the last timestamp plus 1 µs."""
        now = kwargs.get("timestamp") or event_class.create_timestamp()
        kwargs["timestamp"] = max(now, self.modified_on + ONE_MICROSECOND)
        kwargs.setdefault("originally_recorded_at", IMPORTING.get())
        super().trigger_event(event_class, **kwargs)


class LedgerEvent(EbbFlowAggregate.Event):
    """An event of a couple's ledger. Each applies itself to the ledger's state in
    its `apply`, written beside the command that raises it: an event's fields are
    declared once, and the replay runs exactly what the command recorded."""

    def apply(self, aggregate: Any) -> None:
        """Events that change no state (a pause's end, an export) keep this."""
