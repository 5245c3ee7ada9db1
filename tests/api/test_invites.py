"""An open invite can be shown again: its code is derived from what the ledger keeps
(never stored), so a reloaded page or a GET shows the same code, and only while the
invite is open."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.helpers import ManualClock


def test_the_open_invite_is_shown_again_until_it_is_used_revoked_or_replaced(api: Api) -> None:
    alex = api.person("Alex")
    opened = alex.post("/api/v1/ledgers", {"name": "Us", "timezone": "UTC"})
    ledger = opened.json["id"]
    shown = alex.get(f"/api/v1/ledgers/{ledger}/invite")
    assert shown.status_code == 200, shown.json
    assert shown.json["invite_code"] == opened.json["invite_code"]
    assert shown.json["invite_expires_at"] == opened.json["invite_expires_at"]

    renewed = alex.post(f"/api/v1/ledgers/{ledger}/invite")
    assert renewed.status_code == 201
    assert renewed.json["invite_code"] != opened.json["invite_code"]
    assert alex.get(f"/api/v1/ledgers/{ledger}/invite").json["invite_code"] == \
        renewed.json["invite_code"]
    sam = api.person("Sam")
    stale = sam.post("/api/v1/ledgers/join", {"invite_code": opened.json["invite_code"]})
    assert stale.status_code == 404

    assert alex.call("DELETE", f"/api/v1/ledgers/{ledger}/invite").status_code == 204
    assert alex.get(f"/api/v1/ledgers/{ledger}/invite").status_code == 404
    again = alex.post(f"/api/v1/ledgers/{ledger}/invite").json["invite_code"]
    assert sam.post("/api/v1/ledgers/join", {"invite_code": again}).status_code == 200
    assert alex.get(f"/api/v1/ledgers/{ledger}/invite").status_code == 404  # used


def test_an_expired_invite_is_not_shown_and_a_stranger_never_sees_one(
        api: Api, clock: ManualClock) -> None:
    alex, robin = api.person("Alex"), api.person("Robin")
    ledger = alex.post("/api/v1/ledgers", {"name": "Us", "timezone": "UTC"}).json["id"]
    assert robin.get(f"/api/v1/ledgers/{ledger}/invite").status_code == 404
    clock.now += timedelta(days=8)
    expired = alex.get(f"/api/v1/ledgers/{ledger}/invite")
    assert expired.status_code == 404
    assert expired.headers["Content-Type"] == "application/problem+json"


def test_two_ledgers_opened_at_once_get_different_codes(api: Api) -> None:
    alex = api.person("Alex")
    codes = {alex.post("/api/v1/ledgers", {"name": f"L{i}", "timezone": "UTC"})
             .json["invite_code"] for i in range(5)}
    assert len(codes) == 5
    assert all(len(code) == 14 and code.count("-") == 2 for code in codes)
