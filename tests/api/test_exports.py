"""Exports for counselling: faithful, verifiable, consented (both backends)."""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.export.chain import genesis, link, public_key_text, sign, verify
from tests.api.conftest import Api, Person

TRUSTED: dict[str, str] = {}


def exported(api: Api, person: Person, ledger: str, query: str = "") -> Any:
    answer = person.get(f"/api/v1/ledgers/{ledger}/export?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    return answer


def instance_key(api: Api) -> str:
    with api.app.app_context():
        from web.services import services

        return public_key_text(services().ledger.keys.signing_key())


@pytest.fixture
def history(api: Api) -> tuple[Person, Person, str]:
    alex, sam, ledger = api.couple()
    need = alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "talk tonight", "intensity": 3,
                                                          "support_type": "emotional"}).json
    sam.post(f"/api/v1/ledgers/{ledger}/care", {"description": "we talked", "in_response_to":
                                                 need["id"], "support_type": "emotional"})
    alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "alex private", "intensity": 1,
                                                  "support_type": "esteem",
                                                  "visibility": "private"})
    sam.post(f"/api/v1/ledgers/{ledger}/moments", {"kind": "good_news", "text": "sam private",
                                                   "visibility": "private"})
    sam.post(f"/api/v1/ledgers/{ledger}/check-ins", {"felt_supported": 8})
    api.sync()
    return alex, sam, ledger


def test_a_json_export_verifies_and_holds_what_the_partner_may_see(
    api: Api, history: tuple[Person, Person, str],
) -> None:
    alex, _, ledger = history
    document = json.loads(exported(api, alex, ledger).get_data(as_text=True))
    assert document["format"] == "ebbflow.export/2"
    assert [p["display_name"] for p in document["partners"]] == ["Alex", "Sam"]
    text = json.dumps(document)
    assert "talk tonight" in text and "we talked" in text
    assert "sam private" not in text and "alex private" not in text
    assert [e["position"] for e in document["events"]] == sorted(e["position"]
                                                                 for e in document["events"])
    assert verify(document, [instance_key(api)]).ok
    with_private = json.loads(exported(api, alex, ledger, "include_private=true")
                              .get_data(as_text=True))
    assert "alex private" in json.dumps(with_private)
    assert "sam private" not in json.dumps(with_private)


def test_every_export_is_recorded_in_the_ledger(api: Api,
                                               history: tuple[Person, Person, str]) -> None:
    alex, sam, ledger = history
    exported(api, alex, ledger, "format=csv")
    api.sync()
    events = sam.get(f"/api/v1/ledgers/{ledger}/events?limit=200").json["items"]
    taken = [e for e in events if e["type"] == "ExportTaken"]
    assert len(taken) == 1
    assert taken[0]["actor"] == alex.id
    assert taken[0]["data"]["format"] == "csv"


def tampered(document: dict[str, Any], how: str) -> tuple[dict[str, Any], int]:
    changed = copy.deepcopy(document)
    events = changed["events"]
    if how == "edited":
        events[2]["data"]["need"] = "something else"
        return changed, 2
    if how == "removed":
        del events[2]
        return changed, 2
    if how == "inserted":
        events.insert(2, dict(events[1], position=events[1]["position"] + 1))
        return changed, 2
    events[2], events[3] = events[3], events[2]  # reordered
    return changed, 2


@pytest.mark.parametrize("how", ["edited", "removed", "inserted", "reordered"])
def test_verify_names_the_first_bad_event(api: Api, history: tuple[Person, Person, str],
                                          how: str) -> None:
    alex, _, ledger = history
    document = json.loads(exported(api, alex, ledger).get_data(as_text=True))
    broken, index = tampered(document, how)
    verdict = verify(broken, [instance_key(api)])
    assert not verdict.ok
    assert verdict.bad_event == index
    assert f"event #{index + 1}" in verdict.message


def test_a_file_re_signed_with_another_key_fails_against_the_instance_key(
    api: Api, history: tuple[Person, Person, str],
) -> None:
    alex, _, ledger = history
    document = json.loads(exported(api, alex, ledger).get_data(as_text=True))
    document["events"][0]["data"]["name"] = "forged"
    head = genesis(document["ledger"]["id"])
    for event in document["events"]:
        event["hash"] = head = link(head, event)
    forger = Ed25519PrivateKey.generate()
    document["signature"] = sign(forger, document, head)
    assert verify(document, None).ok  # consistent with the key it carries…
    verdict = verify(document, [instance_key(api)])
    assert not verdict.ok  # …but not this instance's
    assert "another key" in verdict.message


def test_a_csv_export_parses_with_one_row_per_entry(api: Api,
                                                   history: tuple[Person, Person, str]) -> None:
    _, sam, ledger = history
    text = exported(api, sam, ledger, "format=csv&include_private=true").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["kind"] for r in rows} == {"need", "care", "moment", "check_in"}
    assert "sam private" in {r["words"] for r in rows}
    assert "alex private" not in text
    assert {r["author_name"] for r in rows} == {"Alex", "Sam"}


def test_an_export_scope_is_validated(api: Api, history: tuple[Person, Person, str]) -> None:
    alex, _, ledger = history
    assert alex.get(f"/api/v1/ledgers/{ledger}/export?sections=diary").status_code == 422
    assert alex.get(f"/api/v1/ledgers/{ledger}/export?format=xml").status_code == 422
    partial = json.loads(exported(api, alex, ledger, "sections=raw_events")
                         .get_data(as_text=True))
    assert partial["scope"]["sections"] == ["raw_events"]
    assert "timeline" not in partial
    assert verify(partial, [instance_key(api)]).ok


def test_a_pdf_report_names_the_partners_period_and_holds_what_the_partner_may_see(
    api: Api, history: tuple[Person, Person, str],
) -> None:
    from pypdf import PdfReader

    alex, _, ledger = history
    answer = exported(api, alex, ledger, "format=pdf")
    assert answer.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.get_data()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Alex and Sam" in text
    assert "What this report includes" in text and "What it leaves out" in text
    assert "Where the flow changed direction" in text
    assert "talk tonight" in text and "we talked" in text
    assert "alex private" not in text and "sam private" not in text
    assert "Felt supported 8 of 10" not in text  # Sam's check-in waits for Alex's
    assert reader.metadata is not None and reader.metadata.title.startswith(
        "Counselling report: Alex and Sam")
