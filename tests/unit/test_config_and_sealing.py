"""Settings from the environment, and the key ring over an in-memory key table."""

from __future__ import annotations

import base64
import os
import stat
from collections.abc import Collection
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from ledger.domain.exceptions import ConfigurationError
from ledger.domain.places import Place, entry_text
from ledger.infra.config import Settings
from ledger.infra.sealing import KeyDestroyed, KeyRing, partner_key_id
from tests.helpers import MemoryKeyTable

INSTANCE_KEY = bytes(range(32))


def test_production_refuses_to_start_without_its_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as error:
        Settings.from_env({"EBBFLOW_ENV": "production",
                           "EBBFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/e.db"})
    assert "EBBFLOW_CIPHER_KEY" in str(error.value)


def test_development_generates_its_keys_once_with_mode_0600(tmp_path: Path) -> None:
    env = {"EBBFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/data/e.db"}
    first, second = Settings.from_env(env), Settings.from_env(env)
    assert first.cipher_key == second.cipher_key
    assert len(base64.b64decode(first.cipher_key)) == 32
    key_file = tmp_path / "data" / "cipher.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_a_malformed_cipher_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        Settings.from_env({"EBBFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/e.db",
                           "EBBFLOW_CIPHER_KEY": "too-short"})


def test_a_postgres_url_becomes_the_librarys_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({
        "EBBFLOW_DATABASE_URL": "postgresql://me:p%40ss@db.internal:6543/ebb?schema=s1",
        "EBBFLOW_DATA_DIR": str(tmp_path),
    })
    env = settings.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"], env["POSTGRES_DBNAME"]) == (
        "db.internal", "6543", "ebb")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("me", "p@ss")
    assert env["POSTGRES_SCHEMA"] == "s1"
    assert env["CREATE_TABLE"] == "n"  # deployments migrate once; workers never create
    assert env["CIPHER_TOPIC"] == "eventsourcing.cryptography:AESCipher"


def test_an_unknown_database_scheme_is_refused(tmp_path: Path) -> None:
    settings = Settings.from_env({"EBBFLOW_DATABASE_URL": "mysql://x/y",
                                  "EBBFLOW_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigurationError):
        settings.eventsourcing_env()


def test_sealed_text_opens_until_its_key_is_destroyed() -> None:
    table = MemoryKeyTable()
    ring = KeyRing(table, INSTANCE_KEY)
    ledger, alex, entry = uuid4(), uuid4(), uuid4()
    key = partner_key_id(ledger, alex)
    ring.ensure_key(key)
    place = entry_text(ledger, entry, "need")
    sealed = ring.seal(key, "I need a hug", place)
    assert b"hug" not in sealed.ciphertext
    assert ring.ledger_opener(ledger).open(sealed, place) == "I need a hug"
    ring.destroy(key)
    assert ring.ledger_opener(ledger).open(sealed, place) is None
    with pytest.raises(KeyDestroyed):
        ring.seal(key, "more words", place)


def test_keys_are_stored_wrapped_and_bound_to_their_id() -> None:
    table = MemoryKeyTable()
    ring = KeyRing(table, INSTANCE_KEY)
    ring.ensure_key("a")
    ring.ensure_key("b")
    table.rows["a"], table.rows["b"] = table.rows["b"], table.rows["a"]  # swapped rows
    with pytest.raises(ConfigurationError):
        ring.check_instance_key()


def test_another_instance_key_cannot_unwrap_the_table() -> None:
    table = MemoryKeyTable()
    KeyRing(table, INSTANCE_KEY).ensure_key("a")
    with pytest.raises(ConfigurationError):
        KeyRing(table, bytes(32)).check_instance_key()


def test_index_ids_are_keyed_hashes_that_reveal_nothing() -> None:
    table = MemoryKeyTable()
    ring = KeyRing(table, INSTANCE_KEY)
    first = ring.index_id("email", "kim@example.com")
    assert first == ring.index_id("email", "kim@example.com")
    assert first != ring.index_id("invite", "kim@example.com")
    assert "kim" not in first
    other = KeyRing(MemoryKeyTable(), INSTANCE_KEY)
    assert other.index_id("email", "kim@example.com") != first  # the index key is random


class CountingKeyTable(MemoryKeyTable):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get_wrapped_keys(self, key_ids: Collection[str]) -> dict[str, bytes]:
        self.reads += 1
        return super().get_wrapped_keys(key_ids)


def ring_with_a_key() -> tuple[CountingKeyTable, KeyRing, UUID, str, Place]:
    table = CountingKeyTable()
    ring = KeyRing(table, INSTANCE_KEY)
    ledger = uuid4()
    key = partner_key_id(ledger, uuid4())
    ring.ensure_key(key)
    return table, ring, ledger, key, entry_text(ledger, uuid4(), "need")


def test_within_one_request_a_key_is_read_once_and_a_new_request_reads_it_again() -> None:
    table, ring, ledger, key, place = ring_with_a_key()
    ring.remember_keys()
    try:
        table.reads = 0
        sealed = ring.seal(key, "a quiet evening", place)
        assert ring.ledger_opener(ledger).open(sealed, place) == "a quiet evening"
        ring.seal(key, "and tea", place)
        assert table.reads == 1  # sealed, opened and sealed again: one read
    finally:
        ring.forget_keys()
    table.reads = 0
    ring.seal(key, "outside a request", place)
    ring.seal(key, "every use reads", place)
    assert table.reads == 2


def test_a_key_destroyed_within_a_request_is_not_remembered() -> None:
    _table, ring, ledger, key, place = ring_with_a_key()
    ring.remember_keys()
    try:
        sealed = ring.seal(key, "words", place)
        ring.destroy(key)
        with pytest.raises(KeyDestroyed):
            ring.seal(key, "more words", place)
        assert ring.ledger_opener(ledger).open(sealed, place) is None
    finally:
        ring.forget_keys()
