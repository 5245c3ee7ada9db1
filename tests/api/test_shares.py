"""Counsellor shares: consent from both, read-only view within scope, access log."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.helpers import ManualClock


def test_a_share_needs_both_partners_and_ends_with_revocation_or_expiry(
    api: Api, clock: ManualClock,
) -> None:
    alex, sam, ledger = api.couple()
    alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "shared words", "intensity": 2,
                                                  "support_type": "emotional"})
    alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "private words", "intensity": 2,
                                                  "support_type": "emotional",
                                                  "visibility": "private"})
    expires = (clock.now + timedelta(days=30)).isoformat()
    asked = alex.post(f"/api/v1/ledgers/{ledger}/shares",
                      {"label": "Dr. Rivera", "expires_at": expires})
    assert asked.status_code == 201
    assert asked.json["status"] == "pending"
    share = asked.json["id"]
    api.sync()
    [pending] = sam.get(f"/api/v1/ledgers/{ledger}/shares").json["items"]
    assert (pending["status"], pending["url"], pending["label"]) == ("pending", None,
                                                                      "Dr. Rivera")
    assert alex.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval", {}).status_code == 403
    approved = sam.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval", {})
    assert approved.status_code == 200
    url = approved.json["url"]
    assert url.startswith("/share/") and len(url) > 40
    api.sync()

    view = api.client.get(url)
    page = view.get_data(as_text=True)
    assert view.status_code == 200
    assert "shared words" in page and "private words" not in page
    download = api.client.get(f"{url}/download.json")
    assert download.status_code == 200
    assert "private words" not in download.get_data(as_text=True)
    download.close()
    [listed] = alex.get(f"/api/v1/ledgers/{ledger}/shares").json["items"]
    assert listed["url"] == url
    assert listed["accesses"] == 2

    assert alex.call("DELETE", f"/api/v1/ledgers/{ledger}/shares/{share}").status_code == 204
    assert api.client.get(url).status_code == 404

    second = sam.post(f"/api/v1/ledgers/{ledger}/shares",
                      {"label": "Later", "expires_at": expires}).json["id"]
    later_url = alex.post(f"/api/v1/ledgers/{ledger}/shares/{second}/approval", {}).json["url"]
    assert api.client.get(later_url).status_code == 200
    clock.advance(days=31)
    assert api.client.get(later_url).status_code == 404
    assert api.client.get("/share/not-a-real-token").status_code == 404


def test_reading_a_share_never_changes_the_ledger_version(api: Api, clock: ManualClock) -> None:
    alex, sam, ledger = api.couple()
    expires = (clock.now + timedelta(days=30)).isoformat()
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares",
                      {"label": "Counsellor", "expires_at": expires,
                       "sections": ["timeline"]}).json["id"]
    url = sam.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval", {}).json["url"]
    version = alex.get(f"/api/v1/ledgers/{ledger}").json["version"]
    for _ in range(3):
        assert api.client.get(url).status_code == 200
    assert alex.get(f"/api/v1/ledgers/{ledger}").json["version"] == version


def test_an_approval_retried_with_its_idempotency_key_returns_the_same_url(
    api: Api, clock: ManualClock,
) -> None:
    alex, sam, ledger = api.couple()
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": (clock.now + timedelta(days=9)).isoformat()}).json["id"]
    key = {"Idempotency-Key": "approve-once"}
    first = sam.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval", {}, headers=key)
    again = sam.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval", {}, headers=key)
    assert first.status_code == again.status_code == 200
    assert first.json["url"] == again.json["url"]
    assert api.client.get(first.json["url"]).status_code == 200
