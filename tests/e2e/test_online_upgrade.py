"""`ebbflow rebuild --online` against a served instance: gunicorn, a projector
process, and HTTP clients writing and reading the whole time."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from ledger.infra.config import Settings
from projections.runner import open_view, rebuild
from tests.e2e.clients import Client, couple
from tests.e2e.conftest import gunicorn, instance_env, projector
from tests.integration.test_projection_properties import dump_views

NEED = {"need": "a slow breakfast", "intensity": 3, "support_type": "practical"}
WRITE_BOUND_SECONDS = 5.0


class Traffic:
    """A writer and a reader over HTTP; every answer kept."""

    def __init__(self, alex: Client, ledger: str) -> None:
        self.base, self.headers = f"{alex.base}/ledgers/{ledger}", dict(alex.http.headers)
        self.stop = threading.Event()
        self.positions: list[int] = []
        self.write_seconds: list[float] = []
        self.statuses: list[tuple[str, int]] = []
        self.threads = [threading.Thread(target=self.write), threading.Thread(target=self.read)]

    def session(self) -> requests.Session:
        """One per thread: a requests session is not for sharing across threads."""
        http = requests.Session()
        http.headers.update(self.headers)
        return http

    def write(self) -> None:
        http = self.session()
        while not self.stop.is_set():
            started = time.monotonic()
            answer = http.post(f"{self.base}/needs", json=NEED, timeout=30)
            self.write_seconds.append(time.monotonic() - started)
            self.statuses.append(("write", answer.status_code))
            if answer.status_code == 201:
                self.positions.append(answer.json()["position"])

    def read(self) -> None:
        http = self.session()
        while not self.stop.is_set():
            at = {"min_position": self.positions[-1]} if self.positions else {}
            for what in ("timeline", "balance"):
                answer = http.get(f"{self.base}/{what}", params=at, timeout=30)
                self.statuses.append((what, answer.status_code))
            time.sleep(0.02)


@pytest.mark.slow
def test_a_served_instance_answers_every_read_and_write_through_an_online_rebuild(
    settings: Settings, tmp_path: Path,
) -> None:
    web = gunicorn(settings, tmp_path)
    live = projector(settings, tmp_path / "projector.log")
    try:
        alex, _, ledger = couple(web)
        for _ in range(150):
            assert alex.post(f"/ledgers/{ledger}/needs", NEED).status_code == 201
        traffic = Traffic(alex, ledger)
        for thread in traffic.threads:
            thread.start()
        time.sleep(1.0)
        rebuilt = subprocess.run([sys.executable, "-m", "web.cli", "rebuild", "--online",
                                  "timeline"], env=instance_env(settings), capture_output=True,
                                 text=True, timeout=300, check=False)
        time.sleep(3.0)  # DROP_GRACE_SECONDS and then some: the old tables go
        traffic.stop.set()
        for thread in traffic.threads:
            thread.join(60)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "rebuilt timeline online: generation 2 serves" in rebuilt.stdout
        assert "timeline" in rebuilt.stderr  # the progress bar
        assert {status for _, status in traffic.statuses} == {200, 201}, [
            s for s in traffic.statuses if s[1] not in (200, 201)][:5]
        assert max(traffic.write_seconds) < WRITE_BOUND_SECONDS
        last = alex.post(f"/ledgers/{ledger}/needs", {**NEED, "need": "after the switch"})
        seen = alex.get(f"/ledgers/{ledger}/timeline",
                        params={"min_position": last.json()["position"], "limit": 1})
        assert seen.json()["items"][0]["need"] == "after the switch"  # the live one moved
    finally:
        live.send_signal(signal.SIGTERM)
        live.wait(timeout=15)
        web.stop()
    view = open_view(settings, "timeline")
    try:
        assert view.serving().number == 2 and view.serving().retired is None
    finally:
        view.datastore.close()
    online = dump_views(settings)
    rebuild(settings, ["timeline"])
    assert dump_views(settings) == online
