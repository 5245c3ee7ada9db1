"""The trust boundaries of issue 13 as a client sees them: share links kept out of
every event and reader but the partners' own list; leaving ends every share; one
bound on a share's life; a retracted check-in reveals nothing; every read after a
write includes it; an export holds everything up to the moment it was taken and
says so in its signed part; verify accepts nothing it did not sign."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

from projections.export.chain import FORMAT_V1, canonical, fingerprint, public_key_text, verify
from tests.api.conftest import Api, Person
from tests.helpers import ManualClock
from web.services import services


def shared(api: Api, clock: ManualClock, sections: list[str] | None = None
           ) -> tuple[Person, Person, str, str, str]:
    alex, sam, ledger = api.couple()
    body: dict[str, Any] = {"label": "Dr. Rivera",
                            "expires_at": (clock.now + timedelta(days=30)).isoformat()}
    if sections:
        body["sections"] = sections
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares", body).json["id"]
    url = sam.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval", {}).json["url"]
    return alex, sam, ledger, share, url


def test_a_share_link_is_in_no_event_and_no_reader_but_the_partners_share_list(
    api: Api, clock: ManualClock,
) -> None:
    alex, sam, ledger, _, url = shared(api, clock)
    token = url.removeprefix("/share/")
    api.sync()
    for person in (alex, sam):
        events = person.get(f"/api/v1/ledgers/{ledger}/events?limit=200").get_data(as_text=True)
        assert token not in events
        export = person.get(f"/api/v1/ledgers/{ledger}/export?include_private=true")
        assert token not in export.get_data(as_text=True)
        listed = person.get(f"/api/v1/ledgers/{ledger}/shares").json["items"]
        assert [s["url"] for s in listed] == [url]
    approved = next(e for e in alex.get(f"/api/v1/ledgers/{ledger}/events?limit=200")
                    .json["items"] if e["type"] == "ShareApproved")
    assert set(approved["data"]) == {"share_id", "include_private"}
    assert token not in api.client.get(url).get_data(as_text=True).replace(
        f"/share/{token}/download", "")


def test_leaving_revokes_every_share_and_the_other_partner_sees_why(
    api: Api, clock: ManualClock,
) -> None:
    alex, sam, ledger, share, url = shared(api, clock)
    pending = sam.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "Later", "expires_at": (clock.now + timedelta(days=9)).isoformat()}).json["id"]
    assert api.client.get(url).status_code == 200
    assert alex.post(f"/api/v1/ledgers/{ledger}/departure",
                     {"forget_me": False}).status_code == 200
    sam.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "after Alex left", "intensity": 2,
                                                 "support_type": "emotional"})
    assert api.client.get(url).status_code == 404  # the leaver reads on through nothing
    listed = {s["id"]: s for s in sam.get(f"/api/v1/ledgers/{ledger}/shares?min_position="
                                          f"{services_head(api)}").json["items"]}
    assert {k: (v["status"], v["revoked_because"], v["url"]) for k, v in listed.items()} == {
        share: ("revoked", "partner_left", None), pending: ("revoked", "partner_left", None)}


def services_head(api: Api) -> int:
    with api.app.app_context():
        return services().ledger.max_position()


def test_a_share_lives_at_most_ninety_days_in_the_api_and_the_pages(
    api: Api, clock: ManualClock,
) -> None:
    alex, _, ledger = api.couple()
    too_long = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": (clock.now + timedelta(days=91)).isoformat()})
    assert too_long.status_code == 422
    assert "90 days" in too_long.json["errors"]["expires_at"][0]
    assert alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": (clock.now + timedelta(days=89)).isoformat()}
    ).status_code == 201


def test_a_retracted_check_in_does_not_reveal_the_other_partners(api: Api) -> None:
    alex, sam, ledger = api.couple()
    base = f"/api/v1/ledgers/{ledger}"
    alex.post(f"{base}/check-ins", {"felt_supported": 4, "note": "ZQALEXCHECKIN"})
    mine = sam.post(f"{base}/check-ins", {"felt_supported": 7, "note": "dummy"}).json["id"]
    api.sync()
    assert "ZQALEXCHECKIN" in sam.get(f"{base}/timeline").get_data(as_text=True)
    sam.post(f"{base}/entries/{mine}/retraction", {"reason": "just looking"})
    api.sync()
    for read in ("timeline", "events?limit=200"):
        assert "ZQALEXCHECKIN" not in sam.get(f"{base}/{read}").get_data(as_text=True)
    assert sam.get(f"{base}/balance").json["check_ins"][alex.id]["count"] == 0
    assert alex.get(f"{base}/balance").json["check_ins"][alex.id]["count"] == 1


def test_the_location_of_a_new_entry_answers_at_once(api: Api) -> None:
    alex, _, ledger = api.couple()
    for _ in range(5):
        made = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
            "need": "now", "intensity": 1, "support_type": "esteem"})
        read = alex.get(made.headers["Location"])
        assert read.status_code == 200, read.json
        assert read.json["need"] == "now"
        assert read.json["position"] >= made.json["position"]


def test_min_position_works_on_one_entry_and_the_share_list(api: Api, clock: ManualClock) -> None:
    alex, _, ledger = api.couple()
    made = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "n", "intensity": 1, "support_type": "esteem"}).json
    asked = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": (clock.now + timedelta(days=9)).isoformat()}).json
    one = alex.get(f"/api/v1/ledgers/{ledger}/entries/{made['id']}?min_position="
                   f"{asked['position']}")
    assert one.status_code == 200 and one.json["position"] >= asked["position"]
    listed = alex.get(f"/api/v1/ledgers/{ledger}/shares?min_position={asked['position']}")
    assert [s["id"] for s in listed.json["items"]] == [asked["id"]]
    assert alex.get(f"/api/v1/ledgers/{ledger}/shares?min_position=x").status_code == 422
    assert alex.get(f"/api/v1/ledgers/{ledger}/shares?min_position=999999999").status_code == 422


def test_an_export_right_after_a_write_holds_it_and_signs_what_it_covers(api: Api) -> None:
    alex, _, ledger = api.couple()
    made = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "ZQJUSTWRITTEN", "intensity": 1, "support_type": "esteem"}).json
    for fmt in ("json", "csv", "pdf"):
        answer = alex.get(f"/api/v1/ledgers/{ledger}/export?format={fmt}")
        assert answer.status_code == 200
        if fmt != "pdf":
            assert "ZQJUSTWRITTEN" in answer.get_data(as_text=True), fmt
    document = json.loads(alex.get(f"/api/v1/ledgers/{ledger}/export").get_data(as_text=True))
    covers = document["covers"]
    assert covers["position"] > made["position"]
    assert covers["ledger_version"] == alex.get(f"/api/v1/ledgers/{ledger}").json["version"]
    key = instance_key(api)
    assert verify(document, [key]).ok
    tampered = copy.deepcopy(document)
    tampered["covers"]["position"] -= 1
    assert not verify(tampered, [key]).ok


def instance_key(api: Api) -> str:
    with api.app.app_context():
        return public_key_text(services().ledger.keys.signing_key())


def test_verify_requires_the_signed_timeline_and_refuses_unknown_fields(api: Api) -> None:
    alex, _, ledger = api.couple()
    alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "n", "intensity": 1,
                                                  "support_type": "esteem"})
    document = json.loads(alex.get(f"/api/v1/ledgers/{ledger}/export").get_data(as_text=True))
    key = instance_key(api)
    stripped = copy.deepcopy(document)
    stripped.pop("timeline")
    assert "timeline section was removed" in verify(stripped, [key]).message
    padded = {**copy.deepcopy(document), "note_to_counsellor": "trust me"}
    assert "note_to_counsellor" in verify(padded, [key]).message


def test_a_file_of_the_first_format_still_verifies(api: Api) -> None:
    """ebbflow.export/1 hashed a canonical form of our own; its files stay valid."""
    from projections.export import chain

    with api.app.app_context():
        signing = services().ledger.keys.signing_key()
    document: dict[str, Any] = {
        "format": FORMAT_V1, "exported_at": "2026-03-02T09:00:00Z", "exported_by": "x",
        "ledger": {"id": "l"}, "partners": [], "scope": {}, "summary": {},
        "timeline_sha256": None, "events": []}
    head = chain.genesis("l", FORMAT_V1)
    event = {"position": 1, "type": "Opened", "data": {"name": "Ψυχή"}}
    event["hash"] = head = chain.link(head, event, FORMAT_V1)
    document["events"] = [event]
    assert canonical({"b": 1, "a": "Ψ"}, FORMAT_V1) == '{"a":"Ψ","b":1}'.encode()
    document["signature"] = chain.sign(signing, document, head)
    assert verify(document, [public_key_text(signing)]).ok
    assert fingerprint(public_key_text(signing)) in verify(document, None).message
