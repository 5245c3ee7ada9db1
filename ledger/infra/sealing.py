"""Sealed text and the data keys behind it (crypto-shredding).

Every free-text field is encrypted with a data key: one per partner per ledger,
one per ledger (its name, share urls) and one per account (email, display name,
password hash). Data keys live wrapped by the instance key in a key table in the
event-store database. Destroying a key is erasure: the events still decode, but
the words sealed with it can no longer be opened.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from collections.abc import Collection
from contextvars import ContextVar
from typing import Protocol, runtime_checkable
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ledger.domain.exceptions import ConfigurationError, LedgerError
from ledger.domain.places import Place
from ledger.domain.values import SealedText
from ledger.infra.erasures import ErasureJournal

NONCE_BYTES = 12
INDEX_KEY_ID = "instance:index-hmac"
SIGNING_KEY_ID = "instance:signing-ed25519"
SEALED_VERSION = 2
_REMEMBERED: ContextVar[dict[str, bytes] | None] = ContextVar("remembered_keys", default=None)
logger = logging.getLogger(__name__)


@runtime_checkable
class KeyStore(Protocol):
    """The key table: wrapped keys by id (implemented by both recorders)."""

    def get_wrapped_keys(self, key_ids: Collection[str]) -> dict[str, bytes]: ...

    def insert_wrapped_key(self, key_id: str, wrapped: bytes) -> bool: ...

    def delete_wrapped_key(self, key_id: str) -> bool: ...

    def any_wrapped_key(self) -> tuple[str, bytes] | None: ...

    def wrapped_key_ids(self, prefix: str, suffix: str) -> list[str]: ...

    def sweep_destroyed_keys(self) -> None: ...


class KeyDestroyed(LedgerError):
    """Text cannot be sealed with a key that was destroyed (its owner was erased)."""


def partner_key_id(ledger_id: UUID, account_id: UUID) -> str:
    return f"partner:{ledger_id.hex}:{account_id.hex}"


def ledger_key_id(ledger_id: UUID) -> str:
    return f"ledger:{ledger_id.hex}"


def account_key_id(account_id: UUID) -> str:
    return f"account:{account_id.hex}"


class KeyRing:
    """Creates, wraps, destroys data keys; seals and opens text with them."""

    def __init__(self, store: KeyStore, instance_key: bytes,
                 journal: ErasureJournal | None = None) -> None:
        self._store = store
        self._journal = journal
        self._wrapping = AESGCM(derive_key(instance_key, b"ebbflow key wrapping v1"))
        self._records = AESGCM(derive_key(instance_key, b"ebbflow stored responses v1"))
        self._index_key: bytes | None = None

    def encrypt_record(self, plain: bytes, context: str) -> str:
        """Encrypts a stored record (an idempotent response) bound to its context."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = nonce + self._records.encrypt(nonce, plain, context.encode())
        return base64.b64encode(sealed).decode()

    def decrypt_record(self, sealed: str, context: str) -> bytes:
        raw = base64.b64decode(sealed)
        return self._records.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())

    def ensure_key(self, key_id: str) -> None:
        """Creates the key unless it exists; safe to race (insert-if-absent)."""
        if not self._store.get_wrapped_keys([key_id]):
            self._store.insert_wrapped_key(key_id, self._wrap(key_id, AESGCM.generate_key(256)))

    @staticmethod
    def remember_keys() -> None:
        """From here until `forget_keys()` (one web request): each key is read and
        unwrapped once, not once per use (sealing the words, then opening them for
        the reply). Each request starts afresh, so an erasure made in another process
        holds from the next request on."""
        _REMEMBERED.set({})

    @staticmethod
    def forget_keys() -> None:
        _REMEMBERED.set(None)

    def destroy(self, key_id: str) -> bool:
        """Journaled first: a crash in between leaves the erasure to re-apply, never an
        erasure that a restored backup could undo unnoticed."""
        remembered = _REMEMBERED.get()
        if remembered is not None:
            remembered.pop(key_id, None)
        if self._journal is not None:
            self._journal.record(key_id)
        return self._store.delete_wrapped_key(key_id)

    def reapply_erasures(self) -> int:
        """Destroys again every journaled key still present (after a restore)."""
        if self._journal is None:
            return 0
        destroyed = sum(self._store.delete_wrapped_key(key_id)
                        for key_id in dict.fromkeys(self._journal.key_ids()))
        self.sweep()
        return destroyed



    def sweep(self) -> None:
        """Scrubs what destroyed keys left behind (a transaction open during an
        erasure can keep PostgreSQL from removing the old row at once)."""
        self._store.sweep_destroyed_keys()

    def partner_keys_of(self, account_id: UUID) -> list[str]:
        """Every data key this account ever wrote with, in any ledger, left or not."""
        return self._store.wrapped_key_ids("partner:", f":{account_id.hex}")

    def exists(self, key_id: str) -> bool:
        return bool(self._store.get_wrapped_keys([key_id]))

    def seal(self, key_id: str, text: str, place: Place) -> SealedText:
        keys = self._unwrap_many([key_id])
        if key_id not in keys:
            raise KeyDestroyed(key_id)
        return _seal_with(keys[key_id], key_id, text, place)

    def sealer(self) -> Sealer:
        """Seals many texts (an import) unwrapping each key once."""
        return Sealer(self)

    def ledger_opener(self, ledger_id: UUID) -> Opener:
        """An opener for one read of one ledger: it opens only that ledger's keys (its
        name's and its partners'), each fetched at most once."""
        owner = ledger_id.hex
        return Opener(self, owner, (ledger_key_id(ledger_id), f"partner:{owner}:"))

    def account_opener(self, account_id: UUID) -> Opener:
        """An opener for one account's own words (email, name, password hash)."""
        return Opener(self, account_id.hex, (account_key_id(account_id),))

    def check_instance_key(self) -> None:
        """Unwraps one stored key: a wrong instance key fails here, in one line."""
        row = self._store.any_wrapped_key()
        if row is None:
            return
        try:
            self._unwrap(*row)
        except InvalidTag:
            raise ConfigurationError(
                "EBBFLOW_CIPHER_KEY does not match the key this instance's data was "
                "encrypted with"
            ) from None

    def signing_key(self) -> Ed25519PrivateKey:
        """The instance's Ed25519 key that signs exports (kept wrapped like the others)."""
        self.ensure_key(SIGNING_KEY_ID)
        seed = self._unwrap_many([SIGNING_KEY_ID])[SIGNING_KEY_ID]
        return Ed25519PrivateKey.from_private_bytes(seed)

    def index_id(self, label: str, value: str) -> str:
        """A keyed hash for lookup indexes (email, invite code): ids reveal nothing."""
        if self._index_key is None:
            self.ensure_key(INDEX_KEY_ID)
            self._index_key = self._unwrap_many([INDEX_KEY_ID])[INDEX_KEY_ID]
        message = label.encode() + b"\x00" + value.encode()
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()

    def link_token(self, label: str, value: str) -> str:
        """A bearer token derived from a stored id (a share's link): 256 bits that only
        this instance can compute again, so an event keeps nothing but its hash."""
        digest = bytes.fromhex(self.index_id(f"link:{label}", value))
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _unwrap_many(self, key_ids: Collection[str]) -> dict[str, bytes]:
        remembered = _REMEMBERED.get()
        wanted = key_ids if remembered is None else \
            [key_id for key_id in key_ids if key_id not in remembered]
        wrapped = self._store.get_wrapped_keys(wanted) if wanted else {}
        keys = {key_id: self._unwrap(key_id, blob) for key_id, blob in wrapped.items()}
        if remembered is None:
            return keys
        remembered.update(keys)
        return {key_id: remembered[key_id] for key_id in key_ids if key_id in remembered}

    def _wrap(self, key_id: str, raw: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._wrapping.encrypt(nonce, raw, key_id.encode())

    def _unwrap(self, key_id: str, blob: bytes) -> bytes:
        return self._wrapping.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], key_id.encode())


class Sealer:
    """Seals texts for one batch of work, each key unwrapped at most once."""

    def __init__(self, ring: KeyRing) -> None:
        self._ring = ring
        self._keys: dict[str, bytes] = {}

    def seal(self, key_id: str, text: str, place: Place) -> SealedText:
        key = self._keys.get(key_id)
        if key is None:
            found = self._ring._unwrap_many([key_id])
            if key_id not in found:
                raise KeyDestroyed(key_id)
            key = self._keys[key_id] = found[key_id]
        return _seal_with(key, key_id, text, place)


class Opener:
    """Opens sealed values for one read of one owner (a ledger or an account).

    It unwraps only the owner's own keys (`allowed`: exact ids, or prefixes ending in
    ':'), and opens a value only at the place it is asked about: a value that names
    another owner's key, or was sealed for another place, reads as None, like erased
    words, and is logged (ids only) as a value out of place."""

    def __init__(self, ring: KeyRing, owner: str, allowed: tuple[str, ...]) -> None:
        self._ring = ring
        self._owner = owner
        self._allowed = allowed
        self._keys: dict[str, bytes | None] = {}

    def may_open(self, key_id: str) -> bool:
        return any(key_id == a or (a.endswith(":") and key_id.startswith(a))
                   for a in self._allowed)

    def prefetch(self, key_ids: Collection[str]) -> None:
        missing = [k for k in key_ids if k not in self._keys and self.may_open(k)]
        if missing:
            found = self._ring._unwrap_many(missing)
            for key_id in missing:
                self._keys[key_id] = found.get(key_id)

    def open(self, sealed: SealedText, place: Place) -> str | None:
        if place.owner != self._owner or not self.may_open(sealed.key_id):
            logger.warning("sealed value with key %s read out of place (%s %s)",
                           sealed.key_id, place.item, place.field)
            return None
        self.prefetch([sealed.key_id])
        key = self._keys[sealed.key_id]
        if key is None:
            return None  # its key was destroyed: erased
        try:
            return _open_with(key, sealed, place)
        except InvalidTag:
            logger.warning("sealed value with key %s does not belong at %s %s",
                           sealed.key_id, place.item, place.field)
            return None


def _seal_with(key: bytes, key_id: str, text: str, place: Place) -> SealedText:
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(key).encrypt(nonce, text.encode(), place.associated_data(key_id))
    return SealedText(key_id=key_id, nonce=nonce, ciphertext=ciphertext,
                      version=SEALED_VERSION)


def _open_with(key: bytes, sealed: SealedText, place: Place) -> str:
    """Version 1 values (sealed before places existed) were bound to their key only."""
    bound = (sealed.key_id.encode() if sealed.version == 1
             else place.associated_data(sealed.key_id))
    return AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, bound).decode()


def fingerprint(public_key_b64: str) -> str:
    """What people compare to recognise a public key: 8 groups of 4 hex digits."""
    raw = hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:32]
    return " ".join(raw[i : i + 4] for i in range(0, 32, 4))


def derive_key(instance_key: bytes, info: bytes) -> bytes:
    """A key for one purpose, derived from the instance key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(instance_key)
