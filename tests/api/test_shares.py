"""Counsellor shares: consent from both, read-only view within scope, access log."""

from __future__ import annotations

import json
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


def test_each_partner_decides_for_their_own_private_entries_and_check_ins_need_both(
    api: Api, clock: ManualClock,
) -> None:
    """A counsellor sees a partner's private entries only with that partner's opt-in
    (the requester's in the request, the approver's in the approval), and a week's
    check-ins only once both partners checked in for it."""
    alex, sam, ledger = api.couple()
    for who, words in ((alex, "alex private words"), (sam, "sam private words")):
        assert who.post(f"/api/v1/ledgers/{ledger}/needs", {
            "need": words, "intensity": 2, "support_type": "emotional",
            "visibility": "private"}).status_code == 201
    alex.post(f"/api/v1/ledgers/{ledger}/check-ins",
              {"week": "2026-W09", "felt_supported": 3, "note": "alex alone in W09"})
    alex.post(f"/api/v1/ledgers/{ledger}/check-ins",
              {"week": "2026-W10", "felt_supported": 8, "note": "alex in W10"})
    sam.post(f"/api/v1/ledgers/{ledger}/check-ins",
             {"week": "2026-W10", "felt_supported": 6, "note": "sam in W10"})
    expires = (clock.now + timedelta(days=30)).isoformat()

    def shared_view(requester_opts_in: bool, approver_opts_in: bool) -> tuple[str, str]:
        share = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
            "label": "c", "expires_at": expires,
            "include_private": requester_opts_in}).json["id"]
        url = sam.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval",
                       {"include_private": approver_opts_in}).json["url"]
        api.sync()
        download = api.client.get(f"{url}/download.json")
        text = download.get_data(as_text=True)
        download.close()
        return api.client.get(url).get_data(as_text=True), text

    for requester, approver in ((False, False), (True, False), (False, True), (True, True)):
        for shown in shared_view(requester, approver):
            assert ("alex private words" in shown) is requester
            assert ("sam private words" in shown) is approver
            assert "alex in W10" in shown and "sam in W10" in shown
            assert "alex alone in W09" not in shown

    page, export = shared_view(False, False)
    counted = json.loads(export)["summary"]["check_ins"]
    assert sorted(c["count"] for c in counted.values()) == [1, 1]
    assert "Weekly check-ins" in page
    listed = alex.get(f"/api/v1/ledgers/{ledger}/shares").json["items"]
    assert sorted(len(s["private_entries_of"]) for s in listed) == [0, 0, 1, 1, 2]
