"""Accounts, sessions, limits and stored replies hardened (issue 14; security audit
findings 8–10, 23–25, 28, 30)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from flask import Flask

from ledger.app.housekeeping import expire_replies
from ledger.infra.config import Settings
from ledger.infra.encoding_time import micros
from tests.api.conftest import PASSWORD, Api
from tests.conftest import Projector
from tests.helpers import ManualClock
from web import create_app
from web.pages.session import COOKIE
from web.ratelimit import warn_if_counted_per_process
from web.services import services


def signed_in_page(api: Api, email: str) -> str:
    """A page session's cookie value, as a browser gets it at log-in."""
    client = api.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post("/login", data={"csrf_token": token, "email": email,
                                         "password": PASSWORD})
    assert answer.status_code == 303
    return answer.headers["Set-Cookie"].split(f"{COOKIE}=")[1].split(";")[0]


def test_a_new_password_ends_every_other_token_and_session(api: Api) -> None:
    kim = api.person("Kim")
    other = api.client.post("/api/v1/tokens", json={"email": kim.email, "password": PASSWORD})
    session = signed_in_page(api, kim.email)
    changed = kim.call("PATCH", "/api/v1/accounts/me", json={
        "current_password": PASSWORD, "password": "a brand new passphrase"})
    assert changed.status_code == 200
    assert kim.get("/api/v1/accounts/me").status_code == 200  # the one that changed it
    assert api.client.get("/api/v1/accounts/me", headers={
        "Authorization": f"Bearer {other.json['token']}"}).status_code == 401
    browser = api.app.test_client()
    browser.set_cookie(COOKIE, session)
    assert browser.get("/account").status_code == 302  # sent to log in again


def test_a_session_cookie_is_no_bearer_token_nor_the_reverse(api: Api) -> None:
    kim = api.person("Kim")
    session = signed_in_page(api, kim.email)
    assert api.client.get("/api/v1/accounts/me", headers={
        "Authorization": f"Bearer {session}"}).status_code == 401
    browser = api.app.test_client()
    browser.set_cookie(COOKIE, kim.token)
    assert browser.get("/account").status_code == 302


def test_password_checks_on_my_account_are_limited(api: Api) -> None:
    kim = api.person("Kim")
    wrong = [kim.call("PATCH", "/api/v1/accounts/me", json={
        "current_password": "not it at all", "display_name": "K"}).status_code
        for _ in range(11)]
    assert wrong == [422] * 10 + [429]
    assert kim.call("DELETE", "/api/v1/accounts/me",
                    json={"password": PASSWORD}).status_code == 429


def proxied_app(settings: Settings, clock: ManualClock) -> Flask:
    return create_app({"EBBFLOW_SETTINGS": settings.with_changes(proxies=1), "TESTING": True,
                       "EBBFLOW_CLOCK": clock})


def test_behind_the_proxy_each_client_has_its_own_limits(
    settings: Settings, clock: ManualClock, projector: Projector,
) -> None:
    app = proxied_app(settings, clock)
    try:
        api = Api(app, settings, projector)
        api.person("Kim")
        api.person("Lee")

        def sign_in(email: str, password: str, address: str) -> int:
            return int(api.client.post("/api/v1/tokens", json={
                "email": email, "password": password}, headers={
                "X-Forwarded-For": address}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
                .status_code)

        guesses = [sign_in("kim@example.com", "guess", f"203.0.113.{n}") for n in range(40)]
        assert set(guesses) == {401}  # forty clients, not one address through the proxy
        assert sign_in("lee@example.com", PASSWORD, "198.51.100.7") == 201
        for _ in range(10):
            sign_in("kim@example.com", "guess", "203.0.113.250")
        assert sign_in("kim@example.com", PASSWORD, "203.0.113.250") == 429  # the guesser
        assert sign_in("kim@example.com", PASSWORD, "198.51.100.8") == 201  # the owner
    finally:
        with app.app_context():
            services().close()


def test_memory_limits_with_several_workers_warn_at_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        assert warn_if_counted_per_process("memory://", 4)
        assert not warn_if_counted_per_process("memory://", 1)
        assert not warn_if_counted_per_process("redis://127.0.0.1:6379/0", 4)
    assert "4 workers" in caplog.text


def test_unknown_methods_are_one_label_in_the_metrics(api: Api) -> None:
    assert api.client.open("/api/v1/ledgers", method="ZZQ0X").status_code in (400, 405)
    metrics = api.client.get("/metrics").get_data(as_text=True)
    assert "ZZQ0X" not in metrics
    assert 'method="other"' in metrics


def test_stored_replies_expire_after_a_day(api: Api) -> None:
    kim = api.person("Kim")
    with api.app.app_context():
        store: Any = services().ledger.recorder
        old = micros(datetime.now(UTC) - timedelta(hours=25))
        assert store.claim_idempotency(kim.id, "POST", "/x", "old", "h", old, 0)
        fresh = micros(datetime.now(UTC))
        assert store.claim_idempotency(kim.id, "POST", "/x", "fresh", "h", fresh, 0)
        expire_replies(services().ledger)
        assert store.idempotency_record(kim.id, "POST", "/x", "old") is None
        assert store.idempotency_record(kim.id, "POST", "/x", "fresh") is not None


def test_forget_me_erases_the_other_partners_stored_replies_and_a_retry_records_nothing(
    api: Api,
) -> None:
    """Audit finding 9: Sam's stored join and pause replies held Alex's name."""
    alex, sam = api.person("Alex"), api.person("Sam")
    opened = alex.post("/api/v1/ledgers", {"name": "Us"}).json
    join = {"invite_code": opened["invite_code"]}
    joined = sam.post("/api/v1/ledgers/join", join, headers={"Idempotency-Key": "j"})
    assert "Alex" in joined.get_data(as_text=True)
    ledger = opened["id"]
    paused = sam.post(f"/api/v1/ledgers/{ledger}/pause", None, headers={"Idempotency-Key": "p"})
    assert paused.status_code == 200
    sam.post(f"/api/v1/ledgers/{ledger}/resume")
    assert alex.post(f"/api/v1/ledgers/{ledger}/departure",
                     {"forget_me": True}).status_code == 200
    version = sam.get(f"/api/v1/ledgers/{ledger}").json["version"]
    for path, body, key in ((f"/api/v1/ledgers/{ledger}/pause", None, "p"),
                            ("/api/v1/ledgers/join", join, "j")):
        again = sam.post(path, body, headers={"Idempotency-Key": key})
        assert again.status_code == 409
        assert "Alex" not in again.get_data(as_text=True)
    assert sam.get(f"/api/v1/ledgers/{ledger}").json["version"] == version


def test_deleting_an_account_erases_the_words_left_in_ledgers_it_left_before(
    api: Api,
) -> None:
    """Audit finding 28: leaving without forget-me, then deleting the account."""
    alex, sam, ledger = api.couple()
    alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "ZQLEFTBEHIND", "intensity": 2,
                                                  "support_type": "emotional"})
    assert alex.post(f"/api/v1/ledgers/{ledger}/departure",
                     {"forget_me": False}).status_code == 200
    api.sync()
    assert "ZQLEFTBEHIND" in sam.get(f"/api/v1/ledgers/{ledger}/timeline").get_data(as_text=True)
    assert alex.call("DELETE", "/api/v1/accounts/me",
                     json={"password": PASSWORD}).status_code == 204
    items = sam.get(f"/api/v1/ledgers/{ledger}/timeline").json["items"]
    assert [i["need"] for i in items if i["author"] == alex.id] == [None]
    with api.app.app_context():
        journal = services().ledger.settings.erasure_log.read_text()
    assert f"partner:{UUID(ledger).hex}:{UUID(alex.id).hex}" in journal


def test_the_counsellor_view_is_never_stored_nor_indexed(api: Api, clock: ManualClock) -> None:
    alex, sam, ledger = api.couple()
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": (clock.now + timedelta(days=9)).isoformat()}).json["id"]
    url = sam.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval", {}).json["url"]
    for path in (url, f"{url}/download.csv"):
        answer = api.client.get(path)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
        if path == url:
            assert '<meta name="robots" content="noindex, nofollow">' in answer.get_data(
                as_text=True)
        answer.close()


def test_in_production_every_cookie_is_secure(
    settings: Settings, clock: ManualClock, projector: Projector,
) -> None:
    app = create_app({"EBBFLOW_SETTINGS": settings.with_changes(production=True),
                      "TESTING": True, "EBBFLOW_CLOCK": clock})
    try:
        api = Api(app, settings, projector)
        kim = api.person("Kim")
        client = app.test_client()
        page = client.get("/login", base_url="https://localhost")
        assert "Secure" in page.headers["Set-Cookie"] and "SameSite=Lax" in page.headers[
            "Set-Cookie"]
        token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        signed = client.post("/login", data={"csrf_token": token, "email": kim.email,
                                             "password": PASSWORD},
                             base_url="https://localhost",
                             headers={"Referer": "https://localhost/login"})
        assert signed.status_code == 303
        session = next(c for c in signed.headers.getlist("Set-Cookie") if c.startswith(COOKIE))
        assert "Secure" in session and "HttpOnly" in session
    finally:
        with app.app_context():
            services().close()
