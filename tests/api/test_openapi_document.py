"""The OpenAPI document says what the server does: who may call each operation, the
headers it reads and sets, every problem it can answer, the fields always present and
the values they take. Checked on the document, and against the server's answers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import schemathesis
from flask.testing import FlaskClient
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
from werkzeug.test import TestResponse

from tests.api.conftest import PASSWORD, Api, Person

METHODS = ("get", "post", "put", "patch", "delete")
CHECKS = [content_type_conformance, response_headers_conformance, response_schema_conformance]


def document(api: Api) -> dict[str, Any]:
    spec: dict[str, Any] = api.client.get("/api/v1/openapi.json").json
    return spec


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def operation(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][path][method.lower()]
    return found


def header_names(op: dict[str, Any]) -> set[str]:
    return {p["$ref"].rsplit("/", 1)[-1] for p in op.get("parameters", []) if "$ref" in p}


def test_only_sign_up_sign_in_and_password_resets_are_declared_without_a_token(
        api: Api) -> None:
    spec = document(api)
    public = {(m, p) for m, p, op in operations(spec) if op["security"] == []}
    assert public == {("POST", "/api/v1/accounts"), ("POST", "/api/v1/tokens"),
                      ("POST", "/api/v1/password-resets"),
                      ("POST", "/api/v1/password-resets/{token}")}
    assert all(op["security"] == [{"bearer": []}] for m, p, op in operations(spec)
               if (m, p) not in public)
    assert api.client.post("/api/v1/tokens", json={"email": "nobody@example.com",
                                                   "password": PASSWORD}).status_code == 401


def test_an_import_declares_its_body_and_an_approval_may_come_without_one(api: Api) -> None:
    spec = document(api)
    body = operation(spec, "POST", "/api/v1/ledgers/import")["requestBody"]
    assert body["required"] is True
    schema = spec["components"]["schemas"]["ExportDocument"]
    assert schema["type"] == "object" and "ebbflow.export/2" in schema["description"]
    approval = "/api/v1/ledgers/{ledger_id}/shares/{share_id}/approval"
    assert operation(spec, "POST", approval)["requestBody"]["required"] is False
    alex, sam, ledger = api.couple()
    share = alex.post(f"/api/v1/ledgers/{ledger}/shares", {
        "label": "c", "expires_at": "2026-04-01T00:00:00Z"}).json["id"]
    approved = sam.call("POST", f"/api/v1/ledgers/{ledger}/shares/{share}/approval")
    assert approved.status_code == 200, approved.json


def test_every_operation_has_a_unique_snake_case_operation_id(api: Api) -> None:
    ids = [op.get("operationId", "") for _, _, op in operations(document(api))]
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids), ids
    assert len(ids) == len(set(ids)) == 44
    assert {"express_need", "acknowledge_care", "resolve_need", "get_ledger", "list_shares",
            "get_share", "revoke_token", "leave_ledger", "read_balance_series"} <= set(ids)


def test_the_document_names_its_server_and_keeps_no_unused_components(api: Api) -> None:
    spec = document(api)
    assert spec["servers"] == [{"url": "/"}]
    text = str(spec["paths"]) + str(spec["components"])
    unused = [f"{section}/{name}" for section, names in spec["components"].items()
              if section != "securitySchemes" for name in names
              if f"'#/components/{section}/{name}'" not in text]
    assert unused == []
    for leftover in ("Error", "PaginationMetadata"):
        assert leftover not in spec["components"]["schemas"]
    for leftover in ("UNPROCESSABLE_ENTITY", "DEFAULT_ERROR"):
        assert leftover not in spec["components"]["responses"]


def enum_of(prop: dict[str, Any]) -> list[Any]:
    if "enum" in prop:
        return list(prop["enum"])
    return [value for option in prop.get("anyOf", []) for value in option.get("enum", [])]


def test_fixed_values_are_enumerations(api: Api) -> None:
    schemas = document(api)["components"]["schemas"]
    expected = {
        ("EntryOut", "kind"): {"need", "care", "acknowledgement", "check_in", "moment"},
        ("EntryOut", "support_type"): {"emotional", "informational", "esteem", "practical"},
        ("EntryOut", "visibility"): {"shared", "private"},
        ("EntryOut", "adequacy"): {"too_little", "right", "too_much"},
        ("EntryOut", "status"): {"open", "met", "withdrawn"},
        ("EntryOut", "outcome"): {"met", "withdrawn"},
        ("EntryOut", "moment_kind"): {"good_news", "appreciation", "repair"},
        ("AcknowledgementOut", "adequacy"): {"too_little", "right", "too_much"},
        ("ShareOut", "status"): {"pending", "active", "revoked", "expired"},
        ("ShareOut", "revoked_because"): {"revoked", "partner_left"},
        ("TokenInfoOut", "kind"): {"api", "session"},
        ("PromptOut", "kind"): {"quiet_voice"},
    }
    found = {key: set(enum_of(schemas[key[0]]["properties"][key[1]])) - {None}
             for key in expected}
    assert found == expected
    nullable = schemas["EntryOut"]["properties"]["support_type"]
    assert {"type": "null"} in nullable["anyOf"]


def test_fields_present_in_every_reply_are_required(api: Api) -> None:
    schemas = document(api)["components"]["schemas"]
    outputs = [name for name in schemas if name.endswith("Out")]
    assert all(schemas[name].get("required") for name in outputs), [
        name for name in outputs if not schemas[name].get("required")]
    assert set(schemas["EntryOut"]["required"]) == {"id", "author", "recorded_at"}
    assert {"id", "name", "partners", "version", "paused"} <= set(
        schemas["LedgerOut"]["required"])
    assert set(schemas["TokenOut"]["required"]) == {"token", "expires_at"}
    assert set(schemas["ShareOut"]["required"]) == {"id", "status", "url"}


def test_from_and_to_are_a_date_or_a_time(api: Api) -> None:
    spec = document(api)
    for path in ("/api/v1/ledgers/{ledger_id}/timeline", "/api/v1/ledgers/{ledger_id}/export",
                 "/api/v1/ledgers/{ledger_id}/balance/series"):
        for parameter in operation(spec, "GET", path)["parameters"]:
            if parameter["name"] in ("from", "to"):
                formats = [o["format"] for o in parameter["schema"]["anyOf"]]
                assert formats == ["date", "date-time"], (path, parameter)
                assert {o["type"] for o in parameter["schema"]["anyOf"]} == {"string"}
                assert "RFC 3339" in parameter["description"]


def test_the_export_declares_json_csv_and_pdf(api: Api) -> None:
    export = operation(document(api), "GET", "/api/v1/ledgers/{ledger_id}/export")
    assert set(export["responses"]["200"]["content"]) == {"application/json", "text/csv",
                                                          "application/pdf"}


def test_problems_follow_the_check_order_of_api_md(api: Api) -> None:
    spec = document(api)
    for method, path, op in operations(spec):
        declared = {int(code) for code in op["responses"] if code.isdigit() and code >= "400"}
        public = op["security"] == []
        assert (401 in declared) != public or path == "/api/v1/tokens", (method, path)
        if "{" in path:
            assert 404 in declared, (method, path)
        if "requestBody" in op:
            assert {400, 413, 415, 422} <= declared, (method, path)
        if "If-Match" in header_names(op):
            assert 412 in declared, (method, path)
        if any(p.get("name") == "min_position" for p in op.get("parameters", [])):
            assert 503 in declared, (method, path)
        assert op["responses"]["default"] == {"$ref": "#/components/responses/Unexpected"}
    expected = {
        ("POST", "/api/v1/accounts"): {400, 409, 413, 415, 422, 429},
        ("POST", "/api/v1/tokens"): {400, 401, 413, 415, 422, 429},
        ("DELETE", "/api/v1/tokens/{token_id}"): {401, 404},
        ("GET", "/api/v1/ledgers/{ledger_id}"): {401, 404, 422},
        ("POST", "/api/v1/ledgers/{ledger_id}/needs"): {400, 401, 404, 409, 412, 413, 415, 422},
        ("POST", "/api/v1/ledgers/{ledger_id}/care/{care_id}/acknowledgement"): {
            400, 401, 403, 404, 409, 412, 413, 415, 422},
        ("POST", "/api/v1/ledgers/{ledger_id}/resume"): {401, 403, 404, 409, 412, 422},
        ("GET", "/api/v1/ledgers/{ledger_id}/timeline"): {401, 404, 422, 503},
        ("DELETE", "/api/v1/ledgers/{ledger_id}/invite"): {401, 404, 409},
    }
    for (method, path), statuses in expected.items():
        responses = operation(spec, method, path)["responses"]
        assert {int(c) for c in responses if c.isdigit() and c >= "400"} == statuses, path
    problem = spec["components"]["responses"]["Conflict"]["content"]
    assert problem == {"application/problem+json": {"schema": {
        "$ref": "#/components/schemas/Problem"}}}
    assert "Retry-After" in spec["components"]["responses"]["RateLimited"]["headers"]


def bad_header(client: FlaskClient, person: Person, method: str, path: str, body: Any,
               header: str, value: str) -> bool:
    """Whether the server read this header: a malformed one is then a 422 naming it."""
    answer = client.open(path, method=method, json=body, headers={
        "Authorization": f"Bearer {person.token}", header: value})
    return answer.status_code == 422 and header in (answer.json or {}).get("errors", {})


def test_idempotency_key_and_if_match_are_declared_exactly_where_the_server_reads_them(
    api: Api,
) -> None:
    alex, sam, ledger = api.couple()
    base = f"/api/v1/ledgers/{ledger}"
    need = alex.post(f"{base}/needs", {"need": "n", "support_type": "esteem",
                                       "intensity": 1}).json["id"]
    care = sam.post(f"{base}/care", {"description": "c", "support_type": "esteem"}).json["id"]
    share = sam.post(f"{base}/shares", {"label": "c",
                                        "expires_at": "2026-04-01T00:00:00Z"}).json["id"]
    values = {"ledger_id": ledger, "need_id": need, "care_id": care, "entry_id": need,
              "share_id": share, "token": "ef_r_unknown"}
    bodies: dict[str, Any] = {
        "/api/v1/accounts": {"email": "new@example.com", "password": PASSWORD,
                             "display_name": "New"},
        "/api/v1/tokens": {"email": alex.email, "password": PASSWORD},
        "/api/v1/ledgers": {"name": "Ours"}, "/api/v1/ledgers/join": {"invite_code": "NONE"},
        "/api/v1/ledgers/import": {},
        "/api/v1/ledgers/{ledger_id}/departure": {"forget_me": False},
        "/api/v1/ledgers/{ledger_id}/needs": {"need": "n", "support_type": "esteem",
                                              "intensity": 1},
        "/api/v1/ledgers/{ledger_id}/care": {"description": "c", "support_type": "esteem"},
        "/api/v1/ledgers/{ledger_id}/care/{care_id}/acknowledgement": {"adequacy": "right"},
        "/api/v1/ledgers/{ledger_id}/needs/{need_id}/resolution": {"outcome": "met"},
        "/api/v1/ledgers/{ledger_id}/check-ins": {"felt_supported": 5},
        "/api/v1/ledgers/{ledger_id}/moments": {"kind": "repair", "text": "t"},
        "/api/v1/ledgers/{ledger_id}/entries/{entry_id}/amendments": {
            "changes": {"need": "m"}, "reason": "r"},
        "/api/v1/ledgers/{ledger_id}/entries/{entry_id}/retraction": {"reason": "r"},
        "/api/v1/ledgers/{ledger_id}/shares": {"label": "c",
                                               "expires_at": "2026-04-01T00:00:00Z"},
        "/api/v1/ledgers/{ledger_id}/shares/{share_id}/approval": {},
        "/api/v1/accounts/me/email-verification": None,
        "/api/v1/password-resets": {"email": "nobody@example.com"},
        "/api/v1/password-resets/{token}": {"password": "a long enough password"},
    }
    spec = document(api)
    writes = [(m, p, op) for m, p, op in operations(spec) if m == "POST"]
    assert {p for _, p, _ in writes} == set(bodies) | {"/api/v1/ledgers/{ledger_id}/invite",
                                                       "/api/v1/ledgers/{ledger_id}/pause",
                                                       "/api/v1/ledgers/{ledger_id}/resume"}
    for header, value in (("Idempotency-Key", "k" * 256), ("If-Match", "seventeen")):
        declared = {p for _, p, op in writes if header in header_names(op)}
        departure = "/api/v1/ledgers/{ledger_id}/departure"  # last: it may run and leave
        ordered = sorted((p for _, p, _ in writes), key=lambda p: p == departure)
        read = {p for p in ordered
                if bad_header(api.client, alex, "POST", p.format(**values), bodies.get(p),
                              header, value)}
        assert read == declared, header


class Conformance:
    """Sends requests through the test client and checks every answer against the
    document: its status declared (not only covered by `default`), its media type, its
    required headers and its body schema."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api.app)
        self.exercised: set[tuple[str, str]] = set()

    def send(self, who: Person | None, method: str, template: str, expected: int,
             values: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        path = template.format(**(values or {}))
        if who is None:
            answer = self.api.client.open(path, method=method, **kwargs)
        else:
            answer = who.call(method, path, **kwargs)
        assert answer.status_code == expected, (method, path, answer.get_data(as_text=True))
        found = self.schema[template][method]
        assert str(expected) in found.responses.status_codes, (method, template, expected)
        case = found.Case(path_parameters=values or {})
        case.validate_response(Response.from_any(answer), checks=CHECKS)
        self.exercised.add((method, template))
        return answer


def test_every_operation_answers_as_the_document_says(api: Api) -> None:
    walk = Conformance(api)
    alex, sam, ledger = api.couple()
    robin = api.person("Robin")
    mine = {"ledger_id": ledger}
    base = "/api/v1/ledgers/{ledger_id}"

    kim = {"email": "kim@example.com", "password": PASSWORD, "display_name": "Kim"}
    walk.send(None, "POST", "/api/v1/accounts", 201, json=kim)
    walk.send(None, "POST", "/api/v1/accounts", 409, json=kim)
    walk.send(None, "POST", "/api/v1/accounts", 415, data="x",
              headers={"Content-Type": "text/plain"})
    walk.send(None, "POST", "/api/v1/accounts", 400, data="{",
              headers={"Content-Type": "application/json"})
    walk.send(None, "POST", "/api/v1/accounts", 413, json={"email": "x" * 70_000})
    walk.send(None, "POST", "/api/v1/accounts", 422, json={})
    signed_in = walk.send(None, "POST", "/api/v1/tokens", 201,
                          json={"email": kim["email"], "password": PASSWORD}).json
    kim_person = Person(api.client, signed_in["token"], "", kim["email"])
    for _ in range(10):  # failures are counted: 10 a minute per email and address
        walk.send(None, "POST", "/api/v1/tokens", 401,
                  json={"email": kim["email"], "password": "not the password"})
    walk.send(None, "POST", "/api/v1/tokens", 429,
              json={"email": kim["email"], "password": "not the password"})
    walk.send(None, "GET", "/api/v1/accounts/me", 401)
    walk.send(alex, "GET", "/api/v1/accounts/me", 200)
    walk.send(alex, "GET", "/api/v1/accounts/me", 422, query_string={"bogus": "1"})
    walk.send(alex, "PATCH", "/api/v1/accounts/me", 200,
              json={"current_password": PASSWORD, "display_name": "Alex"})
    tokens = walk.send(kim_person, "GET", "/api/v1/tokens", 200).json["items"]
    walk.send(alex, "DELETE", "/api/v1/tokens/{token_id}", 404, {"token_id": tokens[0]["id"]})
    mail_choices = "/api/v1/accounts/me/notifications"
    walk.send(alex, "GET", mail_choices, 200)
    walk.send(alex, "PUT", mail_choices, 200, json={
        "needs": True, "care": True, "answers": False, "check_in_reveal": True,
        "shares": False, "weekly_reminder": {"day": "monday"}, "digest": "daily",
        "quiet_hours": {"from": "22:00", "to": "07:00"}})
    walk.send(alex, "PUT", mail_choices, 422, json={"needs": "yes"})
    walk.send(alex, "POST", "/api/v1/accounts/me/email-verification", 202)
    walk.send(None, "POST", "/api/v1/password-resets", 202, json={"email": alex.email})
    walk.send(None, "POST", "/api/v1/password-resets", 422, json={})
    walk.send(None, "POST", "/api/v1/password-resets/{token}", 404, {"token": "ef_r_unknown"},
              json={"password": "a long enough password"})
    walk.send(None, "POST", "/api/v1/password-resets/{token}", 422, {"token": "ef_r_unknown"},
              json={"password": "short"})

    theirs = walk.send(robin, "POST", "/api/v1/ledgers", 201, json={"name": "Robin's"},
                       headers={"Idempotency-Key": "open-once"}).json["id"]
    walk.send(robin, "POST", "/api/v1/ledgers", 201, json={"name": "Robin's"},
              headers={"Idempotency-Key": "open-once"})
    other = {"ledger_id": theirs}
    walk.send(alex, "GET", "/api/v1/ledgers", 200)
    walk.send(alex, "GET", base, 200, mine)
    walk.send(robin, "GET", base, 404, mine)
    code = walk.send(robin, "POST", f"{base}/invite", 201, other).json["invite_code"]
    assert walk.send(robin, "GET", f"{base}/invite", 200, other).json["invite_code"] == code
    walk.send(robin, "DELETE", f"{base}/invite", 204, other)
    walk.send(robin, "GET", f"{base}/invite", 404, other)
    walk.send(alex, "POST", f"{base}/invite", 409, mine)
    walk.send(sam, "POST", "/api/v1/ledgers/join", 404, json={"invite_code": code})
    code = walk.send(robin, "POST", f"{base}/invite", 201, other).json["invite_code"]
    walk.send(robin, "POST", "/api/v1/ledgers/join", 409, json={"invite_code": code})
    walk.send(sam, "POST", "/api/v1/ledgers/join", 200, json={"invite_code": code})

    need = walk.send(alex, "POST", f"{base}/needs", 201, mine, json={
        "need": "talk", "support_type": "emotional", "intensity": 3}).json["id"]
    walk.send(alex, "POST", f"{base}/needs", 412, mine, headers={"If-Match": '"1"'}, json={
        "need": "talk", "support_type": "emotional", "intensity": 3})
    care = walk.send(sam, "POST", f"{base}/care", 201, mine, json={
        "description": "listened", "support_type": "emotional", "in_response_to": need}
    ).json["id"]
    ack = f"{base}/care/{{care_id}}/acknowledgement"
    walk.send(sam, "POST", ack, 403, {**mine, "care_id": care}, json={"adequacy": "right"})
    walk.send(alex, "POST", ack, 201, {**mine, "care_id": care}, json={"adequacy": "right"})
    walk.send(alex, "POST", ack, 409, {**mine, "care_id": care}, json={"adequacy": "right"})
    resolution = f"{base}/needs/{{need_id}}/resolution"
    walk.send(sam, "POST", resolution, 403, {**mine, "need_id": need}, json={"outcome": "met"})
    walk.send(alex, "POST", resolution, 201, {**mine, "need_id": need}, json={"outcome": "met"})
    walk.send(sam, "POST", f"{base}/check-ins", 201, mine, json={"felt_supported": 7})
    moment = walk.send(sam, "POST", f"{base}/moments", 201, mine, json={
        "kind": "repair", "text": "sorry"}).json["id"]
    entry = {**mine, "entry_id": moment}
    walk.send(sam, "POST", f"{base}/entries/{{entry_id}}/amendments", 201, entry,
              json={"changes": {"text": "I'm sorry"}, "reason": "clearer"})
    walk.send(sam, "POST", f"{base}/entries/{{entry_id}}/retraction", 201, entry,
              json={"reason": "later"})
    walk.send(sam, "POST", f"{base}/pause", 200, mine)
    walk.send(alex, "POST", f"{base}/resume", 403, mine)
    walk.send(alex, "POST", f"{base}/moments", 409, mine, json={"kind": "repair", "text": "t"})
    position = walk.send(sam, "POST", f"{base}/resume", 200, mine).json["position"]

    reads = {"query_string": {"min_position": str(position)}}
    walk.send(alex, "GET", f"{base}/events", 200, mine, **reads)
    walk.send(alex, "GET", f"{base}/timeline", 200, mine, query_string={
        "min_position": str(position), "from": "2026-01-01", "to": "2026-12-31T00:00:00Z"})
    walk.send(alex, "GET", f"{base}/entries/{{entry_id}}", 200, {**mine, "entry_id": need})
    walk.send(alex, "GET", f"{base}/balance", 200, mine, **reads)
    walk.send(alex, "GET", f"{base}/balance/series", 200, mine,
              query_string={"from": "2026-02-02", "to": "2026-03-02"})
    walk.send(alex, "GET", f"{base}/timeline", 422, mine, query_string={"bogus": "1"})
    with api.projector.stopped():
        written = alex.post(f"/api/v1/ledgers/{ledger}/moments",
                            {"kind": "good_news", "text": "news"}).json["position"]
        walk.send(alex, "GET", f"{base}/timeline", 503, mine,
                  query_string={"min_position": str(written)})
    for fmt in ("json", "csv", "pdf"):
        walk.send(alex, "GET", f"{base}/export", 200, mine,
                  query_string={"format": fmt, "include_private": "true"}).close()
    exported = alex.get(f"/api/v1/ledgers/{ledger}/export",
                        query_string={"include_private": "true"})
    walk.send(robin, "POST", "/api/v1/ledgers/import", 201, json=exported.json)
    walk.send(robin, "POST", "/api/v1/ledgers/import", 422, json={"format": "nope"})

    share = walk.send(alex, "POST", f"{base}/shares", 201, mine, json={
        "label": "Dr. Rivera", "expires_at": "2026-04-01T00:00:00Z"}).json["id"]
    one_share = {**mine, "share_id": share}
    walk.send(alex, "GET", f"{base}/shares/{{share_id}}", 200, one_share)
    walk.send(alex, "POST", f"{base}/shares/{{share_id}}/approval", 403, one_share)
    walk.send(sam, "POST", f"{base}/shares/{{share_id}}/approval", 200, one_share)
    walk.send(sam, "GET", f"{base}/shares", 200, mine)
    walk.send(sam, "DELETE", f"{base}/shares/{{share_id}}", 204, one_share)
    walk.send(alex, "DELETE", f"{base}/shares/{{share_id}}", 409, one_share)

    walk.send(robin, "POST", f"{base}/departure", 200, other, json={"forget_me": False})
    walk.send(kim_person, "DELETE", "/api/v1/tokens/{token_id}", 204,
              {"token_id": tokens[0]["id"]})
    walk.send(sam, "DELETE", "/api/v1/tokens/current", 204)
    walk.send(alex, "DELETE", "/api/v1/tokens", 204)
    walk.send(robin, "DELETE", "/api/v1/accounts/me", 204, json={"password": PASSWORD})
    documented = {(m, p) for m, p, _ in operations(document(api))}
    assert documented - walk.exercised == set()
