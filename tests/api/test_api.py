"""The HTTP contract of API.md through Flask's test client, on SQLite and PostgreSQL."""

from __future__ import annotations

from uuid import UUID

import pytest

from ledger.infra.config import Settings
from tests.api.conftest import PASSWORD, Api
from tests.helpers import ManualClock

PROBLEM = "application/problem+json"


def test_sign_up_sign_in_and_my_account(api: Api) -> None:
    kim = api.person("Kim")
    me = kim.get("/api/v1/accounts/me")
    assert me.status_code == 200
    assert me.json == {"id": kim.id, "email": "kim@example.com", "display_name": "Kim"}
    duplicate = api.client.post("/api/v1/accounts", json={
        "email": "KIM@example.com", "password": PASSWORD, "display_name": "Kim 2"})
    assert duplicate.status_code == 409
    assert duplicate.mimetype == PROBLEM


def test_wrong_credentials_are_one_401_whether_or_not_the_email_exists(api: Api) -> None:
    api.person("Kim")
    answers = [api.client.post("/api/v1/tokens", json={"email": email, "password": password})
               for email, password in (("kim@example.com", "wrong one!!"),
                                       ("nobody@example.com", PASSWORD))]
    assert [a.status_code for a in answers] == [401, 401]
    assert answers[0].json["detail"] == answers[1].json["detail"]


def test_sign_in_failures_are_limited_per_email_and_address(api: Api) -> None:
    api.person("Kim")
    codes = [api.client.post("/api/v1/tokens", json={"email": "kim@example.com",
                                                     "password": "wrong password"}).status_code
             for _ in range(11)]
    assert codes == [401] * 10 + [429]  # ten failures a minute from one address
    owner = api.client.post("/api/v1/tokens", json={"email": "kim@example.com",
                                                    "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert owner.status_code == 201  # the guesser is slowed down, not the owner


def test_validation_errors_are_flat_by_field(api: Api) -> None:
    bad = api.client.post("/api/v1/accounts", json={"email": "nope", "password": "short",
                                                    "display_name": " ", "extra": 1})
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"email", "password", "display_name", "extra"}
    assert {"type", "title", "status", "detail"} <= set(bad.json)


def test_tokens_are_listed_and_revoked_one_by_one_or_all(api: Api) -> None:
    kim = api.person("Kim")
    second = api.client.post("/api/v1/tokens", json={"email": kim.email, "password": PASSWORD})
    listed = kim.get("/api/v1/tokens").json["items"]
    assert len(listed) == 2
    assert sum(item["current"] for item in listed) == 1
    assert kim.call("DELETE", "/api/v1/tokens/current").status_code == 204
    assert kim.get("/api/v1/accounts/me").status_code == 401
    other = {"Authorization": f"Bearer {second.json['token']}"}
    assert api.client.get("/api/v1/accounts/me", headers=other).status_code == 200
    assert api.client.delete("/api/v1/tokens", headers=other).status_code == 204
    assert api.client.get("/api/v1/accounts/me", headers=other).status_code == 401


def test_an_expired_token_is_refused(api: Api, clock: ManualClock) -> None:
    kim = api.person("Kim")
    clock.advance(days=31)
    answer = kim.get("/api/v1/accounts/me")
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_profile_change_and_account_deletion(api: Api) -> None:
    kim = api.person("Kim")
    changed = kim.call("PATCH", "/api/v1/accounts/me",
                       json={"current_password": PASSWORD, "display_name": "Kimberly"})
    assert changed.status_code == 200
    assert changed.json["display_name"] == "Kimberly"
    assert kim.call("PATCH", "/api/v1/accounts/me",
                    json={"current_password": "nope", "display_name": "X"}).status_code == 422
    assert kim.call("DELETE", "/api/v1/accounts/me", json={"password": PASSWORD}).status_code == 204
    assert kim.get("/api/v1/accounts/me").status_code == 401


def test_a_ledger_is_opened_joined_and_read_with_its_etag(api: Api) -> None:
    alex, sam, ledger_id = api.couple()
    one = sam.get(f"/api/v1/ledgers/{ledger_id}")
    assert one.status_code == 200
    assert one.headers["ETag"] == f'"{one.json["version"]}"'
    assert [p["display_name"] for p in one.json["partners"]] == ["Alex", "Sam"]
    assert [item["id"] for item in alex.get("/api/v1/ledgers").json["items"]] == [ledger_id]
    robin = api.person("Robin")
    reissued = alex.post(f"/api/v1/ledgers/{ledger_id}/invite")
    assert reissued.status_code == 409  # a full ledger takes no third partner
    assert robin.post("/api/v1/ledgers/join", {"invite_code": "AAAA-BBBB-CCCC"}).status_code == 404


def test_creating_an_entry_answers_201_with_location_etag_and_position(api: Api) -> None:
    alex, sam, ledger_id = api.couple()
    need = alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {
        "need": "Listen to me", "feeling": "tired", "support_type": "emotional", "intensity": 3})
    assert need.status_code == 201
    assert need.json["need"] == "Listen to me"
    assert need.json["status"] == "open"
    assert need.headers["Location"].endswith(f"/entries/{need.json['id']}")
    assert need.headers["ETag"] == '"3"'
    care = sam.post(f"/api/v1/ledgers/{ledger_id}/care", {
        "description": "Listened", "support_type": "emotional",
        "in_response_to": need.json["id"]})
    assert care.status_code == 201
    assert care.json["to"] == alex.id
    assert care.json["position"] > need.json["position"]
    ack = alex.post(f"/api/v1/ledgers/{ledger_id}/care/{care.json['id']}/acknowledgement",
                    {"adequacy": "right", "note": "thanks"})
    assert ack.status_code == 201
    assert alex.post(f"/api/v1/ledgers/{ledger_id}/care/{care.json['id']}/acknowledgement",
                     {"adequacy": "right"}).status_code == 409
    assert sam.post(f"/api/v1/ledgers/{ledger_id}/care/{care.json['id']}/acknowledgement",
                    {"adequacy": "right"}).status_code == 403
    met = alex.post(f"/api/v1/ledgers/{ledger_id}/needs/{need.json['id']}/resolution",
                    {"outcome": "met"})
    assert met.status_code == 201
    assert met.json["status"] == "met"
    check = sam.post(f"/api/v1/ledgers/{ledger_id}/check-ins", {"felt_supported": 7})
    assert check.status_code == 201
    assert check.json["week"].startswith("20")
    moment = sam.post(f"/api/v1/ledgers/{ledger_id}/moments", {"kind": "repair", "text": "sorry"})
    assert moment.json["moment_kind"] == "repair"
    amended = sam.post(f"/api/v1/ledgers/{ledger_id}/entries/{moment.json['id']}/amendments",
                       {"changes": {"text": "I'm sorry"}, "reason": "clearer"})
    assert amended.status_code == 201
    assert amended.json["amendments"][0]["changes"] == {"text": "I'm sorry"}
    assert alex.post(f"/api/v1/ledgers/{ledger_id}/entries/{moment.json['id']}/retraction",
                     {"reason": "not mine"}).status_code == 403
    retracted = sam.post(f"/api/v1/ledgers/{ledger_id}/entries/{moment.json['id']}/retraction",
                         {"reason": "later"})
    assert retracted.json["retracted"] is True


def test_amendments_cannot_touch_the_receiver_or_the_need_answered(api: Api) -> None:
    alex, sam, ledger_id = api.couple()
    care = sam.post(f"/api/v1/ledgers/{ledger_id}/care", {"description": "c",
                                                           "support_type": "practical"})
    refused = sam.post(f"/api/v1/ledgers/{ledger_id}/entries/{care.json['id']}/amendments",
                       {"changes": {"to": alex.id}, "reason": "x"})
    assert refused.status_code == 422
    assert "changes.to" in refused.json["errors"]


def test_checks_come_in_the_documented_order(api: Api) -> None:
    alex, _, ledger_id = api.couple()
    stranger = api.person("Robin")
    path = f"/api/v1/ledgers/{ledger_id}/needs"
    invalid = {"need": "", "support_type": "x", "intensity": 0}
    assert api.client.post(path, json=invalid).status_code == 401
    huge = {"need": "x" * 70_000}
    assert stranger.post(path, huge).status_code == 413
    assert stranger.post(path, invalid).status_code == 404
    assert alex.post(path, data="need=1", headers={"Content-Type": "text/plain"}).status_code == 415
    assert alex.post(path, data="{", headers={"Content-Type": "application/json"}).status_code == 400
    assert alex.post(path, invalid).status_code == 422
    stale = alex.post(path, {"need": "n", "support_type": "esteem", "intensity": 2},
                      headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    version = alex.get(f"/api/v1/ledgers/{ledger_id}").headers["ETag"]
    fresh = alex.post(path, {"need": "n", "support_type": "esteem", "intensity": 2},
                      headers={"If-Match": version})
    assert fresh.status_code == 201


def test_writing_while_paused_is_409_and_only_the_pauser_resumes(api: Api) -> None:
    alex, sam, ledger_id = api.couple()
    assert sam.post(f"/api/v1/ledgers/{ledger_id}/pause").json["paused"] is True
    assert alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {
        "need": "n", "support_type": "esteem", "intensity": 2}).status_code == 409
    assert alex.post(f"/api/v1/ledgers/{ledger_id}/resume").status_code == 403
    assert sam.post(f"/api/v1/ledgers/{ledger_id}/resume").json["paused"] is False


def test_an_idempotent_retry_returns_the_stored_reply_and_records_nothing(api: Api) -> None:
    alex, _, ledger_id = api.couple()
    body = {"need": "once", "support_type": "emotional", "intensity": 2}
    key = {"Idempotency-Key": "retry-1"}
    first = alex.post(f"/api/v1/ledgers/{ledger_id}/needs", body, headers=key)
    again = alex.post(f"/api/v1/ledgers/{ledger_id}/needs", body, headers=key)
    assert (again.status_code, again.json, again.headers["ETag"], again.headers["Location"]) == (
        first.status_code, first.json, first.headers["ETag"], first.headers["Location"])
    version = alex.get(f"/api/v1/ledgers/{ledger_id}").json["version"]
    assert version == int(first.headers["ETag"].strip('"'))
    other = alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {**body, "intensity": 3},
                      headers=key)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json["errors"]


def test_a_retry_while_the_first_is_in_flight_is_409(api: Api) -> None:
    alex, _, ledger_id = api.couple()
    path = f"/api/v1/ledgers/{ledger_id}/needs"
    body = {"need": "n", "support_type": "emotional", "intensity": 2}
    with api.app.app_context():
        from web.services import services

        store = services().ledger.recorder
        import hashlib
        import json
        import time

        digest = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"))
                                .encode()).hexdigest()
        now = int(time.time() * 1_000_000)
        assert store.claim_idempotency(alex.id.replace("-", ""), "POST", path, "busy", digest,
                                       now, now - 60_000_000)
    assert alex.post(path, body, headers={"Idempotency-Key": "busy"}).status_code == 409


def test_timeline_events_and_balance_read_the_views(api: Api) -> None:
    alex, sam, ledger_id = api.couple()
    alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {"need": "shared", "support_type":
                                                     "emotional", "intensity": 2})
    alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {"need": "mine only", "support_type":
                                                     "emotional", "intensity": 2,
                                                     "visibility": "private"})
    api.sync()
    for_sam = sam.get(f"/api/v1/ledgers/{ledger_id}/timeline").json
    assert [i["need"] for i in for_sam["items"]] == ["shared"]
    assert len(alex.get(f"/api/v1/ledgers/{ledger_id}/timeline").json["items"]) == 2
    history = sam.get(f"/api/v1/ledgers/{ledger_id}/events").json
    assert "mine only" not in str(history)
    assert [e["position"] for e in history["items"]] == sorted(e["position"]
                                                               for e in history["items"])
    balance = alex.get(f"/api/v1/ledgers/{ledger_id}/balance?window_weeks=4").json
    assert balance["partners"][alex.id]["needs_expressed"] == 2
    assert sam.get(f"/api/v1/ledgers/{ledger_id}/balance").json[
        "partners"][alex.id]["needs_expressed"] == 1
    series = alex.get(f"/api/v1/ledgers/{ledger_id}/balance/series?from=2026-02-02&to=2026-03-02")
    assert series.status_code == 200
    assert len(series.json["items"]) == 5


def test_cursors_page_through_and_are_bound_to_their_filters(api: Api) -> None:
    alex, _, ledger_id = api.couple()
    for n in range(5):
        alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {"need": f"n{n}", "intensity": 1,
                                                         "support_type": "esteem"})
    api.sync()
    path = f"/api/v1/ledgers/{ledger_id}/timeline"
    first = alex.get(f"{path}?limit=2").json
    second = alex.get(f"{path}?limit=2&cursor={first['next_cursor']}").json
    assert len({i["id"] for i in first["items"] + second["items"]}) == 4
    assert alex.get(f"{path}?limit=2&kind=need&cursor={first['next_cursor']}").status_code == 422
    assert alex.get(f"{path}?cursor=not-a-cursor").status_code == 422
    assert alex.get(f"{path}?limit=500").status_code == 422


def test_time_parameters_are_checked(api: Api, clock: ManualClock) -> None:
    alex, _, ledger_id = api.couple()
    base = f"/api/v1/ledgers/{ledger_id}"
    assert alex.get(f"{base}/balance?known_at=2026-01-01T00:00:00Z").status_code == 422
    assert alex.get(f"{base}/timeline?as_of=2999-01-01T00:00:00Z").status_code == 422
    assert alex.get(f"{base}/timeline?as_of=2026-01-01T00:00:00").status_code == 422
    assert alex.get(f"{base}/timeline?min_position=999999").status_code == 422


def test_min_position_waits_for_the_projector_or_answers_503(api: Api) -> None:
    alex, _, ledger_id = api.couple()
    with api.projector.stopped():
        written = alex.post(f"/api/v1/ledgers/{ledger_id}/needs", {
            "need": "n", "support_type": "esteem", "intensity": 1}).json["position"]
        waited = alex.get(f"/api/v1/ledgers/{ledger_id}/timeline?min_position={written}")
        assert waited.status_code == 503
        assert waited.headers["Retry-After"] == "1"
    fresh = alex.get(f"/api/v1/ledgers/{ledger_id}/timeline?min_position={written}")
    assert fresh.status_code == 200
    assert fresh.json["position"] >= written
    assert len(fresh.json["items"]) == 1


def test_unknown_routes_and_methods_are_problems(api: Api) -> None:
    kim = api.person("Kim")
    missing = kim.get("/api/v1/nothing-here")
    assert (missing.status_code, missing.mimetype) == (404, PROBLEM)
    wrong = kim.call("PUT", "/api/v1/accounts/me")
    assert (wrong.status_code, wrong.mimetype) == (405, PROBLEM)


def test_an_unexpected_error_is_a_500_problem_with_a_request_id_and_nothing_inside(
    api: Api,
) -> None:
    @api.app.route("/api/v1/broken")
    def broken() -> str:
        raise RuntimeError("secret internals: Zanzibar")

    api.app.config["EBBFLOW_PUBLIC_ENDPOINTS"].add("broken")
    answer = api.client.get("/api/v1/broken", headers={"X-Request-ID": "req-42"})
    assert answer.status_code == 500
    assert answer.json["request_id"] == "req-42"
    assert "Zanzibar" not in answer.get_data(as_text=True)


def test_every_response_has_security_headers_and_a_request_id(api: Api) -> None:
    answer = api.client.get("/api/v1/openapi.json")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Referrer-Policy"] == "same-origin"  # never to another site
    assert len(answer.headers["X-Request-ID"]) >= 16
    echoed = api.client.get("/api/v1/openapi.json", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"


def test_the_openapi_document_is_3_1_and_its_docs_are_served_locally(api: Api) -> None:
    spec = api.client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert "/api/v1/ledgers/{ledger_id}/needs" in spec["paths"]
    page = api.client.get("/api/v1/docs").get_data(as_text=True)
    assert "cdn" not in page.lower()
    asset = api.client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert b"SwaggerUIBundle" in asset.get_data()
    asset.close()


def test_leaving_with_forget_me_makes_the_words_unreadable_for_the_other(api: Api) -> None:
    alex, sam, ledger_id = api.couple()
    sam.post(f"/api/v1/ledgers/{ledger_id}/moments", {"kind": "good_news", "text": "Sam's news"})
    left = sam.post(f"/api/v1/ledgers/{ledger_id}/departure", {"forget_me": True})
    assert left.status_code == 200
    assert sam.get(f"/api/v1/ledgers/{ledger_id}").status_code == 404
    api.sync()
    items = alex.get(f"/api/v1/ledgers/{ledger_id}/timeline").json["items"]
    assert [i["text"] for i in items] == [None]


def test_ledger_time_zone_and_name_are_validated(api: Api) -> None:
    kim = api.person("Kim")
    bad = kim.post("/api/v1/ledgers", {"name": "x", "timezone": "Mars/Olympus"})
    assert bad.status_code == 422
    assert "timezone" in bad.json["errors"]


def test_rate_limits_can_be_shared_through_redis(settings: Settings) -> None:
    """Several workers share counters when a Redis URL is configured."""
    import redis

    from tests.conftest import cannot_run
    from web.ratelimit import RateLimited, RateLimits

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        cannot_run(f"Redis is not reachable: {error}")
    first, second = RateLimits(url), RateLimits(url)  # two workers
    identity = f"test-{settings.cipher_key[:8]}"
    for attempt in range(5):
        (first if attempt % 2 else second).hit("5/minute", "shared", identity)
    with pytest.raises(RateLimited) as limited:  # the sixth attempt, across two workers
        first.hit("5/minute", "shared", identity)
    assert limited.value.retry_after >= 1


def test_stored_replies_tokens_and_views_hold_no_words_or_tokens_in_the_clear(api: Api) -> None:
    """Idempotency records keep the reply encrypted; tokens are kept as hashes; the
    views hold sealed text: raw bytes of every file or table show none of them."""
    from tests.integration.raw import raw_database_bytes

    alex, _, ledger = api.couple()
    secret = "quokka-marmalade-secret"
    answer = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": secret, "intensity": 2, "support_type": "emotional"},
        headers={"Idempotency-Key": "store-me"})
    assert answer.status_code == 201
    api.sync()
    raw = raw_database_bytes(api.settings)
    assert secret.encode() not in raw
    assert alex.token.encode() not in raw


def test_a_forgotten_partners_stored_replies_are_erased_from_the_files(api: Api) -> None:
    """A reply kept for idempotent retries holds the partner's words under the instance
    key, so forget-me must delete and scrub it, whichever way the partner leaves."""
    from tests.integration.raw import raw_database_bytes

    _, sam, ledger = api.couple()
    words = "wombat-lanterns-never-again"
    assert sam.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": words, "intensity": 2, "support_type": "emotional"},
        headers={"Idempotency-Key": "keep-my-reply"}).status_code == 201
    with api.app.app_context():
        from web.services import services

        store = services().ledger.recorder
        assert store.aux("SELECT COUNT(*) AS n FROM {idempotency} WHERE account_id = ?",
                         (sam.id.replace("-", ""),), commit=False)[0]["n"] >= 1
        services().ledger.leave(UUID(ledger), UUID(sam.id), forget_me=True)  # as pages do
        left = store.aux("SELECT COUNT(*) AS n FROM {idempotency} WHERE account_id = ? "
                         "AND response IS NOT NULL", (sam.id.replace("-", ""),),
                         commit=False)[0]["n"]
    assert left == 0
    api.sync()
    assert words.encode() not in raw_database_bytes(api.settings)
