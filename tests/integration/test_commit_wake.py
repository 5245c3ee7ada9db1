"""Read-your-writes on PostgreSQL is woken by the view's own commit (NOTIFY sent in
the view's transaction), not by polling; a listener that lost its connection costs
time, never an answer. Reads remember the view's serving generation until a change
of the registry is announced on the same channel (or the listener reconnects)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from projections import online
from projections.commit_wake import CommitWaiter
from projections.read_models import ReadModels
from projections.runner import catch_up, open_view
from tests.conftest import POSTGRES_BASE, Projector, migrated
from tests.helpers import make_couple

pytestmark = pytest.mark.postgres


@dataclass
class Instance:
    settings: Settings
    app: LedgerApplication
    reads: ReadModels


@pytest.fixture
def instance(postgres_url: str, tmp_path: Path) -> Iterator[Instance]:
    """An instance on PostgreSQL, its application and its read side (which listens)."""
    settings = migrated(postgres_url, tmp_path)
    app, reads = LedgerApplication(settings), ReadModels(settings)
    try:
        yield Instance(settings, app, reads)
    finally:
        reads.close()
        app.close()


def end_the_listeners_connection(waiter: CommitWaiter) -> bool:
    """As a restarted server or a dropped network would; True if it was found."""
    with psycopg.connect(POSTGRES_BASE, autocommit=True) as admin:
        return bool(admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE query LIKE %s", (f'LISTEN "{waiter.channel}"%',)
                                  ).fetchall())


def test_a_waiting_read_is_woken_by_the_views_commit_of_its_position(
        instance: Instance) -> None:
    app, reads = instance.app, instance.reads
    couple = make_couple(app)
    assert isinstance(reads.commits, CommitWaiter)
    assert reads.commits.ensure_listening()
    recorded = app.express_need(couple.ledger_id, couple.alex, need="a walk", intensity=2,
                                support_type=SupportType.PRACTICAL)
    answer: list[bool] = []
    waiting = threading.Thread(target=lambda: answer.append(
        reads.wait_for(recorded.position, 20, "timeline")))
    waiting.start()  # before any projector runs: the read has to wait
    projector = Projector(instance.settings)
    try:
        waiting.join(25)
        assert answer == [True]
        # the read may have woken on another view's notification and found its own
        # position committed before the listener took the timeline's: it comes
        heard = reads.commits.heard
        deadline = time.monotonic() + 5
        while heard.get("timeline", 0) < recorded.position and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heard.get("timeline", 0) >= recorded.position
        assert reads.position_of("timeline") >= recorded.position
    finally:
        projector.close()


def test_a_read_still_answers_when_the_listener_has_lost_its_connection(
        instance: Instance) -> None:
    app, reads = instance.app, instance.reads
    projector = Projector(instance.settings)
    try:
        couple = make_couple(app)
        assert reads.commits is not None and reads.commits.ensure_listening()
        assert end_the_listeners_connection(reads.commits)
        recorded = app.express_need(couple.ledger_id, couple.sam, need="quiet", intensity=1,
                                    support_type=SupportType.EMOTIONAL)
        assert reads.wait_for(recorded.position, 20)
        assert reads.position() >= recorded.position
    finally:
        projector.close()


def counted_registry_reads(view: Any) -> list[bool]:
    """Each lookup of the view's registry row from now on (True: a writer's, locked)."""
    calls: list[bool] = []
    original = view.registry

    def counting(cursor: Any, lock: bool = False) -> Any:
        calls.append(lock)
        return original(cursor, lock)

    view.registry = counting
    return calls


def heard_a_change_since(waiter: CommitWaiter, epoch: Any, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if waiter.registry_epoch() not in (None, epoch):
            return True
        time.sleep(0.01)
    return False


def test_reads_remember_the_serving_generation_until_a_switch_is_announced(
        instance: Instance) -> None:
    app, reads, settings = instance.app, instance.reads, instance.settings
    couple = make_couple(app)
    catch_up(settings)
    assert reads.commits is not None and reads.commits.ensure_listening()
    timeline = reads.views["timeline"]
    looked_up = counted_registry_reads(timeline)
    count = "SELECT COUNT(*) AS n FROM {entries} WHERE ledger_id = ?"
    for _ in range(5):
        timeline.query(count, (couple.ledger_id.hex,))
        reads.wait_for(reads.position(), 5, "timeline")
    assert looked_up == [False], "one lookup, then remembered while nothing changed"

    epoch = reads.commits.registry_epoch()
    online.rebuild_online(settings, "timeline", grace=0)  # another process would do
    assert heard_a_change_since(reads.commits, epoch), "the switch was announced"
    with timeline.read() as _:
        assert timeline.generation_in_use() == 2
    assert looked_up == [False, False]
    recorded = app.express_need(couple.ledger_id, couple.sam, need="tea", intensity=2,
                                support_type=SupportType.EMOTIONAL)
    catch_up(settings)
    assert reads.wait_for(recorded.position, 10, "timeline")
    assert timeline.query(count, (couple.ledger_id.hex,))[0]["n"] == 1


def test_a_listener_that_lost_its_connection_makes_reads_look_the_registry_up_again(
        instance: Instance) -> None:
    reads = instance.reads
    assert reads.commits is not None and reads.commits.ensure_listening()
    history = reads.views["history"]
    looked_up = counted_registry_reads(history)
    history.dead_letters()
    history.dead_letters()
    assert looked_up == [False]
    epoch = reads.commits.registry_epoch()
    assert end_the_listeners_connection(reads.commits)
    assert heard_a_change_since(reads.commits, epoch), "reconnected, as a new epoch"
    history.dead_letters()
    assert looked_up == [False, False]


def test_without_a_listener_every_read_looks_the_registry_up(instance: Instance) -> None:
    view = open_view(instance.settings, "balance")  # a projector's or a rebuild's: no watch
    try:
        looked_up = counted_registry_reads(view)
        for _ in range(3):
            view.dead_letters()
        assert looked_up == [False, False, False]
    finally:
        view.datastore.close()
