"""A long history loads in constant time from a snapshot, and snapshots stay small
because the aggregate holds no text."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.places import entry_text
from ledger.domain.values import SupportType, Visibility
from ledger.infra.config import SNAPSHOT_INTERVAL, Settings
from ledger.infra.sealing import partner_key_id
from tests.helpers import Couple, ManualClock

EVENTS = 10_000
CHUNK = 500


def grow(couple: Couple, clock: ManualClock, events: int) -> None:
    """Appends needs and care straight through the aggregate, saved in chunks."""
    app = couple.app
    sealer = app.keys.sealer()
    ledger = app.get_ledger(couple.ledger_id, couple.alex)
    while ledger.version < events:
        now = clock.advance(minutes=10)
        need_id = uuid4()
        words = sealer.seal(partner_key_id(couple.ledger_id, couple.alex), "a need",
                            entry_text(couple.ledger_id, need_id, "need"))
        ledger.express_need(couple.alex, entry_id=need_id, occurred_at=now, need=words,
                            feeling=None, situation=None, support_type=SupportType.EMOTIONAL,
                            intensity=3, recurring=False, visibility=Visibility.SHARED, now=now)
        ledger.offer_care(couple.sam, entry_id=uuid4(), occurred_at=now, description=words,
                          support_type=SupportType.PRACTICAL, in_response_to=need_id,
                          quiet=False, visibility=Visibility.SHARED, now=now)
        if len(ledger.pending_events) >= CHUNK:
            app.save(ledger)
    app.save(ledger)


class CountingSelects:
    """Wraps a recorder's select_events to count the rows each call returns."""

    def __init__(self, recorder: Any) -> None:
        self.rows: list[int] = []
        self._select = recorder.select_events
        recorder.select_events = self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        rows = self._select(*args, **kwargs)
        self.rows.append(len(rows))
        return rows


@pytest.mark.slow
def test_a_10000_event_ledger_loads_from_its_snapshot_plus_at_most_an_interval(
    settings: Settings, couple: Couple, clock: ManualClock,
) -> None:
    grow(couple, clock, EVENTS)
    fresh = LedgerApplication(settings)
    try:
        assert fresh.snapshots is not None
        event_rows = CountingSelects(fresh.recorder)
        snapshot_rows = CountingSelects(fresh.snapshots.recorder)
        ledger = fresh.get_ledger(couple.ledger_id, couple.alex)
        assert ledger.version >= EVENTS
        assert snapshot_rows.rows == [1]
        assert sum(event_rows.rows) <= SNAPSHOT_INTERVAL
        assert len(ledger.entries) == ledger.version - 2  # all but Opened and PartnerJoined

        stored = fresh.snapshots.recorder.select_events(couple.ledger_id, desc=True, limit=1)[0]
        bytes_per_entry = len(stored.state) / len(ledger.entries)
        print(f"\nsnapshot of {len(ledger.entries)} entries: {len(stored.state)} bytes, "
              f"{bytes_per_entry:.1f} bytes per entry")
        assert bytes_per_entry <= 100
    finally:
        fresh.close()


def test_loading_an_old_version_starts_from_the_nearest_snapshot(
    couple: Couple, clock: ManualClock,
) -> None:
    grow(couple, clock, 3 * SNAPSHOT_INTERVAL + 7)
    app = couple.app
    event_rows = CountingSelects(app.recorder)
    older = app.repository.get(couple.ledger_id, version=2 * SNAPSHOT_INTERVAL + 3)
    assert older.version == 2 * SNAPSHOT_INTERVAL + 3
    assert len(older.entries) == older.version - 2
    assert sum(event_rows.rows) == 3  # the snapshot at 2 × interval, then three events
