"""Read-your-writes on PostgreSQL is woken by the view's own commit (NOTIFY sent in
the view's transaction), not by polling; a listener that lost its connection costs
time, never an answer."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.values import SupportType
from projections.commit_wake import CommitWaiter
from projections.read_models import ReadModels
from tests.conftest import POSTGRES_BASE, Projector, migrated
from tests.helpers import make_couple

pytestmark = pytest.mark.postgres


def test_a_waiting_read_is_woken_by_the_views_commit_of_its_position(
        postgres_url: str, tmp_path: Path) -> None:
    settings = migrated(postgres_url, tmp_path)
    app, reads = LedgerApplication(settings), ReadModels(settings)
    try:
        couple = make_couple(app)
        assert isinstance(reads.commits, CommitWaiter)
        assert reads.commits.ensure_listening()
        recorded = app.express_need(couple.ledger_id, couple.alex, need="a walk", intensity=2,
                                    support_type=SupportType.PRACTICAL)
        answer: list[bool] = []
        waiting = threading.Thread(target=lambda: answer.append(
            reads.wait_for(recorded.position, 20, "timeline")))
        waiting.start()  # before any projector runs: the read has to wait
        projector = Projector(settings)
        try:
            waiting.join(25)
            assert answer == [True]
            assert reads.commits.heard.get("timeline", 0) >= recorded.position
            assert reads.position_of("timeline") >= recorded.position
        finally:
            projector.close()
    finally:
        reads.close()
        app.close()


def test_a_read_still_answers_when_the_listener_has_lost_its_connection(
        postgres_url: str, tmp_path: Path) -> None:
    settings = migrated(postgres_url, tmp_path)
    app, reads = LedgerApplication(settings), ReadModels(settings)
    projector = Projector(settings)
    try:
        couple = make_couple(app)
        assert reads.commits is not None and reads.commits.ensure_listening()
        with psycopg.connect(POSTGRES_BASE, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE %s", (f'LISTEN "{reads.commits.channel}"%',)).fetchall()
        assert killed, "the listener's connection was found and ended"
        recorded = app.express_need(couple.ledger_id, couple.sam, need="quiet", intensity=1,
                                    support_type=SupportType.EMOTIONAL)
        assert reads.wait_for(recorded.position, 20)
        assert reads.position() >= recorded.position
    finally:
        projector.close()
        reads.close()
        app.close()
