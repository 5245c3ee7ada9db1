"""Transcodings for the value types the library does not know.

Without them a str-Enum silently comes back as a plain string and a SealedText
cannot be stored at all.
"""

from __future__ import annotations

import base64
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from ledger.domain.moved import register_moved_topics
from ledger.domain.values import ENUM_TYPES, SealedText


class EnumAsValue(Transcoding):
    """One transcoding per enum class, named after it."""

    def __init__(self, enum_type: type[Enum]) -> None:
        self.type = enum_type
        self.name = f"enum_{enum_type.__name__}"

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        value: Enum = self.type(data)
        return value


class DateAsISO(Transcoding):
    """Dates (a share's scope, an export's range) as `YYYY-MM-DD`."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class SealedTextAsDict(Transcoding):
    type = SealedText
    name = "sealed"

    def encode(self, obj: SealedText) -> dict[str, Any]:
        encoded: dict[str, Any] = {
            "k": obj.key_id,
            "n": base64.b64encode(obj.nonce).decode(),
            "c": base64.b64encode(obj.ciphertext).decode(),
        }
        if obj.version != 1:  # legacy values keep their stored shape
            encoded["v"] = obj.version
        return encoded

    def decode(self, data: dict[str, Any]) -> SealedText:
        return SealedText(
            key_id=data["k"],
            nonce=base64.b64decode(data["n"]),
            ciphertext=base64.b64decode(data["c"]),
            version=int(data.get("v", 1)),
        )


def register_ledger_transcodings(transcoder: JSONTranscoder) -> None:
    """What every application on the event store registers; the moved aggregates'
    old topics with it, before any stored event is read."""
    register_moved_topics()
    for enum_type in ENUM_TYPES:
        transcoder.register(EnumAsValue(enum_type))
    transcoder.register(DateAsISO())
    transcoder.register(SealedTextAsDict())
