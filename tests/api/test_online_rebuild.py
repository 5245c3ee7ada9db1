"""A view rebuilt online (blue/green) while couples write and read through the app,
on both backends; a view of another shape is refused, not misread."""

from __future__ import annotations

import threading
import time
from typing import Any
from uuid import UUID

import pytest

from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from projections import online
from projections.runner import open_view, rebuild
from tests.api.conftest import Api, Person
from tests.integration.test_projection_properties import dump_views
from web.services import services

WRITE_BOUND_SECONDS = 3.0  # an append never waits for the rebuild beyond this


def prefill(api: Api, alex: Person, ledger_id: str, count: int) -> None:
    """History for the rebuild to replay, written in-process (quicker than HTTP)."""
    with api.app.app_context():
        for n in range(count):
            services().ledger.express_need(UUID(ledger_id), UUID(alex.id), need=f"old {n}",
                                           intensity=1, support_type=SupportType.PRACTICAL)
    api.sync()


class Load:
    """One thread appending needs through the API, another reading them back."""

    def __init__(self, api: Api, alex: Person, ledger_id: str) -> None:
        self.api, self.alex, self.ledger_id = api, alex, ledger_id
        self.stop = threading.Event()
        self.written: list[tuple[str, int]] = []  # (entry id, position) answered 201
        self.write_seconds: list[float] = []
        self.reads: list[tuple[str, int]] = []  # (what, status) of every read
        self.wrong: list[str] = []
        self.threads = [threading.Thread(target=self.guarded, args=(work,))
                        for work in (self.write, self.read)]

    def guarded(self, work: Any) -> None:
        try:
            work()
        except Exception as error:  # the test asserts none happened
            self.wrong.append(repr(error))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(30)

    def call(self, path: str, **kwargs: Any) -> Any:
        client = self.api.app.test_client()
        return client.open(path, headers={"Authorization": f"Bearer {self.alex.token}"},
                           **kwargs)

    def write(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            answer = self.call(f"/api/v1/ledgers/{self.ledger_id}/needs", method="POST",
                               json={"need": f"new {len(self.written)}", "intensity": 2,
                                     "support_type": "emotional"})
            self.write_seconds.append(time.monotonic() - started)
            assert answer.status_code == 201, answer.json
            self.written.append((answer.json["id"], answer.json["position"]))

    def read(self) -> None:
        base = f"/api/v1/ledgers/{self.ledger_id}"
        while not self.stop.is_set():
            if not self.written:
                time.sleep(0.01)
                continue
            entry_id, position = self.written[-1]
            known = len(self.written)
            one = self.call(f"{base}/entries/{entry_id}?min_position={position}")
            self.reads.append(("entry", one.status_code))
            if one.status_code == 200 and one.json["id"] != entry_id:
                self.wrong.append(f"entry {entry_id} answered {one.json['id']}")
            page = self.call(f"{base}/timeline?min_position={position}&limit=5")
            self.reads.append(("timeline", page.status_code))
            balance = self.call(f"{base}/balance?min_position={position}")
            self.reads.append(("balance", balance.status_code))
            if balance.status_code == 200:
                needs = balance.json["responsiveness"][self.alex.id]["needs"]
                in_flight = 1  # the writer's need may be in the view before its 201 is kept
                if not known <= needs - self.prefilled <= len(self.written) + in_flight:
                    self.wrong.append(f"balance counted {needs} needs, {known} were written")

    prefilled = 0


@pytest.mark.parametrize("view", ["timeline", "balance"])
def test_reads_answer_rightly_and_writes_go_on_through_an_online_rebuild_equal_to_a_full_one(
    api: Api, settings: Settings, view: str,
) -> None:
    alex, _, ledger_id = api.couple()
    prefill(api, alex, ledger_id, 400)
    with Load(api, alex, ledger_id) as load:
        load.prefilled = 400
        while len(load.written) < 5:
            time.sleep(0.01)
        generation = online.rebuild_online(settings, view, batch=50, grace=0.2)
        written_during = len(load.written)
        time.sleep(0.5)  # reads and writes go on after the switch, on the new generation
    assert generation == 2
    assert load.wrong == []
    assert load.reads and {status for _, status in load.reads} == {200}, load.reads
    assert written_during > 5 and len(load.written) > written_during  # writes went on
    assert max(load.write_seconds) < WRITE_BOUND_SECONDS
    api.sync()
    served = open_view(settings, view)
    try:
        assert served.serving().number == 2 and served.readable()
    finally:
        served.datastore.close()
    online_rows = dump_views(settings)
    with api.projector.stopped():
        rebuild(settings, [view])
        assert dump_views(settings) == online_rows


def set_version(settings: Settings, view: str, version: int) -> None:
    """As if another release had built the view serving."""
    store = open_view(settings, view)
    try:
        with store.write(check=False) as cursor:
            store.run(cursor, "UPDATE {generations} SET version = ? WHERE view = ?",
                      (version, view))
    finally:
        store.datastore.close()


@pytest.mark.parametrize("shift", [-1, 1], ids=["older", "newer"])
def test_a_view_of_another_shape_is_named_by_readyz_and_its_reads_503_while_others_serve(
    api: Api, settings: Settings, shift: int,
) -> None:
    alex, _, ledger_id = api.couple()
    need = alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {
        "need": "a walk", "intensity": 2, "support_type": "emotional"})
    api.sync()
    expected = open_view(settings, "timeline").SCHEMA_VERSION
    set_version(settings, "timeline", expected + shift)

    ready = api.client.get("/readyz")
    assert ready.status_code == 503
    assert (f"view timeline is at version {expected + shift}, this code reads version "
            f"{expected}") in ready.json["detail"]
    timeline = alex.get(f"/api/v1/ledgers/{ledger_id}/timeline")
    assert timeline.status_code == 503
    assert timeline.mimetype == "application/problem+json"
    assert "this view (timeline) is being upgraded" in timeline.json["detail"]
    assert int(timeline.headers["Retry-After"]) > 0
    waited = alex.get(f"/api/v1/ledgers/{ledger_id}/entries/{need.json['id']}"
                      f"?min_position={need.json['position'] + 1}")
    assert waited.status_code in (422, 503)  # beyond the log, or refused at once
    assert alex.get(f"/api/v1/ledgers/{ledger_id}/balance").status_code == 200
    assert alex.get(f"/api/v1/ledgers/{ledger_id}/events").status_code == 200

    online.rebuild_online(settings, "timeline", grace=0)
    api.sync()
    assert api.client.get("/readyz").status_code == 200
    items = alex.get(f"/api/v1/ledgers/{ledger_id}/timeline").json["items"]
    assert [item["id"] for item in items] == [need.json["id"]]
