"""The live projector and a view's generations: it stands by for a view serving rows
of another shape (another release's) and takes the view again once switched."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from ledger.infra.config import Settings
from projections import online
from projections.read_models import ReadModels
from projections.runner import catch_up, migrate_views, open_view, position_of, project
from tests.helpers import Couple
from tests.integration.test_runner import write_needs


def test_a_projector_stands_by_for_a_view_of_another_shape_and_takes_it_after_the_switch(
    settings: Settings, couple: Couple, read_models: ReadModels,
) -> None:
    before = write_needs(couple, 3)
    catch_up(settings)
    timeline = read_models.views["timeline"]
    with timeline.write(check=False) as cursor:  # as a newer release would have left it
        timeline.run(cursor, "UPDATE {generations} SET version = ? WHERE view = ?",
                     (timeline.SCHEMA_VERSION + 1, "timeline"))
    stop = threading.Event()
    thread = threading.Thread(target=project, args=(settings, stop), daemon=True)
    thread.start()
    try:
        after = write_needs(couple, 4)
        assert read_models.wait_for(after, 20, "balance")  # the others go on
        time.sleep(0.5)
        assert position_of(timeline) == before  # the other shape is not written
        assert thread.is_alive()

        online.rebuild_online(settings, "timeline", grace=0)
        last = write_needs(couple, 1)
        assert read_models.wait_for(last, 20, "timeline")  # taken back, on generation 2
        assert timeline.serving().number == 2 and thread.is_alive()
        assert read_models.dead_letters() == {name: [] for name in read_models.views}
    finally:
        stop.set()
        thread.join(10)
    view = open_view(settings, "timeline")
    try:
        assert len(view.query("SELECT entry_id FROM {entries}")) == 8
    finally:
        view.datastore.close()


def test_a_view_made_before_generations_becomes_generation_1_of_the_version_it_recorded(
    settings: Settings, couple: Couple,
) -> None:
    position = write_needs(couple, 2)
    catch_up(settings)
    view = open_view(settings, "history")
    try:
        with view.write(check=False) as cursor:  # as the release before generations left it
            view.run(cursor, "DROP TABLE {generations}")
            view.run(cursor, "UPDATE {schema_version} SET version = 1")
    finally:
        view.datastore.close()
    assert migrate_views(settings) == ["history"]  # older: rebuilt
    view = open_view(settings, "history")
    try:
        assert (view.serving().number, view.stored_version()) == (1, view.SCHEMA_VERSION)
        assert position_of(view) == position
    finally:
        view.datastore.close()


def test_a_read_that_resolved_the_retired_generation_just_dropped_reads_the_new_one(
    settings: Settings, couple: Couple, monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_needs(couple, 3)
    catch_up(settings)
    online.rebuild_online(settings, "timeline", grace=0)  # generation 1 dropped
    view = open_view(settings, "timeline")
    real_resolve = view.resolve
    late = iter([1])  # the first read resolved generation 1 just before the switch

    def resolve(cursor: Any, **kwargs: Any) -> int:
        return next(late, None) or real_resolve(cursor, **kwargs)

    monkeypatch.setattr(view, "resolve", resolve)
    try:
        assert len(view.query("SELECT entry_id FROM {entries}")) == 3
    finally:
        view.datastore.close()
