"""An import is untrusted input (audit findings 1, 4, 12): only files signed by this
instance or a key the operator trusts; every value validated like an API request;
all or nothing; limited; and the other partner's private entries never arrive."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from ledger.infra.config import Settings
from projections.export.chain import genesis, link, public_key_text, sign
from tests.api.conftest import Api, Person
from tests.api.test_import import history
from tests.conftest import Projector
from tests.helpers import ManualClock
from web import create_app
from web.services import services


def complete_export(api: Api) -> tuple[Person, dict[str, Any]]:
    alex, _, ledger = history(api)
    answer = alex.get(f"/api/v1/ledgers/{ledger}/export?include_private=true")
    return alex, json.loads(answer.get_data(as_text=True))


def instance_signing_key(api: Api) -> Ed25519PrivateKey:
    with api.app.app_context():
        return services().ledger.keys.signing_key()


def resigned(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The document made consistent again (chain and signature) after an edit."""
    head = genesis(document["ledger"]["id"])
    for event in document["events"]:
        event.pop("hash", None)
        event["hash"] = head = link(head, event)
    document["signature"] = sign(key, document, head)
    return document


def first(document: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(e for e in document["events"] if e["type"] == kind)


def log_head(api: Api) -> int:
    with api.app.app_context():
        return services().ledger.max_position()


def test_a_file_signed_with_its_own_key_is_refused_with_the_reason(api: Api) -> None:
    _, document = complete_export(api)
    forged = resigned(copy.deepcopy(document), Ed25519PrivateKey.generate())
    carol = api.person("Carol")
    before = log_head(api)
    refused = carol.post("/api/v1/ledgers/import", forged)
    assert refused.status_code == 422
    assert "another key than this instance's" in refused.json["errors"]["signature"][0]
    assert log_head(api) == before
    assert carol.get("/api/v1/ledgers").json["items"] == []


def test_a_file_signed_by_a_key_the_operator_trusts_is_imported(
    settings: Settings, clock: ManualClock, projector: Projector,
) -> None:
    other_instance = Ed25519PrivateKey.generate()
    trusting = settings.with_changes(trusted_export_keys=(public_key_text(other_instance),))
    app: Flask = create_app({"EBBFLOW_SETTINGS": trusting, "TESTING": True,
                             "EBBFLOW_CLOCK": clock})
    try:
        api = Api(app, trusting, projector)
        _, document = complete_export(api)
        moved = resigned(copy.deepcopy(document), other_instance)
        assert api.person("Carol").post("/api/v1/ledgers/import", moved).status_code == 201
    finally:
        with app.app_context():
            services().close()


def change(kind: str, **data: Any) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        first(document, kind)["data"].update(data)
    return edit


def amend_recurring(document: dict[str, Any]) -> None:
    """The audit's poison: an amendment whose `recurring` is the word "yes"."""
    amended = first(document, "EntryAmended")
    amended["data"]["changes"] = {"recurring": "yes"}


BAD_VALUES: dict[str, Callable[[dict[str, Any]], None]] = {
    "intensity x": change("NeedExpressed", intensity="x"),
    "intensity null": change("NeedExpressed", intensity=None),
    "intensity list": change("NeedExpressed", intensity=[1]),
    "intensity 9": change("NeedExpressed", intensity=9),
    "unknown support type": change("NeedExpressed", support_type="cuddles"),
    "recurring as a word": change("NeedExpressed", recurring="yes"),
    "text too long": change("NeedExpressed", need="x" * 2001),
    "text with NUL": change("NeedExpressed", need="a\x00b"),
    "no entry id": change("CareOffered", entry_id=None),
    "felt supported 11": change("CheckedIn", felt_supported=11),
    "amended recurring as a word": amend_recurring,
    "unknown field": change("MomentShared", colour="red"),
    "a week that is no week": change("CheckedIn", week="someday"),
    "display name too long": change("Opened", display_name="n" * 81),
}


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_a_malformed_value_is_a_422_and_nothing_is_recorded(api: Api, name: str) -> None:
    _, document = complete_export(api)
    BAD_VALUES[name](document)
    carol = api.person("Carol")
    before = log_head(api)
    refused = carol.post("/api/v1/ledgers/import",
                         resigned(document, instance_signing_key(api)))
    assert refused.status_code == 422, refused.json
    assert "events" in refused.json["errors"]
    assert log_head(api) == before
    assert carol.get("/api/v1/ledgers").json["items"] == []


def test_a_history_the_domain_refuses_half_way_leaves_no_half_ledger(api: Api) -> None:
    _, document = complete_export(api)
    last_care = [e for e in document["events"] if e["type"] == "CareAcknowledged"][-1]
    last_care["data"]["care_id"] = "00000000-0000-4000-8000-000000000000"  # no such care
    carol = api.person("Carol")
    before = log_head(api)
    refused = carol.post("/api/v1/ledgers/import",
                         resigned(document, instance_signing_key(api)))
    assert refused.status_code == 422
    assert "CareAcknowledged" in refused.json["errors"]["events"][0]
    assert log_head(api) == before
    assert carol.get("/api/v1/ledgers").json["items"] == []


def test_the_other_partners_private_entries_are_refused(api: Api) -> None:
    """No export holds them; a file that does would hand them to the placeholder's
    claimer as their own words."""
    alex, document = complete_export(api)
    theirs = next(e for e in document["events"] if (e["type"] == "NeedExpressed"
                  and e["actor"] != alex.id) or (e["type"] == "MomentShared"
                  and e["actor"] != alex.id))
    theirs["data"]["visibility"] = "private"
    refused = api.person("Carol").post("/api/v1/ledgers/import",
                                       resigned(document, instance_signing_key(api)))
    assert refused.status_code == 422
    assert "private" in refused.json["errors"]["events"][0]


def test_an_import_over_the_event_cap_is_refused(
    settings: Settings, clock: ManualClock, projector: Projector,
) -> None:
    capped = settings.with_changes(import_max_events=10)
    app: Flask = create_app({"EBBFLOW_SETTINGS": capped, "TESTING": True,
                             "EBBFLOW_CLOCK": clock})
    try:
        api = Api(app, capped, projector)
        _, document = complete_export(api)
        assert len(document["events"]) > 10
        refused = api.person("Carol").post("/api/v1/ledgers/import", document)
        assert refused.status_code == 422
        assert "at most 10 events" in refused.json["errors"]["events"][0]
    finally:
        with app.app_context():
            services().close()


def test_imports_are_limited_per_account(api: Api) -> None:
    _, document = complete_export(api)
    carol, dan = api.person("Carol"), api.person("Dan")
    answers = [carol.post("/api/v1/ledgers/import", document).status_code for _ in range(6)]
    assert answers == [201] * 5 + [429]
    assert dan.post("/api/v1/ledgers/import", document).status_code == 201


def test_imported_entries_stay_marked_as_imported_after_the_placeholder_is_claimed(
    api: Api,
) -> None:
    _, document = complete_export(api)
    carol, dan = api.person("Carol"), api.person("Dan")
    copied = carol.post("/api/v1/ledgers/import", document).json["id"]
    code = carol.post(f"/api/v1/ledgers/{copied}/invite").json["invite_code"]
    assert dan.post("/api/v1/ledgers/join", {"invite_code": code}).status_code == 200
    api.sync()
    items = dan.get(f"/api/v1/ledgers/{copied}/timeline?limit=200").json["items"]
    assert items and all(i["originally_recorded_at"] for i in items)
    assert not [i for i in items if i["author"] == dan.id and i["visibility"] == "private"]


def test_the_import_body_is_parsed_once(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 64 MiB body costs its parse: the gate's parse serves the handler too."""
    from flask.json.provider import DefaultJSONProvider

    _, document = complete_export(api)
    carol = api.person("Carol")
    body = json.dumps(document)
    parses: list[int] = []
    plain, flasks = json.loads, DefaultJSONProvider.loads

    def counting(text: Any, *args: Any, **kwargs: Any) -> Any:
        if len(text) == len(body):
            parses.append(1)
        return plain(text, *args, **kwargs)

    def counting_flask(self: Any, text: Any, *args: Any, **kwargs: Any) -> Any:
        if len(text) == len(body):
            parses.append(1)
        return flasks(self, text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    monkeypatch.setattr(DefaultJSONProvider, "loads", counting_flask)
    answer = carol.post("/api/v1/ledgers/import", data=body,
                        headers={"Content-Type": "application/json"})
    assert answer.status_code == 201
    assert parses == [1]
