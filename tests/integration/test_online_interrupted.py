"""An online rebuild stopped part way (an error, or its process killed) leaves the
old generation serving, and running it again finishes the job."""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest

from ledger.domain.exceptions import Conflict
from ledger.infra.config import Settings
from projections import online
from projections.leases import leases_for
from projections.runner import catch_up, migrate_views, open_view, position_of, rebuild
from tests.helpers import Couple
from tests.integration.test_projection_properties import dump_views
from tests.integration.test_runner import ebbflow, write_needs


def timeline_ids(settings: Settings, couple: Couple) -> int:
    view = open_view(settings, "timeline")
    try:
        return len(view.query("SELECT entry_id FROM {entries} WHERE ledger_id = ?",
                              (couple.ledger_id.hex,)))
    finally:
        view.datastore.close()


def serving(settings: Settings, name: str = "timeline") -> Any:
    view = open_view(settings, name)
    try:
        return view.serving()
    finally:
        view.datastore.close()


def test_an_online_rebuild_that_fails_half_way_leaves_the_old_serving_and_resumes(
    settings: Settings, couple: Couple, monkeypatch: pytest.MonkeyPatch,
) -> None:
    head = write_needs(couple, 300)
    catch_up(settings)
    real_replay = online.replay

    def replay_then_fail(log: Any, projection: Any, view: Any, end: int, *args: Any,
                         **kwargs: Any) -> int:
        real_replay(log, projection, view, end // 2, *args, **kwargs)
        raise RuntimeError("the rebuild's host went away")

    monkeypatch.setattr(online, "replay", replay_then_fail)
    with pytest.raises(RuntimeError):
        online.rebuild_online(settings, "timeline", batch=20, grace=0)
    left = serving(settings)
    assert (left.number, left.building) == (1, 2)
    assert timeline_ids(settings, couple) == 300  # the old one serves, whole

    monkeypatch.setattr(online, "replay", real_replay)
    reported: list[int] = []
    online.rebuild_online(settings, "timeline", lambda _, done, __: reported.append(done),
                          batch=20, grace=0)
    now = serving(settings)
    assert (now.number, now.building, now.retired) == (2, None, None)
    assert head // 2 <= reported[0] < head  # resumed where the failed run stopped
    assert timeline_ids(settings, couple) == 300
    assert migrate_views(settings) == []  # generation 2 opens as any view does
    built = dump_views(settings)
    rebuild(settings, ["timeline"])
    assert dump_views(settings) == built


@pytest.mark.slow
def test_an_online_rebuild_killed_while_building_serves_on_and_runs_again_to_the_end(
    settings: Settings, couple: Couple,
) -> None:
    head = write_needs(couple, 1500)
    catch_up(settings)
    process = ebbflow(settings, "rebuild", "--online", "timeline")
    deadline = time.monotonic() + 60
    while serving(settings).building is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)  # while it builds generation 2
    process.communicate(timeout=30)
    killed_at = serving(settings)
    assert (killed_at.number, killed_at.building) == (1, 2)
    assert timeline_ids(settings, couple) == 1500
    view = open_view(settings, "timeline")
    try:
        assert position_of(view) == head and view.readable()
    finally:
        view.datastore.close()

    again = ebbflow(settings, "rebuild", "--online", "timeline")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert "rebuilt timeline online" in out
    now = serving(settings)
    assert (now.number, now.building, now.retired) == (2, None, None)
    assert timeline_ids(settings, couple) == 1500
    built = dump_views(settings)
    rebuild(settings, ["timeline"])
    assert dump_views(settings) == built


@pytest.mark.slow
def test_migrate_keeps_a_stale_view_serving_when_told_and_else_rebuilds_it_online(
    settings: Settings, couple: Couple,
) -> None:
    write_needs(couple, 10)
    catch_up(settings)
    view = open_view(settings, "balance")
    try:
        with view.write(check=False) as cursor:
            view.run(cursor, "UPDATE {generations} SET version = ? WHERE view = 'balance'",
                     (view.SCHEMA_VERSION - 1,))
        expected = view.SCHEMA_VERSION
    finally:
        view.datastore.close()

    _, kept = ebbflow(settings, "migrate", "--keep-stale").communicate(timeout=120)
    assert "left serving; run `ebbflow rebuild --online balance`" in kept
    assert (serving(settings, "balance").number, serving(settings, "balance").version) == (
        1, expected - 1)
    _, rebuilt = ebbflow(settings, "migrate").communicate(timeout=120)
    assert "the balance view's rows were of another shape: rebuilt online" in rebuilt
    assert (serving(settings, "balance").number, serving(settings, "balance").version) == (
        2, expected)


def test_a_second_online_rebuild_of_the_same_view_is_refused_while_one_runs(
    settings: Settings, couple: Couple,
) -> None:
    write_needs(couple, 2)
    catch_up(settings)
    running = leases_for(settings, ["timeline.rebuild"])["timeline.rebuild"]
    assert running.try_acquire()  # as the first run holds it
    try:
        with pytest.raises(Conflict, match="already running"):
            online.rebuild_online(settings, "timeline", grace=0)
        assert serving(settings).building is None  # the refused run touched nothing
    finally:
        running.release()
    assert online.rebuild_online(settings, "timeline", grace=0) == 2
