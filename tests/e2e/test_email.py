"""Email through a real `ebbflow serve` on both backends, delivered to a real SMTP
server on 127.0.0.1: each kind sent once without words or names, private entries and
quiet care never, quiet hours held then sent, a digest grouped, verification, reset
and one-click unsubscribe; SIGKILLs of the notifier and its sender lose nothing."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import requests

from ledger.infra.config import Settings
from projections.notify.running import open_notifier
from tests.e2e.clients import PASSWORD, Client
from tests.e2e.conftest import Served, serve
from tests.e2e.smtp import Inbox, SmtpServer, link_in
from tests.e2e.test_reliability import children_of

SECRET = "SECRETWORDS"
ALL_ON: dict[str, Any] = {"needs": True, "care": True, "answers": True,
                          "check_in_reveal": True, "shares": True, "weekly_reminder": None,
                          "digest": "off", "quiet_hours": None}
NAMES = ("Alexandra", "Samuel", "Kimberly", "Leonard")
# Seconds from the start: wide enough for a loaded CI machine to record everything first
DIGEST_IN = 75  # the digest time (EBBFLOW_DIGEST_TIME, HH:MM:SS)
QUIET_FOR = 120  # Alex's quiet hours end at this minute (60 to 120 s from the start)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def mail_server(settings: Settings, folder: Path, smtp: SmtpServer, digest_at: datetime
                ) -> Served:
    return serve(settings, folder, EBBFLOW_SMTP_URL=smtp.url,
                 EBBFLOW_DIGEST_TIME=digest_at.strftime("%H:%M:%S"))


def verified(served: Served, inbox: Inbox, name: str) -> Client:
    """Signs up and follows the emailed confirmation link."""
    person = Client(served, name)
    address = f"{name.lower()}@example.com"
    inbox.wait_for(lambda box: len(box.to(address)) == 1)
    confirmed = requests.get(link_in(inbox.to(address)[0], "verify"), timeout=10)
    assert confirmed.status_code == 200
    return person


def notified(served: Served) -> dict[str, Any]:
    """Once the notifier has decided on everything in the log: its readiness detail."""
    deadline = time.monotonic() + 30
    while True:
        detail: dict[str, Any] = requests.get(f"{served.url}/readyz", timeout=10).json()
        if detail.get("notifier", {}).get("lag") == 0:
            return detail["notifier"]  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, detail
        time.sleep(0.1)


def outbox_kinds(settings: Settings) -> dict[str, tuple[str, str]]:
    """message id -> (recipient, kind), as the notifier decided."""
    view = open_notifier(settings)
    try:
        return {r["message_id"]: (str(UUID(r["recipient"])), r["kind"])
                for r in view.query("SELECT message_id, recipient, kind FROM {outbox}")}
    finally:
        view.datastore.close()


def test_each_kind_reaches_the_partner_once_discreetly(settings: Settings, tmp_path: Path,
                                                       smtp: SmtpServer) -> None:
    now = datetime.now(UTC)
    served = mail_server(settings, tmp_path, smtp, now + timedelta(seconds=DIGEST_IN))
    inbox = smtp.inbox
    try:
        alex, sam = (verified(served, inbox, n) for n in NAMES[:2])
        kim, lee = (verified(served, inbox, n) for n in NAMES[2:])
        quiet = {"from": (now - timedelta(minutes=1)).strftime("%H:%M"),
                 "to": (now + timedelta(seconds=QUIET_FOR)).strftime("%H:%M")}
        assert alex.http.put(f"{alex.base}/accounts/me/notifications", timeout=10, json={
            **ALL_ON, "quiet_hours": quiet}).status_code == 200
        assert sam.http.put(f"{sam.base}/accounts/me/notifications", json=ALL_ON,
                            timeout=10).status_code == 200
        assert lee.http.put(f"{lee.base}/accounts/me/notifications", timeout=10, json={
            **ALL_ON, "digest": "daily"}).status_code == 200

        ledger = alex.post("/ledgers", {"name": f"Us {SECRET}", "timezone": "UTC"}).json()
        sam.post("/ledgers/join", {"invite_code": ledger["invite_code"]})
        base = f"/ledgers/{ledger['id']}"
        alex.post(f"{base}/needs", {"need": SECRET, "support_type": "emotional", "intensity": 2})
        alex.post(f"{base}/needs", {"need": SECRET, "support_type": "emotional", "intensity": 2,
                                    "visibility": "private"})
        alex.post(f"{base}/care", {"description": SECRET, "support_type": "practical"})
        alex.post(f"{base}/care", {"description": SECRET, "support_type": "practical",
                                   "quiet": True})
        need = sam.post(f"{base}/needs", {"need": SECRET, "support_type": "esteem",
                                          "intensity": 1}).json()["id"]
        alex.post(f"{base}/care", {"description": SECRET, "support_type": "esteem",
                                   "in_response_to": need})
        alex.post(f"{base}/check-ins", {"felt_supported": 6, "note": SECRET})
        sam.post(f"{base}/check-ins", {"felt_supported": 7, "note": SECRET})
        alex.post(f"{base}/shares", {"label": SECRET, "expires_at": (
            now + timedelta(days=3)).isoformat()})

        other = kim.post("/ledgers", {"name": "Ours", "timezone": "UTC"}).json()
        lee.post("/ledgers/join", {"invite_code": other["invite_code"]})
        for _ in range(3):
            kim.post(f"/ledgers/{other['id']}/needs", {"need": SECRET, "intensity": 1,
                                                       "support_type": "practical"})
        notified(served)
        assert datetime.now(UTC) - now < timedelta(seconds=55), "the setup took too long"
        kinds = outbox_kinds(settings)
        to_sam = Counter(kind for who, kind in kinds.values() if who == sam.id)
        assert to_sam == Counter(["verify", "needs", "care", "answers", "check_in_reveal",
                                  "shares"])
        inbox.wait_for(lambda box: len(box.to("samuel@example.com")) == 1 + 5)
        assert len(inbox.to("alexandra@example.com")) == 1  # held: quiet hours
        assert len(inbox.to("leonard@example.com")) == 1  # held: the digest

        inbox.wait_for(lambda box: len(box.to("leonard@example.com")) == 2, seconds=DIGEST_IN)
        digest = inbox.to("leonard@example.com")[1]
        assert digest["Subject"] == "You have new notes"
        assert len(str(digest["X-Note-Ids"]).split()) == 3
        alex_kinds = Counter(kind for who, kind in kinds.values() if who == alex.id)
        assert alex_kinds == Counter(["verify", "joined", "needs", "check_in_reveal"])
        inbox.wait_for(lambda box: len(box.to("alexandra@example.com")) == 1 + 3,
                       seconds=QUIET_FOR)

        arrived = inbox.note_ids()
        assert sorted(arrived) == sorted(set(arrived)) == sorted(kinds)  # each once
        for raw in inbox.raw:
            assert SECRET.encode() not in raw
            assert not any(name.encode() in raw for name in NAMES)
        notes = [m for m in inbox.messages if "note" in str(m["Subject"])]
        assert {str(m["Subject"]) for m in notes} == {"You have a new note",
                                                      "You have new notes"}
        assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in notes)
    finally:
        served.stop()


def test_unsubscribe_reset_and_verification_flows(settings: Settings, tmp_path: Path,
                                                  smtp: SmtpServer) -> None:
    served = mail_server(settings, tmp_path, smtp, datetime.now(UTC))
    inbox = smtp.inbox
    try:
        unverified = Client(served, "Kimberly")
        alex, sam = (verified(served, inbox, n) for n in NAMES[:2])
        for person in (sam, unverified):
            person.http.put(f"{person.base}/accounts/me/notifications", json=ALL_ON, timeout=10)
        ledger = alex.post("/ledgers", {"name": "Us"}).json()
        sam.post("/ledgers/join", {"invite_code": ledger["invite_code"]})
        alex.post(f"/ledgers/{ledger['id']}/needs", {"need": "n", "support_type": "esteem",
                                                     "intensity": 1})
        inbox.wait_for(lambda box: len(box.to("samuel@example.com")) == 2)
        note = inbox.to("samuel@example.com")[1]
        one_click = str(note["List-Unsubscribe"]).strip("<>")
        answer = requests.post(one_click, data={"List-Unsubscribe": "One-Click"}, timeout=10)
        assert answer.status_code == 200
        assert sam.get("/accounts/me/notifications").json()["needs"] is False
        alex.post(f"/ledgers/{ledger['id']}/needs", {"need": "n", "support_type": "esteem",
                                                     "intensity": 1})
        notified(served)
        assert len(inbox.to("samuel@example.com")) == 2
        assert len(inbox.to("kimberly@example.com")) == 1  # its confirmation link only

        asked = requests.post(f"{served.url}/api/v1/password-resets",
                              json={"email": "samuel@example.com"}, timeout=10)
        nobody = requests.post(f"{served.url}/api/v1/password-resets",
                               json={"email": "nobody@example.com"}, timeout=10)
        assert asked.status_code == nobody.status_code == 202
        inbox.wait_for(lambda box: len(box.to("samuel@example.com")) == 3)
        token = link_in(inbox.to("samuel@example.com")[2], "reset").rsplit("/", 1)[1]
        reset = requests.post(f"{served.url}/api/v1/password-resets/{token}",
                              json={"password": "a brand new password"}, timeout=10)
        assert reset.status_code == 204
        assert sam.get("/accounts/me").status_code == 401
        again = requests.post(f"{served.url}/api/v1/password-resets/{token}",
                              json={"password": "a brand new password"}, timeout=10)
        assert again.status_code == 404
        signed_in = requests.post(f"{served.url}/api/v1/tokens", json={
            "email": "samuel@example.com", "password": "a brand new password"}, timeout=10)
        assert signed_in.status_code == 201
        assert requests.post(f"{served.url}/api/v1/tokens", json={
            "email": "samuel@example.com", "password": PASSWORD}, timeout=10).status_code == 401
    finally:
        served.stop()


def notifier_pid(served: Served) -> int:
    """The notifier's process (waiting while the supervisor restarts it)."""
    deadline = time.monotonic() + 15
    while True:
        found = [pid for pid, args in children_of(served.process.pid) if " notify" in args]
        if found:
            return found[0]
        assert time.monotonic() < deadline, "the notifier was not restarted"
        time.sleep(0.1)


def test_sigkills_of_the_notifier_and_its_sender_lose_and_repeat_nothing(
        settings: Settings, tmp_path: Path, smtp: SmtpServer) -> None:
    served = mail_server(settings, tmp_path, smtp, datetime.now(UTC))
    inbox = smtp.inbox
    try:
        alex, sam = (verified(served, inbox, n) for n in NAMES[:2])
        sam.http.put(f"{sam.base}/accounts/me/notifications", json=ALL_ON, timeout=10)
        ledger = alex.post("/ledgers", {"name": "Us"}).json()
        sam.post("/ledgers/join", {"invite_code": ledger["invite_code"]})
        kills = 0
        for i in range(40):
            alex.post(f"/ledgers/{ledger['id']}/needs", {"need": f"n{i}", "intensity": 1,
                                                         "support_type": "esteem"})
            if i % 10 == 5:
                os.kill(notifier_pid(served), signal.SIGKILL)
                kills += 1
                time.sleep(0.3)
        inbox.wait_for(lambda box: len(box.to("samuel@example.com")) >= 40, seconds=60)
        status = notified(served)
        deadline = time.monotonic() + 30
        while status["outbox"]["pending"]:
            assert time.monotonic() < deadline, status
            time.sleep(0.2)
            status = notified(served)
        kinds = outbox_kinds(settings)
        needs = {mid for mid, (who, kind) in kinds.items() if kind == "needs"}
        assert len(needs) == 40
        arrived = Counter(inbox.note_ids())
        assert set(arrived) == set(kinds)
        assert [mid for mid, n in arrived.items() if n > 1] == []
        assert kills == 4
    finally:
        served.stop()
