"""Every API route × {anonymous, partner of another ledger, partner, revoked token,
expired token}, generated from the app's URL map: a new route without a row here
fails the test, so nothing ships unauthorised by oversight."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.conftest import PASSWORD, Api, Person
from tests.helpers import ManualClock

NOT_FOUND_IS_THE_ANSWER = {("/api/v1/ledgers/join", "POST"),  # an unknown invite code
                           ("/api/v1/password-resets/<string:token>", "POST"),  # unknown link
                           ("/api/v1/ledgers/<uuid:ledger_id>/invite", "GET")}  # both joined
PUBLIC = {("/api/v1/accounts", "POST"), ("/api/v1/tokens", "POST"),
          ("/api/v1/password-resets", "POST"), ("/api/v1/password-resets/<string:token>", "POST"),
          ("/api/v1/openapi.json", "GET"), ("/api/v1/docs", "GET"),
          ("/api/v1/docs/assets/<path:name>", "GET")}


@dataclass
class World:
    ledger: str
    need: str
    care: str
    token_id: str
    share: str


# rule -> method -> (path template, body): the body is harmless for the partner
ROWS: dict[tuple[str, str], tuple[str, Any]] = {
    ("/api/v1/accounts", "POST"): ("/api/v1/accounts", {"email": "x@example.com"}),
    ("/api/v1/accounts/me", "GET"): ("/api/v1/accounts/me", None),
    ("/api/v1/accounts/me", "PATCH"): ("/api/v1/accounts/me", {"current_password": "wrong"}),
    ("/api/v1/accounts/me", "DELETE"): ("/api/v1/accounts/me", {"password": "wrong"}),
    ("/api/v1/tokens", "POST"): ("/api/v1/tokens", {"email": "alex@example.com",
                                                     "password": PASSWORD}),
    ("/api/v1/accounts/me/notifications", "GET"): ("/api/v1/accounts/me/notifications", None),
    ("/api/v1/accounts/me/notifications", "PUT"): ("/api/v1/accounts/me/notifications", {}),
    ("/api/v1/accounts/me/email-verification", "POST"): (
        "/api/v1/accounts/me/email-verification", None),
    ("/api/v1/password-resets", "POST"): ("/api/v1/password-resets",
                                          {"email": "nobody@example.com"}),
    ("/api/v1/password-resets/<string:token>", "POST"): (
        "/api/v1/password-resets/ef_r_unknown", {"password": "a long enough password"}),
    ("/api/v1/tokens", "GET"): ("/api/v1/tokens", None),
    ("/api/v1/tokens", "DELETE"): ("/api/v1/tokens", None),
    ("/api/v1/tokens/current", "DELETE"): ("/api/v1/tokens/current", None),
    ("/api/v1/tokens/<uuid:token_id>", "DELETE"): ("/api/v1/tokens/{token_id}", None),
    ("/api/v1/ledgers", "POST"): ("/api/v1/ledgers", {"name": ""}),
    ("/api/v1/ledgers", "GET"): ("/api/v1/ledgers", None),
    ("/api/v1/ledgers/join", "POST"): ("/api/v1/ledgers/join", {"invite_code": "NOPE"}),
    ("/api/v1/ledgers/import", "POST"): ("/api/v1/ledgers/import", {"format": "x"}),
    ("/api/v1/ledgers/<uuid:ledger_id>", "GET"): ("/api/v1/ledgers/{ledger}", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/invite", "GET"): ("/api/v1/ledgers/{ledger}/invite",
                                                         None),
    ("/api/v1/ledgers/<uuid:ledger_id>/invite", "POST"): ("/api/v1/ledgers/{ledger}/invite",
                                                          None),
    ("/api/v1/ledgers/<uuid:ledger_id>/invite", "DELETE"): ("/api/v1/ledgers/{ledger}/invite",
                                                            None),
    ("/api/v1/ledgers/<uuid:ledger_id>/pause", "POST"): ("/api/v1/ledgers/{ledger}/pause",
                                                         {"x": 1}),
    ("/api/v1/ledgers/<uuid:ledger_id>/resume", "POST"): ("/api/v1/ledgers/{ledger}/resume",
                                                          {"x": 1}),
    ("/api/v1/ledgers/<uuid:ledger_id>/departure", "POST"): (
        "/api/v1/ledgers/{ledger}/departure", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/needs", "POST"): ("/api/v1/ledgers/{ledger}/needs", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/care", "POST"): ("/api/v1/ledgers/{ledger}/care", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/care/<uuid:care_id>/acknowledgement", "POST"): (
        "/api/v1/ledgers/{ledger}/care/{care}/acknowledgement", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/needs/<uuid:need_id>/resolution", "POST"): (
        "/api/v1/ledgers/{ledger}/needs/{need}/resolution", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/check-ins", "POST"): (
        "/api/v1/ledgers/{ledger}/check-ins", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/moments", "POST"): (
        "/api/v1/ledgers/{ledger}/moments", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/entries/<uuid:entry_id>/amendments", "POST"): (
        "/api/v1/ledgers/{ledger}/entries/{need}/amendments", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/entries/<uuid:entry_id>/retraction", "POST"): (
        "/api/v1/ledgers/{ledger}/entries/{need}/retraction", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/entries/<uuid:entry_id>", "GET"): (
        "/api/v1/ledgers/{ledger}/entries/{need}", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/events", "GET"): ("/api/v1/ledgers/{ledger}/events", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/timeline", "GET"): (
        "/api/v1/ledgers/{ledger}/timeline", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/balance", "GET"): (
        "/api/v1/ledgers/{ledger}/balance", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/balance/series", "GET"): (
        "/api/v1/ledgers/{ledger}/balance/series?from=2026-01-05&to=2026-02-02", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/export", "GET"): (
        "/api/v1/ledgers/{ledger}/export?format=csv", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/shares", "POST"): ("/api/v1/ledgers/{ledger}/shares", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/shares", "GET"): ("/api/v1/ledgers/{ledger}/shares", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>/approval", "POST"): (
        "/api/v1/ledgers/{ledger}/shares/{share}/approval", {}),
    ("/api/v1/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>", "GET"): (
        "/api/v1/ledgers/{ledger}/shares/{share}", None),
    ("/api/v1/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>", "DELETE"): (
        "/api/v1/ledgers/{ledger}/shares/{share}", None),
    ("/api/v1/openapi.json", "GET"): ("/api/v1/openapi.json", None),
    ("/api/v1/docs", "GET"): ("/api/v1/docs", None),
    ("/api/v1/docs/assets/<path:name>", "GET"): ("/api/v1/docs/assets/swagger-ui.css", None),
}


def api_routes(api: Api) -> set[tuple[str, str]]:
    routes = set()
    for rule in api.app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            routes.update((rule.rule, m) for m in rule.methods or () if m not in ("HEAD",
                                                                                   "OPTIONS"))
    return routes


def send(api: Api, person: Person | None, token: str | None, route: tuple[str, str],
         world: World) -> Any:
    template, body = ROWS[route]
    path = template.format(ledger=world.ledger, need=world.need, care=world.care,
                           token_id=world.token_id, share=world.share)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = api.client.open(path, method=route[1], json=body, headers=headers)
    response.close()
    return response


def test_every_api_route_has_a_row(api: Api) -> None:
    assert api_routes(api) == set(ROWS)


def test_the_authorisation_matrix(api: Api, clock: ManualClock) -> None:
    alex, sam, ledger = api.couple()
    need = alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "n", "support_type": "esteem",
                                                          "intensity": 1}).json["id"]
    care = sam.post(f"/api/v1/ledgers/{ledger}/care", {"description": "c",
                                                        "support_type": "esteem",
                                                        "in_response_to": need}).json["id"]
    robin = api.person("Robin")
    robin.post("/api/v1/ledgers", {"name": "Robin's"})
    api.sync()
    revoked = api.client.post("/api/v1/tokens", json={"email": alex.email,
                                                      "password": PASSWORD}).json["token"]
    api.client.delete("/api/v1/tokens/current", headers={"Authorization": f"Bearer {revoked}"})
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": "2026-05-01T00:00:00Z"}).json["id"]
    world = World(ledger, need, care, alex.get("/api/v1/tokens").json["items"][0]["id"], share)
    failures = []
    for route in sorted(ROWS, key=lambda r: (r[0], r[1] == "DELETE")):
        is_public = route in PUBLIC
        scoped = "<uuid:ledger_id>" in route[0]
        anonymous = send(api, None, None, route, world).status_code
        if (anonymous == 401) == is_public:
            failures.append((route, "anonymous", anonymous))
        if not is_public and send(api, None, revoked, route, world).status_code != 401:
            failures.append((route, "revoked", "not 401"))
        stranger = send(api, robin, robin.token, route, world).status_code
        if scoped and stranger != 404:
            failures.append((route, "other couple", stranger))
        if route[1] != "DELETE" or scoped:
            partner = send(api, alex, alex.token, route, world).status_code
            expected_404 = route in NOT_FOUND_IS_THE_ANSWER and partner == 404
            if partner == 401 or (partner == 404 and not expected_404) or partner >= 500:
                failures.append((route, "partner", partner))
    clock.advance(days=31)
    for route in ROWS:
        if route not in PUBLIC and send(api, alex, alex.token, route, world).status_code != 401:
            failures.append((route, "expired", "not 401"))
    assert failures == [], "\n".join(map(str, failures))


@pytest.mark.parametrize("kind", ["ledger"])
def test_another_couples_ids_are_404_alike_whether_they_exist_or_not(api: Api, kind: str) -> None:
    alex, _, ledger = api.couple()
    robin = api.person("Robin")
    theirs = robin.get(f"/api/v1/ledgers/{ledger}")
    unknown = robin.get("/api/v1/ledgers/00000000-0000-4000-8000-000000000000")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json["detail"] == unknown.json["detail"]
    assert alex.get(f"/api/v1/ledgers/{ledger}").status_code == 200
