#!/usr/bin/env python3
"""Check an Ebb & Flow export (docs/EXPORT-FORMAT.md) without Ebb & Flow: the standard
library and `cryptography` only.

    python verify_export.py export.json --key KEY

KEY is the instance's public key (base64) or its fingerprint, or a file holding either
(what `ebbflow key` prints), obtained from the instance's operator, not from the file.
Exit 0 and "verified: ..." for an intact export signed by that key; exit 1 naming the
first problem. The canonical form of `ebbflow.export/2` (RFC 8785) is written out
below for every JSON value; NaN, infinities and integers beyond 2**53 are refused.
"""

import argparse
import base64
import hashlib
import json
import math
import os
import re
import sys
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

V1, V2 = "ebbflow.export/1", "ebbflow.export/2"
HEADER = ("format", "exported_at", "exported_by", "ledger", "partners", "scope")
SIGNED = {V1: (*HEADER, "summary", "timeline_sha256"),
          V2: (*HEADER, "covers", "summary", "timeline_sha256")}
UNSIGNED = ("events", "timeline", "signature")


def number(x: float) -> str:
    """ECMAScript's Number.prototype.toString, as RFC 8785 section 3.2.2.3 asks."""
    if isinstance(x, int):
        if abs(x) > 2**53 - 1:
            raise ValueError(f"the integer {x} is beyond what RFC 8785 allows")
        return str(x)
    if not math.isfinite(x):
        raise ValueError("NaN or infinity has no JSON form")
    if x == 0:
        return "0"
    mantissa, _, exp = repr(abs(x)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    n = len(whole) + int(exp or 0) - (len(whole + frac) - len(digits))  # digits before the point
    digits = digits.rstrip("0")
    k, sign = len(digits), "-" if x < 0 else ""
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    return f"{sign}{digits[0]}{'.' + digits[1:] if k > 1 else ''}e{'+' if e > 0 else '-'}{abs(e)}"


def jcs(value: Any) -> str:
    """RFC 8785: no whitespace, members sorted by their names' UTF-16 code units."""
    if value is None or isinstance(value, (bool, str)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    items = sorted(value.items(), key=lambda kv: kv[0].encode("utf-16-be"))
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jcs(v) for k, v in items) + "}"


def canonical(value: Any, fmt: str) -> bytes:
    if fmt == V1:  # version 1: Python's sorted compact JSON
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return jcs(value).encode()


def fingerprint(key_b64: str) -> str:
    raw = hashlib.sha256(base64.b64decode(key_b64, validate=True)).hexdigest()[:32]
    return " ".join(raw[i:i + 4] for i in range(0, 32, 4))


def check(doc: Any, trusted: str) -> tuple[str | None, str | None]:
    """The first problem with the export, or the line that says it verified."""
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if fmt not in SIGNED:
        return None, f"not an {V2} or {V1} file (format {fmt!r})"
    unknown = sorted(set(doc) - set(SIGNED[fmt]) - set(UNSIGNED))
    if unknown:
        return None, f"fields that no {fmt} file has: {', '.join(unknown)}"
    head = hashlib.sha256(f"{fmt}|{doc['ledger']['id']}".encode()).hexdigest()
    for i, event in enumerate(doc.get("events") or []):
        body = {k: v for k, v in event.items() if k != "hash"}
        head = hashlib.sha256(bytes.fromhex(head) + canonical(body, fmt)).hexdigest()
        if head != event.get("hash"):
            return None, (f"event #{i + 1} (log position {event.get('position')}) was changed, "
                          "inserted or moved, or follows a removed one (or the ledger id changed)")
        head = event["hash"]
    if (doc.get("timeline_sha256") is None) != ("timeline" not in doc):
        return None, "the timeline section was added or removed"
    if "timeline" in doc:
        digest = hashlib.sha256(b"".join(canonical(t, fmt) for t in doc["timeline"])).hexdigest()
        if digest != doc["timeline_sha256"]:
            return None, "the timeline section was changed"
    sig = doc.get("signature") or {}
    if sig.get("chain_head") != head:
        return None, "the chain ends differently than signed: events removed or added at the end"
    if sig.get("algorithm") != "ed25519":
        return None, f"not signed with Ed25519 (algorithm {sig.get('algorithm')!r})"
    key = sig.get("public_key", "")
    seen = fingerprint(key)
    given = re.sub(r"\s", "", trusted).lower()
    if key not in trusted.split() and seen.replace(" ", "") not in given:
        return None, f"signed by another key ({seen}) than the one given"
    signed = {**{k: doc.get(k) for k in SIGNED[fmt]}, "chain_head": head}
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(key)).verify(
            base64.b64decode(sig.get("value", "")), hashlib.sha256(canonical(signed, fmt)).digest())
    except (InvalidSignature, ValueError):
        return None, "the signature does not match the file: header, summary or signature changed"
    return f"verified: {len(doc.get('events') or [])} events, chain intact, signed by {seen}", None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check an Ebb & Flow export and its signature.")
    parser.add_argument("file")
    parser.add_argument("--key", required=True, help="public key, fingerprint, or a file of either")
    args = parser.parse_args(argv)
    trusted = args.key
    if os.path.isfile(args.key):
        with open(args.key, encoding="utf-8") as key_file:
            trusted = key_file.read()
    try:
        with open(args.file, "rb") as source:
            ok, problem = check(json.loads(source.read().decode("utf-8")), trusted)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        ok, problem = None, f"cannot read {args.file} as JSON: {error}"
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        ok, problem = None, f"not shaped like an export: {error}"
    print(ok or f"not verified: {problem}", file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
