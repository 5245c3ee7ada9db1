"""Through a real gunicorn (2 workers) with the projector beside it, on SQLite and
PostgreSQL: read-your-writes, an idempotent retry on any worker, concurrent writers,
and a clean stop."""

from __future__ import annotations

import threading

import pytest
import requests

from tests.e2e.clients import Client, couple
from tests.e2e.conftest import Served


@pytest.mark.slow
def test_a_write_is_readable_at_once_through_min_position(served: Served) -> None:
    alex, sam, ledger = couple(served)
    need = alex.post(f"/ledgers/{ledger}/needs", {"need": "a walk together", "intensity": 2,
                                                  "support_type": "emotional"}).json()
    seen = sam.get(f"/ledgers/{ledger}/timeline", params={"min_position": need["position"]})
    assert seen.status_code == 200
    assert [item["need"] for item in seen.json()["items"]] == ["a walk together"]
    assert seen.headers["X-Request-ID"]


@pytest.mark.slow
def test_an_idempotent_retry_on_any_worker_records_once(served: Served) -> None:
    alex, _, ledger = couple(served)
    body = {"need": "once only", "intensity": 2, "support_type": "esteem"}
    answers = []
    for _ in range(12):  # fresh connections: the retries land on both workers
        with requests.Session() as fresh:
            fresh.headers.update(alex.http.headers)
            answers.append(fresh.post(f"{alex.base}/ledgers/{ledger}/needs", json=body,
                                      headers={"Idempotency-Key": "the-one"}, timeout=30))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert len({a.headers["ETag"] for a in answers}) == 1
    position = answers[0].json()["position"]
    items = alex.get(f"/ledgers/{ledger}/timeline", params={"min_position": position}).json()
    assert [i["need"] for i in items["items"]] == ["once only"]


@pytest.mark.slow
def test_concurrent_writers_all_succeed_with_distinct_positions(served: Served) -> None:
    alex, sam, ledger = couple(served)
    results: list[requests.Response] = []
    lock = threading.Lock()

    def write(person: Client, n: int) -> None:
        with requests.Session() as http:
            http.headers.update(person.http.headers)
            for i in range(15):
                answer = http.post(f"{person.base}/ledgers/{ledger}/needs", json={
                    "need": f"{n}-{i}", "intensity": 1, "support_type": "emotional"}, timeout=30)
                with lock:
                    results.append(answer)

    threads = [threading.Thread(target=write, args=((alex, sam)[n % 2], n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in results] == [201] * 120
    assert len({r.json()["position"] for r in results}) == 120
    version = alex.get(f"/ledgers/{ledger}").json()["version"]
    assert version == 2 + 120


@pytest.mark.slow
def test_serve_stops_cleanly_on_sigterm(served: Served) -> None:
    assert served.stop() == 0
    log = served.log.read_text()
    assert "Ebb & Flow is at http://127.0.0.1:" in log
    assert "Traceback" not in log
