"""The projector as it runs for real: its one subscription for every view in a
thread, `ebbflow project` as an OS process killed with SIGKILL and restarted,
rebuilds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from ledger.infra.log import TolerantMapper
from projections.read_models import ReadModels
from projections.runner import (
    PROJECTIONS,
    catch_up,
    migrate_views,
    open_view,
    position_of,
    project,
    rebuild,
)
from tests.helpers import Couple
from tests.integration.test_projection_properties import dump_views


def write_needs(couple: Couple, count: int) -> int:
    position = 0
    for n in range(count):
        position = couple.app.express_need(couple.ledger_id, couple.alex, need=f"n{n}",
                                           intensity=1 + n % 5,
                                           support_type=SupportType.EMOTIONAL).position
    return position


def test_the_projector_follows_the_log_and_read_your_writes_waits_for_it(
    settings: Settings, couple: Couple, read_models: ReadModels,
) -> None:
    stop = threading.Event()
    thread = threading.Thread(target=project, args=(settings, stop))
    thread.start()
    try:
        position = write_needs(couple, 5)
        assert read_models.wait_for(position, timeout=10)
        assert read_models.position() >= position
        later = write_needs(couple, 1)
        started = time.monotonic()
        assert read_models.wait_for(later, timeout=10)
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()


def test_the_projector_decodes_each_event_once_for_all_its_views(
    settings: Settings, couple: Couple, read_models: ReadModels,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catch_up(settings)
    decoded: list[int] = []
    original = TolerantMapper.to_domain_event

    def counting(self: TolerantMapper, stored: StoredEvent) -> object:
        decoded.append(1)
        return original(self, stored)

    monkeypatch.setattr(TolerantMapper, "to_domain_event", counting)
    stop = threading.Event()
    thread = threading.Thread(target=project, args=(settings, stop))
    thread.start()
    try:
        first = read_models.position()
        position = write_needs(couple, 6)
        assert read_models.wait_for(position, timeout=10)
        assert len(decoded) == position - first  # not once per view (three times)
        assert {name: read_models.position_of(name) for name in PROJECTIONS} == \
            dict.fromkeys(PROJECTIONS, position)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()


def test_waiting_for_a_position_no_projector_reaches_times_out(
    settings: Settings, couple: Couple, read_models: ReadModels,
) -> None:
    position = write_needs(couple, 1)
    started = time.monotonic()
    assert read_models.wait_for(position, timeout=0.2) is False
    assert 0.2 <= time.monotonic() - started < 2


def test_an_event_that_cannot_be_decoded_is_passed_over_not_fatal(
    settings: Settings, couple: Couple, read_models: ReadModels,
) -> None:
    write_needs(couple, 2)
    couple.app.recorder.insert_events([StoredEvent(  # a damaged stream beside the ledger's
        originator_id=uuid4(), originator_version=1,
        topic="ledger.domainmodel:Ledger.NeedExpressed", state=b"not decryptable")])
    position = write_needs(couple, 2)
    assert catch_up(settings) > 0
    assert read_models.position() == position
    stop = threading.Event()
    rebuild(settings, PROJECTIONS)
    thread = threading.Thread(target=project, args=(settings, stop))
    thread.start()
    try:
        later = write_needs(couple, 1)
        assert read_models.wait_for(later, timeout=10)
    finally:
        stop.set()
        thread.join(timeout=20)


def ebbflow(settings: Settings, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "EBBFLOW_DATABASE_URL": settings.database_url,
           "EBBFLOW_DATA_DIR": str(settings.data_dir), "EBBFLOW_CIPHER_KEY": settings.cipher_key,
           "EBBFLOW_SECRET_KEY": settings.secret_key}
    return subprocess.Popen([sys.executable, "-m", "web.cli", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_a_projector_killed_again_and_again_ends_equal_to_a_rebuild(
    settings: Settings, couple: Couple, read_models: ReadModels,
) -> None:
    kills_wanted, stop_writing, written = 3, threading.Event(), []

    def keep_writing() -> None:
        """Writes until the projector has been killed mid-stream enough times."""
        while not stop_writing.is_set():
            written.append(write_needs(couple, 20))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    kills, seen_at_kill, reached = 0, [], 0
    try:
        while kills < kills_wanted:
            projector = ebbflow(settings, "project")
            assert projector.stderr is not None
            projector.stderr.readline()  # started: it is following the log now
            deadline = time.monotonic() + 30
            while read_models.position() <= reached and time.monotonic() < deadline:
                time.sleep(0.05)  # kill only once it has made progress: mid-stream
            time.sleep(0.05 * (kills % 3))
            seen_at_kill.append((read_models.position(), couple.app.max_position()))
            projector.send_signal(signal.SIGKILL)
            projector.communicate(timeout=10)
            assert projector.returncode == -signal.SIGKILL
            reached = read_models.position()
            kills += 1
    finally:
        stop_writing.set()
    writer.join()
    final = couple.app.max_position()
    projector = ebbflow(settings, "project")
    try:
        assert projector.stderr is not None
        started = json.loads(projector.stderr.readline())
        assert started["message"].startswith("projector for history, timeline, balance")
        assert read_models.wait_for(final, timeout=60)
    finally:
        projector.send_signal(signal.SIGTERM)
        _, err = projector.communicate(timeout=20)
    assert projector.returncode == 0, err
    assert '"message": "projector stopped"' in err
    incremental = dump_views(settings)
    assert any(len(rows) >= 20 * len(written) for rows in incremental.values())
    rebuild(settings, PROJECTIONS)
    assert dump_views(settings) == incremental
    assert kills == kills_wanted
    assert all(seen > 0 for seen, _ in seen_at_kill), seen_at_kill
    assert any(seen < at for seen, at in seen_at_kill), seen_at_kill  # killed mid-stream


def test_ebbflow_rebuild_replays_every_view_with_progress(
    settings: Settings, couple: Couple, read_models: ReadModels, tmp_path: Path,
) -> None:
    position = write_needs(couple, 20)
    process = ebbflow(settings, "rebuild", "all")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    for name in PROJECTIONS:
        assert f"rebuilt {name}:" in out
        assert position_of(read_models.views[name]) == position
    assert "history" in err  # the progress bars go to stderr


def test_migrate_rebuilds_a_view_whose_rows_are_of_an_older_shape(
    couple: Couple, settings: Settings,
) -> None:
    couple.app.express_need(couple.ledger_id, couple.alex, need="kept", intensity=1,
                            support_type="esteem")
    catch_up(settings)
    view = open_view(settings, "history")
    try:
        rows = len(view.all_events(couple.ledger_id.hex, after=0, limit=100))
        with view.write() as cursor:
            view.run(cursor, "UPDATE {generations} SET version = 1 WHERE view = 'history'")
            view.run(cursor, "DELETE FROM {events}")  # as if its rows could not be read
    finally:
        view.datastore.close()
    assert migrate_views(settings) == ["history"]
    assert migrate_views(settings) == []  # current now: nothing to do
    view = open_view(settings, "history")
    try:
        assert view.stored_version() == view.SCHEMA_VERSION
        assert len(view.all_events(couple.ledger_id.hex, after=0, limit=100)) == rows
    finally:
        view.datastore.close()
