"""Operations over HTTP, on SQLite and PostgreSQL: health, readiness while the
projectors are stopped and after they catch up, failover between two projectors,
metrics, JSON logs without entry text, and SIGTERM during a write load."""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
import requests

from ledger.app.application import LedgerApplication
from ledger.infra.config import Settings
from tests.e2e.clients import Client, couple
from tests.e2e.conftest import Served, gunicorn, projector, serve

NEED = {"need": "an evening without screens", "intensity": 2, "support_type": "emotional"}


def wait_until(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_readiness_follows_projection_lag_and_a_standby_projector_takes_over(
    settings: Settings, tmp_path: Path,
) -> None:
    web = gunicorn(settings, tmp_path, EBBFLOW_READY_MAX_LAG="5")
    projectors: list[Any] = []
    try:
        alex, _, ledger = couple(web)  # sign-ups, a ledger, a join: 5+ events
        for _ in range(6):
            assert alex.post(f"/ledgers/{ledger}/needs", NEED).status_code == 201
        assert requests.get(f"{web.url}/healthz", timeout=5).status_code == 200
        unready = requests.get(f"{web.url}/readyz", timeout=5)
        assert unready.status_code == 503
        assert unready.headers["Content-Type"].startswith("application/problem+json")
        assert "projection history is" in unready.json()["detail"]
        assert "events behind the log (bound 5)" in unready.json()["detail"]

        projectors.append(projector(settings, tmp_path / "first.log"))
        ready = wait_until(lambda: (r := requests.get(f"{web.url}/readyz", timeout=5))
                           .status_code == 200 and r)
        assert set(ready.json()["projections"]) == {"history", "timeline", "balance"}
        projectors.append(projector(settings, tmp_path / "standby.log"))
        wait_until(lambda: "standing by" in (tmp_path / "standby.log").read_text()
                   or "projector for" in (tmp_path / "standby.log").read_text())
        time.sleep(1)
        assert "is active" not in (tmp_path / "standby.log").read_text()

        projectors[0].send_signal(signal.SIGKILL)  # the active one dies
        projectors[0].wait(timeout=10)
        written = alex.post(f"/ledgers/{ledger}/needs", {**NEED, "need": "after failover"})
        seen = alex.get(f"/ledgers/{ledger}/timeline",
                        params={"min_position": written.json()["position"]})
        assert seen.status_code == 200
        assert seen.json()["items"][0]["need"] == "after failover"
        standby_log = (tmp_path / "standby.log").read_text()
        assert {"history", "timeline", "balance"} <= {
            json.loads(line)["message"].split(":")[0].removeprefix("projection ")
            for line in standby_log.splitlines() if "this projector is active" in line}
    finally:
        for process in projectors:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=15)
        web.stop()


@pytest.mark.slow
def test_metrics_count_requests_and_appends_and_show_projection_lag(served: Served) -> None:
    alex, _, ledger = couple(served)
    for _ in range(3):
        alex.post(f"/ledgers/{ledger}/needs", NEED)
    text = requests.get(f"{served.url}/metrics", timeout=5).text
    assert 'ebbflow_http_requests_total{method="POST",route="/api/v1/ledgers/<uuid:ledger_id>' \
           '/needs",status="201"} 3.0' in text
    assert 'ebbflow_events_appended_total{type="NeedExpressed"} 3.0' in text
    assert "ebbflow_http_request_duration_seconds_bucket" in text
    assert 'ebbflow_projection_lag_events{projection="timeline"}' in text
    assert "ebbflow_log_position" in text


@pytest.mark.slow
def test_logs_are_json_with_the_request_id_and_never_hold_entry_text(served: Served) -> None:
    alex, _, ledger = couple(served)
    secret = "zanzibar-blue-secret-words"
    answer = alex.post(f"/ledgers/{ledger}/needs", {**NEED, "need": secret},
                       headers={"X-Request-ID": "trace-me-123"})
    assert answer.status_code == 201
    alex.post(f"/ledgers/{ledger}/needs", {**NEED, "intensity": 99, "need": secret})
    time.sleep(0.5)
    lines = served.log.read_text().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(r.get("request_id") == "trace-me-123" and r.get("status") == 201
               for r in records)
    assert any(r.get("logger") == "ebbflow.serve" or r.get("logger") == "ebbflow"
               for r in records)
    assert secret not in served.log.read_text()
    assert "correct horse battery" not in served.log.read_text()  # no password either


@pytest.mark.slow
def test_no_share_token_or_invite_code_reaches_the_served_logs(served: Served) -> None:
    """Every API route is called (the authorisation matrix's rows), and a counsellor's
    view and downloads; then every log line is valid JSON and holds no token, no
    invite code and no path, only route templates."""
    from tests.api.test_authorisation_matrix import ROWS

    alex, sam, ledger = couple(served)
    invite = alex.post("/ledgers", {"name": "Another"}).json()["invite_code"]
    expires = (datetime.now(UTC) + timedelta(days=9)).isoformat()
    share = alex.post(f"/ledgers/{ledger}/shares", {"label": "c", "expires_at": expires})
    url = sam.post(f"/ledgers/{ledger}/shares/{share.json()['id']}/approval", {}).json()["url"]
    token = url.removeprefix("/share/")
    for path in (url, f"{url}/download.json", f"{url}/download.csv", f"{url}/download.pdf",
                 f"/share/{token}x", "/x%5C%22", f"/join?code={invite}"):
        requests.get(served.url + path, timeout=30)
    other = str(uuid4())
    for (_, method), (template, body) in ROWS.items():
        if method == "DELETE" and "tokens" in template:
            continue  # keep the token the rest of the run signs with
        path = template.format(ledger=ledger, need=other, care=other, token_id=other,
                               share=other)
        alex.http.request(method, served.url + path, json=body, timeout=30)
    time.sleep(0.5)
    text = served.log.read_text()
    assert token not in text
    assert invite not in text and invite.replace("-", "") not in text
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    routes = {r.get("route") for r in records}
    assert {"/share/<token>", "/share/<token>/download.<fmt>",
            "/api/v1/ledgers/<uuid:ledger_id>/needs"} <= routes
    assert not any("path" in r for r in records)



@pytest.mark.slow
def test_sigterm_during_a_write_load_keeps_every_acknowledged_write(
    settings: Settings, tmp_path: Path,
) -> None:
    served = serve(settings, tmp_path, workers=2)
    alex, sam, ledger = couple(served)
    acknowledged: list[str] = []
    failures: list[str] = []
    stop = threading.Event()

    def write(client: Client) -> None:
        while not stop.is_set():
            try:
                answer = client.post(f"/ledgers/{ledger}/needs", NEED)
            except requests.RequestException as error:
                failures.append(type(error).__name__)
                return
            if answer.status_code == 201:
                acknowledged.append(answer.json()["id"])
            elif answer.status_code >= 500:
                failures.append(str(answer.status_code))

    writers = [threading.Thread(target=write, args=(who,)) for who in (alex, sam) * 3]
    for thread in writers:
        thread.start()
    wait_until(lambda: len(acknowledged) >= 30)
    started = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    code = served.process.wait(timeout=15)
    stopped_in = time.monotonic() - started
    stop.set()
    for thread in writers:
        thread.join(timeout=10)
    assert code == 0
    assert stopped_in < 10
    assert "500" not in failures and "503" not in failures
    app = LedgerApplication(settings)
    try:
        entries = app.get_ledger(UUID(ledger)).entries
    finally:
        app.close()
    missing = [e for e in acknowledged if UUID(e).hex not in entries]
    assert missing == []
