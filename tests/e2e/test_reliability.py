"""Nothing lost under load and faults, through a real `ebbflow serve` with 4 gunicorn
workers, on SQLite and PostgreSQL: two partners × 8 client threads write into one
ledger for a bounded time (EBBFLOW_SOAK_SECONDS, longer under `make soak`), with and
without SIGKILLs of web workers and the projector; every write answered 201 is in
the log exactly once, versions are contiguous, nothing answers 5xx, and the views
end equal to a rebuild from the log."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from uuid import UUID

import pytest
import requests

from ledger.app.application import LedgerApplication
from ledger.infra.config import Settings
from projections.read_models import ReadModels
from projections.runner import PROJECTIONS, rebuild
from tests.e2e.clients import Client, couple
from tests.e2e.conftest import Served, serve
from tests.integration.test_projection_properties import dump_views

SECONDS = float(os.environ.get("EBBFLOW_SOAK_SECONDS", "4"))
THREADS_EACH = 8


class Load:
    """Client threads writing needs and care until stopped; what each was told."""

    def __init__(self, clients: tuple[Client, Client], ledger: str) -> None:
        self.ledger, self.stop = ledger, threading.Event()
        self.acknowledged: list[str] = []
        self.statuses: Counter[int] = Counter()
        self.lost_connections = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.write, args=(clients[n % 2], n))
                        for n in range(2 * THREADS_EACH)]

    def write(self, client: Client, n: int) -> None:
        with requests.Session() as http:
            http.headers.update(client.http.headers)
            i = 0
            while not self.stop.is_set():
                i += 1
                kind, body = ("needs", {"need": f"{n}-{i}", "intensity": 1 + i % 5,
                                        "support_type": "emotional"}) if i % 2 else \
                    ("care", {"description": f"{n}-{i}", "support_type": "practical"})
                try:
                    answer = http.post(f"{client.base}/ledgers/{self.ledger}/{kind}", json=body,
                                       timeout=30)
                except requests.RequestException:
                    with self.lock:  # a worker killed mid-request: not acknowledged
                        self.lost_connections += 1
                    continue
                with self.lock:
                    self.statuses[answer.status_code] += 1
                    if answer.status_code == 201:
                        self.acknowledged.append(answer.json()["id"])

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def children_of(pid: int) -> list[tuple[int, str]]:
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,args="], capture_output=True, text=True,
                         check=True).stdout
    rows = [line.split(None, 2) for line in out.splitlines()]
    return [(int(p), args) for p, parent, args in rows if int(parent) == pid]


def gunicorn_workers(served: Served) -> list[int]:
    master = next(pid for pid, args in children_of(served.process.pid) if "gunicorn" in args)
    return [pid for pid, _ in children_of(master)]


def projector_pid(served: Served) -> int:
    return next(pid for pid, args in children_of(served.process.pid) if " project" in args)


def views_catch_up(settings: Settings) -> None:
    """While still served: the (restarted) projector brings every view to the log's head."""
    app, reads = LedgerApplication(settings), ReadModels(settings)
    try:
        assert reads.wait_for(app.max_position(), timeout=60), "the views did not catch up"
    finally:
        app.close()
        reads.close()


def check_nothing_lost(settings: Settings, load: Load, ledger: str) -> None:
    print(f"\nreliability [{settings.database_url.split(':')[0]}]: {len(load.acknowledged)} "
          f"acknowledged, statuses {dict(load.statuses)}, {load.lost_connections} requests "
          "lost with a killed worker")  # the figures docs/RELIABILITY.md quotes (make soak)
    assert load.acknowledged, "the load wrote nothing"
    assert not [s for s in load.statuses if s >= 500], load.statuses
    app = LedgerApplication(settings)
    try:
        events = list(app.events.get(UUID(ledger)))
    finally:
        app.close()
    assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
    recorded = Counter(getattr(e, "entry_id", None) for e in events)
    assert [a for a in load.acknowledged if recorded[UUID(a)] != 1] == []
    incremental = dump_views(settings)
    rebuild(settings, PROJECTIONS)
    assert dump_views(settings) == incremental


@pytest.mark.slow
def test_two_partners_with_eight_threads_each_lose_nothing(settings: Settings,
                                                            tmp_path: Path) -> None:
    served = serve(settings, tmp_path, workers=4)
    try:
        alex, sam, ledger = couple(served)
        with Load((alex, sam), ledger) as load:
            time.sleep(SECONDS)
        assert load.lost_connections == 0
        assert set(load.statuses) == {201}, load.statuses
        views_catch_up(settings)
    finally:
        served.stop()
    check_nothing_lost(settings, load, ledger)


@pytest.mark.slow
def test_killed_web_workers_and_projector_lose_no_acknowledged_write(settings: Settings,
                                                                     tmp_path: Path) -> None:
    served = serve(settings, tmp_path, workers=4)
    kills: list[str] = []
    try:
        alex, sam, ledger = couple(served)
        with Load((alex, sam), ledger) as load:
            deadline = time.monotonic() + max(SECONDS, 4)
            while time.monotonic() < deadline:
                time.sleep(SECONDS / 4)
                victim = gunicorn_workers(served)[0]
                os.kill(victim, signal.SIGKILL)
                kills.append(f"worker {victim}")
                time.sleep(SECONDS / 8)
                victim = projector_pid(served)
                os.kill(victim, signal.SIGKILL)
                kills.append(f"projector {victim}")
            time.sleep(1.5)  # the supervisor restarts the projector; gunicorn its workers
            assert len(gunicorn_workers(served)) == 4
            assert projector_pid(served) not in [int(k.split()[1]) for k in kills
                                                 if k.startswith("projector")]
        assert len(kills) >= 4
        views_catch_up(settings)
    finally:
        served.stop()
    check_nothing_lost(settings, load, ledger)
