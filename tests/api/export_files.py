"""Exports made by the real exporter from a ledger with every kind of entry, for the
standalone verifier's tests: shared and private entries, an amendment and a
retraction, an erased partner, and a counsellor's download."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.export.chain import FORMAT_V1, canonical, genesis, link, sign
from tests.api.conftest import Api, Person
from tests.helpers import ManualClock


def full_history(api: Api) -> tuple[Person, Person, str]:
    """Two partners' ledger with every kind of entry and change."""
    alex, sam, ledger = api.couple()
    base = f"/api/v1/ledgers/{ledger}"
    need = alex.post(f"{base}/needs", {"need": "talk tonight", "feeling": "tired",
                                       "situation": "after work", "intensity": 3,
                                       "support_type": "emotional", "recurring": True}).json
    care = sam.post(f"{base}/care", {"description": "we talked «ensemble» 🌊",
                                     "in_response_to": need["id"],
                                     "support_type": "emotional"}).json
    alex.post(f"{base}/care/{care['id']}/acknowledgement", {"adequacy": "right",
                                                             "note": "thanks"})
    alex.post(f"{base}/needs/{need['id']}/resolution", {"outcome": "met"})
    other = sam.post(f"{base}/needs", {"need": "=1+1 a hand", "intensity": 2,
                                       "support_type": "practical"}).json
    sam.post(f"{base}/needs/{other['id']}/resolution", {"outcome": "withdrawn",
                                                         "note": "sorted"})
    alex.post(f"{base}/care", {"description": "cooked", "support_type": "practical",
                               "quiet": True})
    alex.post(f"{base}/needs", {"need": "alex private", "intensity": 1,
                                "support_type": "esteem", "visibility": "private"})
    moment = sam.post(f"{base}/moments", {"kind": "repair", "text": "sorry"}).json
    sam.post(f"{base}/entries/{moment['id']}/amendments", {"changes": {"text": "I'm sorry"},
                                                            "reason": "clearer"})
    late = sam.post(f"{base}/moments", {"kind": "appreciation", "text": "thank you"}).json
    sam.post(f"{base}/entries/{late['id']}/retraction", {"reason": "later"})
    alex.post(f"{base}/check-ins", {"felt_supported": 7, "note": "better"})
    sam.post(f"{base}/check-ins", {"felt_supported": 8})
    api.sync()
    return alex, sam, ledger


def partner_export(person: Person, ledger: str, query: str = "") -> dict[str, Any]:
    answer = person.get(f"/api/v1/ledgers/{ledger}/export?{query}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    document: dict[str, Any] = json.loads(answer.get_data(as_text=True))
    return document


def share_url(api: Api, clock: ManualClock, asker: Person, approver: Person,
              ledger: str) -> str:
    """A counsellor's link, asked by one partner and approved by the other."""
    expires = (clock.now + timedelta(days=30)).isoformat()
    share = asker.post(f"/api/v1/ledgers/{ledger}/shares",
                       {"label": "Dr. Rivera", "expires_at": expires}).json["id"]
    api.sync()
    url: str = approver.post(f"/api/v1/ledgers/{ledger}/shares/{share}/approval",
                             {}).json["url"]
    api.sync()
    return url


def counsellor_export(api: Api, clock: ManualClock, asker: Person, approver: Person,
                      ledger: str) -> dict[str, Any]:
    url = share_url(api, clock, asker, approver, ledger)
    download = api.client.get(f"{url}/download.json")
    assert download.status_code == 200, download.get_data(as_text=True)
    document: dict[str, Any] = json.loads(download.get_data(as_text=True))
    download.close()
    return document


def erased_export(api: Api, alex: Person, sam: Person, ledger: str) -> dict[str, Any]:
    """Sam's export after Alex has left with forget-me: Alex's words unreadable."""
    assert alex.post(f"/api/v1/ledgers/{ledger}/departure",
                     {"forget_me": True}).status_code == 200
    api.sync()
    return partner_export(sam, ledger)


def signing_key(api: Api) -> Ed25519PrivateKey:
    with api.app.app_context():
        from web.services import services

        return services().ledger.keys.signing_key()


def as_version_1(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The same export as `ebbflow.export/1` wrote it: no `covers`, its own canonical
    form, its own genesis; signed with `key`."""
    old = {k: copy.deepcopy(v) for k, v in document.items() if k != "covers"}
    old["format"] = FORMAT_V1
    return rechained(old, key)


def rechained(document: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The chain, the timeline's hash and the signature made again, as a forger with
    `key` would after changing the file."""
    fmt = document["format"]
    head = genesis(document["ledger"]["id"], fmt)
    for event in document["events"]:
        event.pop("hash", None)
        event["hash"] = head = link(head, event, fmt)
    if "timeline" in document:
        document["timeline_sha256"] = hashlib.sha256(
            b"".join(canonical(item, fmt) for item in document["timeline"])).hexdigest()
    document["signature"] = sign(key, document, head)
    return document
