"""Email through the API: choices per kind (off until chosen), verification and
password resets, with problem+json for what is wrong."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PASSWORD, Api
from tests.integration.mail_helpers import Mailroom

CHOSEN: dict[str, Any] = {
    "needs": True, "care": False, "answers": True, "check_in_reveal": True, "shares": False,
    "weekly_reminder": {"day": "sunday"}, "digest": "daily",
    "quiet_hours": {"from": "22:00", "to": "07:30"}}


def test_everything_is_off_until_a_partner_opts_in(api: Api) -> None:
    alex = api.person("Alex")
    got = alex.get("/api/v1/accounts/me/notifications")
    assert got.status_code == 200
    assert got.json == {"needs": False, "care": False, "answers": False,
                        "check_in_reveal": False, "shares": False, "weekly_reminder": None,
                        "digest": "off", "quiet_hours": None}


def test_chosen_notifications_are_answered_back_as_chosen(api: Api) -> None:
    alex = api.person("Alex")
    put = alex.call("PUT", "/api/v1/accounts/me/notifications", json=CHOSEN)
    assert put.status_code == 200, put.json
    assert put.json == CHOSEN
    assert alex.get("/api/v1/accounts/me/notifications").json == CHOSEN


def test_a_bad_choice_is_a_problem_naming_its_field(api: Api) -> None:
    alex = api.person("Alex")
    put = alex.call("PUT", "/api/v1/accounts/me/notifications", json={
        **CHOSEN, "digest": "hourly", "quiet_hours": {"from": "25:00", "to": "07:00"}})
    assert put.status_code == 422
    assert put.content_type == "application/problem+json"
    assert set(put.json["errors"]) == {"digest", "quiet_hours.from"}


def test_a_reset_request_answers_the_same_for_any_address(api: Api) -> None:
    api.person("Alex")
    known = api.client.post("/api/v1/password-resets", json={"email": "alex@example.com"})
    unknown = api.client.post("/api/v1/password-resets", json={"email": "who@example.com"})
    assert (known.status_code, known.data) == (unknown.status_code, unknown.data) == (202, b"")


def test_reset_requests_are_rate_limited(api: Api) -> None:
    answers = [api.client.post("/api/v1/password-resets", json={"email": "x@example.com"},
                               environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
               for _ in range(6)]
    assert answers == [202] * 5 + [429]


def test_a_reset_through_the_api_ends_every_token(api: Api) -> None:
    room = Mailroom(api.settings, api.app.extensions["ebbflow"].ledger)
    try:
        alex = api.person("Alex")
        room.deliver()
        api.client.post("/api/v1/password-resets", json={"email": "alex@example.com"})
        reset = next(m for m in room.deliver() if "password" in str(m["Subject"]))
        token = room.kept.link(reset, "reset")
        short = api.client.post(f"/api/v1/password-resets/{token}", json={"password": "short"})
        assert short.status_code == 422
        done = api.client.post(f"/api/v1/password-resets/{token}",
                               json={"password": "a new long password"})
        assert done.status_code == 204
        assert alex.get("/api/v1/accounts/me").status_code == 401
        again = api.client.post(f"/api/v1/password-resets/{token}",
                                json={"password": "a new long password"})
        assert again.status_code == 404
        old = api.client.post("/api/v1/tokens", json={"email": alex.email,
                                                      "password": PASSWORD})
        assert old.status_code == 401
    finally:
        room.close()


def test_asking_for_a_verification_link_sends_one(api: Api) -> None:
    room = Mailroom(api.settings, api.app.extensions["ebbflow"].ledger)
    try:
        alex = api.person("Alex")
        room.deliver()
        assert alex.post("/api/v1/accounts/me/email-verification").status_code == 202
        sent = room.deliver()
        assert [m["Subject"] for m in sent] == ["Please confirm your email address"]
    finally:
        room.close()


def test_readiness_names_the_notifiers_lag_and_metrics_count_the_outbox(api: Api) -> None:
    room = Mailroom(api.settings, api.app.extensions["ebbflow"].ledger)
    try:
        api.person("Alex")
        api.sync()
        behind = api.client.get("/readyz").json["notifier"]
        assert behind["lag"] > 0 and behind["outbox"]["pending"] == 0
        room.deliver()
        caught_up = api.client.get("/readyz").json["notifier"]
        assert caught_up["lag"] == 0
        assert caught_up["outbox"] == {"sent": 1, "failed": 0, "pending": 0}
        metrics = api.client.get("/metrics").get_data(as_text=True)
        assert 'ebbflow_mail_messages{state="sent"} 1.0' in metrics
        assert "ebbflow_notifier_lag_events 0.0" in metrics
    finally:
        room.close()


def test_changing_my_email_needs_my_password_and_a_free_address(api: Api) -> None:
    alex, sam = api.person("Alex"), api.person("Sam")
    wrong = alex.call("PATCH", "/api/v1/accounts/me", json={"email": "a2@example.com",
                                                             "current_password": "nope"})
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]
    taken = alex.call("PATCH", "/api/v1/accounts/me", json={"email": sam.email,
                                                             "current_password": PASSWORD})
    assert taken.status_code == 409
    moved = alex.call("PATCH", "/api/v1/accounts/me", json={"email": "a2@example.com",
                                                             "current_password": PASSWORD})
    assert (moved.status_code, moved.json["email"]) == (200, "a2@example.com")
