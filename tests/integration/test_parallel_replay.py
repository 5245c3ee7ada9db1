"""A long replay reads and decodes in a second process (projections/parallel_replay.py):
the views it makes equal those of a replay in one process, a bad event is still one
dead letter with everything else there, and a reader that fails fails the rebuild."""

from __future__ import annotations

from typing import Any

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.values import Adequacy, Outcome, SupportType
from ledger.infra.config import Settings
from ledger.infra.log import LedgerLog
from projections import parallel_replay
from projections.runner import PROJECTIONS, dead_letters, open_view, rebuild
from tests.api.test_dead_letters import poison
from tests.helpers import Couple, make_couple
from tests.integration.test_projection_properties import dump_views


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every replay from now on goes through a reader process; the views it ran for."""
    ran: list[str] = []
    original = parallel_replay.replay_in_parallel

    def recorded(settings: Settings, log: LedgerLog, projection: Any, *args: Any,
                 **kwargs: Any) -> int:
        ran.append(projection.name)
        return original(settings, log, projection, *args, **kwargs)

    monkeypatch.setattr(parallel_replay, "PARALLEL_FROM", 0)
    monkeypatch.setattr(parallel_replay, "replay_in_parallel", recorded)
    return ran


def some_history(app: LedgerApplication, couple: Couple, rounds: int) -> None:
    """Needs, care answering them, acknowledgements and resolutions, both ways."""
    for n in range(rounds):
        asker, giver = (couple.alex, couple.sam) if n % 2 else (couple.sam, couple.alex)
        need = app.express_need(couple.ledger_id, asker, need=f"need {n}", intensity=1 + n % 5,
                                support_type=SupportType.EMOTIONAL).id
        care = app.offer_care(couple.ledger_id, giver, description=f"care {n}",
                              support_type=SupportType.PRACTICAL, in_response_to=need).id
        assert need is not None and care is not None
        app.acknowledge_care(couple.ledger_id, asker, care_id=care, adequacy=Adequacy.RIGHT)
        app.resolve_need(couple.ledger_id, asker, need_id=need, outcome=Outcome.MET)


def test_a_rebuild_with_a_reader_process_equals_one_in_a_single_process(
    app: LedgerApplication, settings: Settings, readers: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for tag in ("-a", "-b"):
        some_history(app, make_couple(app, tag), 6)
    monkeypatch.setattr(parallel_replay, "PARALLEL_FROM", 10**9)
    rebuild(settings, PROJECTIONS, batch=7)  # small batches: many, written in order
    in_one_process = dump_views(settings)
    assert readers == []
    monkeypatch.setattr(parallel_replay, "PARALLEL_FROM", 0)
    rebuild(settings, PROJECTIONS, batch=7)
    assert readers == list(PROJECTIONS)
    assert dump_views(settings) == in_one_process


def test_a_bad_event_in_a_parallel_rebuild_is_one_dead_letter(
    app: LedgerApplication, settings: Settings, readers: list[str],
) -> None:
    victims, others = make_couple(app, "-a"), make_couple(app, "-b")
    some_history(app, others, 3)
    need = app.express_need(victims.ledger_id, victims.alex, need="n", intensity=2,
                            support_type=SupportType.EMOTIONAL).id
    assert need is not None
    poison(app, victims.ledger_id, victims.alex, need)
    some_history(app, others, 2)
    rebuild(settings, ["timeline"], batch=4)
    assert readers == ["timeline"]
    assert [row["error"] for row in dead_letters(settings)["timeline"]] == ["ValueError"]
    view = open_view(settings, "timeline")
    try:
        kinds = [row["kind"] for row in view.query(
            "SELECT kind FROM {entries} WHERE ledger_id = ?", (others.ledger_id.hex,))]
    finally:
        view.datastore.close()
    assert sorted(kinds) == sorted(["need", "care", "acknowledgement"] * 5)


def test_a_reader_that_fails_fails_the_replay(app: LedgerApplication,
                                              settings: Settings) -> None:
    some_history(app, make_couple(app), 1)
    view, log = open_view(settings, "timeline"), LedgerLog(env=settings.eventsourcing_env())
    try:
        projection = PROJECTIONS["timeline"].projection(view)
        projection.name = "no such view"  # the reader cannot open it
        with pytest.raises(RuntimeError, match="reader failed: KeyError"):
            parallel_replay.replay_in_parallel(settings, log, projection, 10**6, 100,
                                               lambda _: None)
    finally:
        view.datastore.close()
        log.close()
