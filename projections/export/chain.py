"""The export's integrity: each event's SHA-256 chained to the previous one, and
the final digest (over the file's metadata and the chain head) signed with the
instance's Ed25519 key. `verify` names the first event that does not fit."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "ebbflow.export/1"
SIGNED_FIELDS = ("format", "exported_at", "exported_by", "ledger", "partners", "scope",
                 "summary", "timeline_sha256")


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def genesis(ledger_id: str) -> str:
    return hashlib.sha256(f"{FORMAT}|{ledger_id}".encode()).hexdigest()


def link(previous: str, event: dict[str, Any]) -> str:
    body = {k: v for k, v in event.items() if k != "hash"}
    return hashlib.sha256(bytes.fromhex(previous) + canonical(body)).hexdigest()


def digest(document: dict[str, Any], head: str) -> bytes:
    signed = {k: document.get(k) for k in SIGNED_FIELDS}
    return hashlib.sha256(canonical({**signed, "chain_head": head})).digest()


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def fingerprint(public_key_b64: str) -> str:
    """What the app shows, to compare with a file's key: 8 groups of 4 hex digits."""
    raw = hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:32]
    return " ".join(raw[i : i + 4] for i in range(0, 32, 4))


def sign(key: Ed25519PrivateKey, document: dict[str, Any], head: str) -> dict[str, str]:
    return {"algorithm": "ed25519", "public_key": public_key_text(key),
            "chain_head": head,
            "value": base64.b64encode(key.sign(digest(document, head))).decode()}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str
    bad_event: int | None = None  # index in the file's event list


def verify(document: dict[str, Any], trusted_public_key: str | None) -> Verdict:
    """Intact and signed by the trusted key (or, without one, by the key it carries)."""
    if document.get("format") != FORMAT:
        return Verdict(False, f"not an {FORMAT} file")
    ledger_id = str((document.get("ledger") or {}).get("id", ""))
    previous = genesis(ledger_id)
    for index, event in enumerate(document.get("events") or []):
        if not isinstance(event, dict) or link(previous, event) != event.get("hash"):
            position = event.get("position") if isinstance(event, dict) else None
            return Verdict(False, f"event #{index + 1} (log position {position}) was edited, "
                                  "inserted, moved, or follows a removed event", index)
        previous = str(event["hash"])
    timeline = hashlib.sha256()
    for item in document.get("timeline") or []:
        timeline.update(canonical(item))
    if document.get("timeline") is not None and \
            timeline.hexdigest() != document.get("timeline_sha256"):
        return Verdict(False, "the timeline section was changed")
    signature = document.get("signature") or {}
    if signature.get("chain_head") != previous:
        return Verdict(False, "the chain ends differently than signed: events were removed "
                              "from the end or the file was cut")
    key_text = str(signature.get("public_key", ""))
    if trusted_public_key is not None and key_text != trusted_public_key:
        return Verdict(False, "signed with another key than this instance's "
                              f"({fingerprint(key_text) if key_text else 'none'})")
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text))
        public.verify(base64.b64decode(str(signature.get("value", ""))), digest(document, previous))
    except (InvalidSignature, ValueError):
        return Verdict(False, "the signature does not match the file's contents")
    return Verdict(True, f"intact and signed by {fingerprint(key_text)}")
