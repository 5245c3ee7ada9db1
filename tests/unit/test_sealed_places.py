"""Sealed words are bound to where they belong: their ledger, item and field (audit
finding 5). An opener opens only its own ledger's keys, only at the place it is
asked about; values sealed before places existed (version 1) still open."""

from __future__ import annotations

import os
from uuid import uuid4

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.domain.places import AMENDMENT_REASON, entry_text, share_label
from ledger.domain.values import SealedText
from ledger.infra.sealing import NONCE_BYTES, KeyRing, partner_key_id
from projections.encoding import open_event_texts, to_data
from tests.helpers import MemoryKeyTable

INSTANCE_KEY = bytes(range(32))


def ring_with(*key_ids: str) -> KeyRing:
    ring = KeyRing(MemoryKeyTable(), INSTANCE_KEY)
    for key_id in key_ids:
        ring.ensure_key(key_id)
    return ring


def test_a_value_opens_only_at_the_place_it_was_sealed_for() -> None:
    ledger, alex, need, other_need = uuid4(), uuid4(), uuid4(), uuid4()
    key = partner_key_id(ledger, alex)
    ring = ring_with(key)
    sealed = ring.seal(key, "private words", entry_text(ledger, need, "need"))
    opener = ring.ledger_opener(ledger)
    assert opener.open(sealed, entry_text(ledger, need, "need")) == "private words"
    assert opener.open(sealed, entry_text(ledger, other_need, "need")) is None  # moved entry
    assert opener.open(sealed, entry_text(ledger, need, "feeling")) is None  # moved field
    assert opener.open(sealed, entry_text(ledger, need, AMENDMENT_REASON)) is None


def test_an_opener_never_unwraps_another_ledgers_keys() -> None:
    """The oracle of the audit: another couple's ciphertext placed in my ledger."""
    victims, mine, alex, mallory, need = uuid4(), uuid4(), uuid4(), uuid4(), uuid4()
    ring = ring_with(partner_key_id(victims, alex), partner_key_id(mine, mallory))
    theirs = ring.seal(partner_key_id(victims, alex), "victim words",
                       entry_text(victims, need, "need"))
    assert ring.ledger_opener(mine).open(theirs, entry_text(mine, need, "need")) is None
    assert ring.ledger_opener(mine).open(theirs, entry_text(victims, need, "need")) is None
    assert ring.ledger_opener(victims).open(theirs, entry_text(victims, need, "need")) == \
        "victim words"


def test_values_sealed_the_old_way_still_open_within_their_ledger() -> None:
    ledger, alex, need = uuid4(), uuid4(), uuid4()
    key = partner_key_id(ledger, alex)
    ring = ring_with(key)
    raw = ring._unwrap_many([key])[key]
    nonce = os.urandom(NONCE_BYTES)
    legacy = SealedText(key, nonce, AESGCM(raw).encrypt(nonce, b"old words", key.encode()))
    assert legacy.version == 1
    assert ring.ledger_opener(ledger).open(legacy, entry_text(ledger, need, "need")) == \
        "old words"
    assert ring.ledger_opener(uuid4()).open(legacy, entry_text(ledger, need, "need")) is None
    fresh = ring.seal(key, "new words", entry_text(ledger, need, "need"))
    assert fresh.version == 2


def test_raw_history_opens_declared_text_positions_and_drops_any_other_sealed_value() -> None:
    ledger, alex, entry, share = uuid4(), uuid4(), uuid4(), uuid4()
    key = partner_key_id(ledger, alex)
    ring = ring_with(key)
    words = ring.seal(key, "we talked", entry_text(ledger, entry, "description"))
    smuggled = ring.seal(key, "smuggled", entry_text(ledger, entry, "need"))
    data = {"entry_id": str(entry), "description": to_data(words),
            "support_type": to_data(smuggled), "quiet": False}
    opened = open_event_texts("CareOffered", data, ledger.hex, alex.hex,
                              ring.ledger_opener(ledger))
    assert opened["description"] == "we talked"
    assert opened["support_type"] is None  # not a text position: never opened
    assert "smuggled" not in str(opened)
    label = ring.seal(key, "Dr. Rivera", share_label(ledger, share))
    asked = open_event_texts("ShareRequested", {"share_id": str(share), "label": to_data(label)},
                             ledger.hex, alex.hex, ring.ledger_opener(ledger))
    assert asked["label"] == "Dr. Rivera"
