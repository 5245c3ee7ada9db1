"""Answers that now keep API.md's promises: a Location for every creation, 404 for a
token that is not mine, 409 for resolving a retracted need, the ledger from a departure,
422 for unknown query parameters on every read, and 204s without a body type."""

from __future__ import annotations

from tests.api.conftest import PASSWORD, Api


def test_a_new_share_invite_and_token_each_answer_with_a_location_that_is_theirs(
    api: Api,
) -> None:
    alex, sam, ledger = api.couple()
    robin = api.person("Robin")
    asked = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "Dr. Rivera", "expires_at": "2026-04-01T00:00:00Z"})
    assert asked.headers["Location"] == f"/api/v1/ledgers/{ledger}/shares/{asked.json['id']}"
    shown = sam.get(asked.headers["Location"])  # at once: it waits for the view
    assert shown.status_code == 200
    assert (shown.json["id"], shown.json["status"], shown.json["label"]) == (
        asked.json["id"], "pending", "Dr. Rivera")
    assert robin.get(asked.headers["Location"]).status_code == 404
    theirs = robin.post("/api/v1/ledgers", {"name": "Robin's"}).json["id"]
    invited = robin.post(f"/api/v1/ledgers/{theirs}/invite")
    assert invited.status_code == 201
    assert invited.headers["Location"] == f"/api/v1/ledgers/{theirs}/invite"
    issued = api.client.post("/api/v1/tokens", json={"email": alex.email, "password": PASSWORD})
    token_id = issued.headers["Location"].rsplit("/", 1)[-1]
    assert issued.headers["Location"] == f"/api/v1/tokens/{token_id}"
    assert token_id in {t["id"] for t in alex.get("/api/v1/tokens").json["items"]}
    assert alex.call("DELETE", issued.headers["Location"]).status_code == 204
    other = {"Authorization": f"Bearer {issued.json['token']}"}
    assert api.client.get("/api/v1/accounts/me", headers=other).status_code == 401


def test_revoking_a_token_that_is_not_one_of_mine_is_404_and_changes_nothing(api: Api) -> None:
    alex, sam = api.person("Alex"), api.person("Sam")
    sams = sam.get("/api/v1/tokens").json["items"][0]["id"]
    assert alex.call("DELETE", f"/api/v1/tokens/{sams}").status_code == 404
    assert alex.call("DELETE", "/api/v1/tokens/00000000-0000-4000-8000-000000000000"
                     ).status_code == 404
    assert sam.get("/api/v1/accounts/me").status_code == 200
    assert alex.get("/api/v1/accounts/me").status_code == 200


def test_resolving_a_retracted_need_is_a_conflict_like_retracting_it_again(api: Api) -> None:
    alex, sam, ledger = api.couple()
    base = f"/api/v1/ledgers/{ledger}"
    need = alex.post(f"{base}/needs", {"need": "n", "support_type": "esteem",
                                       "intensity": 1}).json["id"]
    assert alex.post(f"{base}/entries/{need}/retraction", {"reason": "r"}).status_code == 201
    resolved = alex.post(f"{base}/needs/{need}/resolution", {"outcome": "withdrawn"})
    assert resolved.status_code == 409
    assert resolved.json["detail"] == "this need was taken back"
    assert alex.post(f"{base}/entries/{need}/retraction", {"reason": "r"}).status_code == 409
    assert sam.post(f"{base}/needs/{need}/resolution", {"outcome": "met"}).status_code == 403


def test_leaving_answers_the_ledger_as_the_leaver_last_saw_it(api: Api) -> None:
    alex, sam, ledger = api.couple()
    before = sam.get(f"/api/v1/ledgers/{ledger}").json
    left = sam.post(f"/api/v1/ledgers/{ledger}/departure", {"forget_me": True})
    assert left.status_code == 200
    body = left.json
    assert (body["id"], body["name"], body["timezone"]) == (ledger, "Us", "Europe/London")
    assert [(p["id"], p["display_name"], p["departed"]) for p in body["partners"]] == [
        (alex.id, "Alex", False), (sam.id, "Sam", True)]
    assert body["version"] == before["version"] + 1
    assert left.headers["ETag"] == f'"{body["version"]}"'
    assert body["position"] > 0


def test_every_read_refuses_query_parameters_it_does_not_know(api: Api) -> None:
    alex, _, ledger = api.couple()
    need = alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "n", "support_type": "esteem",
                                                          "intensity": 1}).json["id"]
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": "2026-04-01T00:00:00Z"}).json["id"]
    spec = api.client.get("/api/v1/openapi.json").json
    reads = [path for path, item in spec["paths"].items() if "get" in item]
    assert len(reads) == 14
    for path in reads:
        url = path.format(ledger_id=ledger, entry_id=need, share_id=share)
        query = "?from=2026-02-02&to=2026-03-02&bogus=1" if "series" in path else "?bogus=1"
        answer = alex.get(url + query)
        assert answer.status_code == 422, (path, answer.status_code)
        assert "bogus" in answer.json["errors"], path
        assert "422" in spec["paths"][path]["get"]["responses"]


def test_no_content_answers_carry_no_content_type(api: Api) -> None:
    alex, sam, ledger = api.couple()
    robin = api.person("Robin")
    theirs = robin.post("/api/v1/ledgers", {"name": "Robin's"}).json["id"]
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": "2026-04-01T00:00:00Z"}).json["id"]
    second = api.client.post("/api/v1/tokens", json={"email": alex.email, "password": PASSWORD})
    answers = [
        robin.call("DELETE", f"/api/v1/ledgers/{theirs}/invite"),
        sam.call("DELETE", f"/api/v1/ledgers/{ledger}/shares/{share}"),
        alex.call("DELETE", second.headers["Location"]),
        sam.call("DELETE", "/api/v1/tokens/current"),
        alex.call("DELETE", "/api/v1/tokens"),
        robin.call("DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}),
    ]
    assert [a.status_code for a in answers] == [204] * 6
    assert [a.headers.get("Content-Type") for a in answers] == [None] * 6
    assert [a.get_data() for a in answers] == [b""] * 6
