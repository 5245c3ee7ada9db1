"""Four OS processes append into one couple's ledger at once: nothing is lost,
versions stay contiguous, no process sees an error (conflicts are retried)."""

from __future__ import annotations

import multiprocessing
from uuid import UUID

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.ledger import Ledger
from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from tests.helpers import Couple

PROCESSES = 4
ENTRIES_EACH = 200


def write_needs(settings: Settings, ledger_id: UUID, actor: UUID, worker: int) -> int:
    app = LedgerApplication(settings)
    try:
        for n in range(ENTRIES_EACH):
            app.express_need(ledger_id, actor, need=f"worker {worker} need {n}",
                             support_type=SupportType.EMOTIONAL, intensity=1 + n % 5)
    finally:
        app.close()
    return ENTRIES_EACH


@pytest.mark.slow
def test_four_processes_append_800_entries_to_one_ledger_without_loss(
    settings: Settings, couple: Couple,
) -> None:
    partners = [couple.alex, couple.sam]
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        results = [pool.apply_async(write_needs, (settings, couple.ledger_id,
                                                  partners[w % 2], w)) for w in range(PROCESSES)]
        written = sum(result.get(timeout=300) for result in results)
    assert written == PROCESSES * ENTRIES_EACH

    events = list(couple.app.events.get(couple.ledger_id))
    versions = [event.originator_version for event in events]
    assert versions == list(range(1, len(events) + 1))
    needs = [e for e in events if isinstance(e, Ledger.NeedExpressed)]
    assert len(needs) == PROCESSES * ENTRIES_EACH
    assert len({e.entry_id for e in needs}) == PROCESSES * ENTRIES_EACH
    fresh = LedgerApplication(settings)
    try:
        assert len(fresh.get_ledger(couple.ledger_id).entries) == PROCESSES * ENTRIES_EACH
    finally:
        fresh.close()
