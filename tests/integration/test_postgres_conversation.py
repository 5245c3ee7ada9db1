"""What an append says to PostgreSQL, read from libpq's own trace: a handful of round
trips (the writer lock, the key, the ledger's newest events, one pipeline of the insert,
the commit and the unlock), no ping per checkout; and what happens when the server drops
the pool's connections, which the missing ping must not turn into errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from bench.protocol import conversation, traced_connections
from ledger.app.application import LedgerApplication
from ledger.domain.values import SupportType
from ledger.infra.stores.postgres import WRITER_LOCK_CLASS, _signed32
from tests.conftest import POSTGRES_BASE, migrated
from tests.helpers import make_couple

pytestmark = pytest.mark.postgres
ROUND_TRIPS_AT_MOST = 4.5  # the library's own get + save takes six; 5.2 with its own unlock


@pytest.fixture
def app(postgres_url: str, tmp_path: Path) -> Iterator[LedgerApplication]:
    with traced_connections() as trace:
        application = LedgerApplication(migrated(postgres_url, tmp_path))
        application.trace = trace  # type: ignore[attr-defined]
        yield application
        application.close()


def need(app: LedgerApplication, ledger_id: Any, actor: Any) -> Any:
    return app.express_need(ledger_id, actor, need="a calm evening", intensity=2,
                            support_type=SupportType.EMOTIONAL)


def test_an_append_takes_a_handful_of_round_trips_and_no_pings(app: LedgerApplication) -> None:
    couple = make_couple(app)
    for _ in range(3):  # warm: the ledger cached, statements prepared
        need(app, couple.ledger_id, couple.alex)
    app.trace()  # type: ignore[attr-defined]
    for _ in range(10):
        need(app, couple.ledger_id, couple.alex)
    text = app.trace()  # type: ignore[attr-defined]
    said = conversation(text)
    assert said.round_trips <= 10 * ROUND_TRIPS_AT_MOST, said
    assert 'Query\t ""' not in text  # the pool's ping before each checkout, an empty query
    assert text.count("Parse\t") + text.count("Query\t") >= 10  # the trace saw the appends


def test_appends_and_key_reads_go_on_after_the_server_drops_the_connections(
        app: LedgerApplication) -> None:
    couple = make_couple(app)
    need(app, couple.ledger_id, couple.alex)
    schema = app.recorder.datastore.schema  # type: ignore[attr-defined]
    with psycopg.connect(POSTGRES_BASE, autocommit=True) as admin:
        ours = [row[0] for row in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE %s "
            "AND query NOT LIKE 'CREATE SCHEMA%%'",  # the fixture's own connection
            (f"%{schema}%",))]
        assert ours, "the pool holds connections that have spoken to this schema"
        for pid in ours:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    for _ in range(3):
        recorded = need(app, couple.ledger_id, couple.sam)
        assert recorded.position > 0
    assert app.get_ledger(couple.ledger_id, couple.alex).version == recorded.version


def test_a_conflicting_insert_is_refused_and_leaves_the_connection_clean(
        app: LedgerApplication) -> None:
    couple = make_couple(app)
    first = need(app, couple.ledger_id, couple.alex)
    stored = app.recorder.select_events(couple.ledger_id, desc=True, limit=1)
    with pytest.raises(IntegrityError):
        app.recorder.insert_events(list(stored))  # the same version again
    pool: Any = app.recorder.datastore.pool  # type: ignore[attr-defined]
    with pool.connection() as conn:
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    after = need(app, couple.ledger_id, couple.sam)
    assert after.version == first.version + 1
    assert after.position > first.position


def lock_is_free(ledger_id: Any) -> bool:
    """Whether another session could take this ledger's writer lock now."""
    key = _signed32(ledger_id.int)
    with psycopg.connect(POSTGRES_BASE, autocommit=True) as other:
        taken = other.execute("SELECT pg_try_advisory_lock(%s, %s)",
                              (WRITER_LOCK_CLASS, key)).fetchone()
        return bool(taken and taken[0])


def test_the_writer_lock_is_released_with_the_commit_and_after_a_refused_insert(
        app: LedgerApplication) -> None:
    couple = make_couple(app)
    need(app, couple.ledger_id, couple.alex)
    recorder: Any = app.recorder
    with recorder.writer_lock([couple.ledger_id]):
        assert not lock_is_free(couple.ledger_id)
        stored = recorder.select_events(couple.ledger_id, desc=True, limit=1)
        with pytest.raises(IntegrityError):
            recorder.insert_events(list(stored))  # refused: the lock stays until the end
        assert not lock_is_free(couple.ledger_id)
    assert lock_is_free(couple.ledger_id)
    with recorder.writer_lock([couple.ledger_id]):
        need_event = recorder.select_events(couple.ledger_id, desc=True, limit=1)[0]
        again = type(need_event)(need_event.originator_id, need_event.originator_version + 1,
                                 need_event.topic, need_event.state)
        recorder.insert_events([again])
        assert lock_is_free(couple.ledger_id), "released in the append's own pipeline"
    assert lock_is_free(couple.ledger_id)
    assert need(app, couple.ledger_id, couple.sam).version == again.originator_version + 1
