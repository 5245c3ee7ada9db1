"""The export's integrity: each event's SHA-256 chained to the previous one, and
the final digest (over the file's signed metadata and the chain head) signed with
the instance's Ed25519 key. `verify` names the first event that does not fit.

`ebbflow.export/2` hashes the RFC 8785 canonical form (JCS) of each value and signs
what the export covers (its log position and ledger version); files of
`ebbflow.export/1` (a canonical form of our own) still verify.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ledger.infra.sealing import fingerprint

__all__ = ["FORMAT", "FORMAT_V1", "Verdict", "canonical", "fingerprint", "sign", "verify"]

FORMAT_V1 = "ebbflow.export/1"
FORMAT = "ebbflow.export/2"
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    FORMAT_V1: ("format", "exported_at", "exported_by", "ledger", "partners", "scope",
                "summary", "timeline_sha256"),
    FORMAT: ("format", "exported_at", "exported_by", "ledger", "partners", "scope", "covers",
             "summary", "timeline_sha256"),
}
UNSIGNED_FIELDS = ("events", "timeline", "signature")  # covered by the chain and the digest


def canonical(value: Any, fmt: str = FORMAT) -> bytes:
    """The bytes that are hashed: RFC 8785 for version 2, sorted compact JSON for 1."""
    if fmt == FORMAT:
        return rfc8785.dumps(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str).encode()


def genesis(ledger_id: str, fmt: str = FORMAT) -> str:
    return hashlib.sha256(f"{fmt}|{ledger_id}".encode()).hexdigest()


def link(previous: str, event: dict[str, Any], fmt: str = FORMAT) -> str:
    body = {k: v for k, v in event.items() if k != "hash"}
    return hashlib.sha256(bytes.fromhex(previous) + canonical(body, fmt)).hexdigest()


def digest(document: dict[str, Any], head: str) -> bytes:
    fmt = str(document.get("format"))
    signed = {k: document.get(k) for k in SIGNED_FIELDS[fmt]}
    return hashlib.sha256(canonical({**signed, "chain_head": head}, fmt)).digest()


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def sign(key: Ed25519PrivateKey, document: dict[str, Any], head: str) -> dict[str, str]:
    return {"algorithm": "ed25519", "public_key": public_key_text(key),
            "chain_head": head,
            "value": base64.b64encode(key.sign(digest(document, head))).decode()}


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str
    bad_event: int | None = None  # index in the file's event list


def verify(document: Any, trusted_keys: Collection[str] | None) -> Verdict:
    """Intact and signed by one of the trusted keys (or, given None, by the key the
    file carries: only for looking at a file, never for trusting it)."""
    if not isinstance(document, dict) or document.get("format") not in SIGNED_FIELDS:
        return Verdict(False, f"not an {FORMAT} (or {FORMAT_V1}) file")
    fmt = str(document["format"])
    unknown = sorted(set(document) - set(SIGNED_FIELDS[fmt]) - set(UNSIGNED_FIELDS))
    if unknown:
        return Verdict(False, f"the file has fields no export has: {', '.join(unknown)}")
    try:
        return _verify(document, fmt, trusted_keys)
    except (TypeError, ValueError, AttributeError, rfc8785.CanonicalizationError):
        return Verdict(False, "the file is not shaped like an export")


def _verify(document: dict[str, Any], fmt: str, trusted_keys: Collection[str] | None) -> Verdict:
    ledger_id = str((document.get("ledger") or {}).get("id", ""))
    previous = genesis(ledger_id, fmt)
    for index, event in enumerate(document.get("events") or []):
        if not isinstance(event, dict) or link(previous, event, fmt) != event.get("hash"):
            position = event.get("position") if isinstance(event, dict) else None
            return Verdict(False, f"event #{index + 1} (log position {position}) was edited, "
                                  "inserted, moved, or follows a removed event", index)
        previous = str(event["hash"])
    if document.get("timeline_sha256") is not None and not isinstance(
            document.get("timeline"), list):
        return Verdict(False, "the timeline section was removed")
    timeline = hashlib.sha256()
    for item in document.get("timeline") or []:
        timeline.update(canonical(item, fmt))
    if document.get("timeline") is not None and \
            timeline.hexdigest() != document.get("timeline_sha256"):
        return Verdict(False, "the timeline section was changed")
    signature = document.get("signature") or {}
    if signature.get("chain_head") != previous:
        return Verdict(False, "the chain ends differently than signed: events were removed "
                              "from the end or the file was cut")
    key_text = str(signature.get("public_key", ""))
    if trusted_keys is not None and key_text not in trusted_keys:
        return Verdict(False, "signed with another key than this instance's "
                              f"({fingerprint(key_text) if key_text else 'none'})")
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_text))
        public.verify(base64.b64decode(str(signature.get("value", ""))), digest(document, previous))
    except (InvalidSignature, ValueError):
        return Verdict(False, "the signature does not match the file's contents")
    return Verdict(True, f"intact and signed by {fingerprint(key_text)}")
