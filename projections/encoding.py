"""Event fields as JSON-ready data for views, with sealed text kept sealed.

Times are whole microseconds since the epoch (UTC) in view columns, so both SQL
dialects sort and compare them the same way.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from ledger.encoding_time import from_micros, micros
from ledger.values import SealedText

__all__ = ["dumps", "event_data", "from_micros", "micros", "sealed_from_data", "to_data"]

COMMON_FIELDS = frozenset({"originator_id", "originator_version", "timestamp", "actor",
                           "originally_recorded_at", "originator_topic"})
SEALED_MARK = "sealed"


def recorded(event: Any) -> datetime:
    """When an event was first recorded: its own time, or, for an imported event, the
    time it was recorded in the ledger it came from (what `known_at` means there)."""
    original: datetime | None = getattr(event, "originally_recorded_at", None)
    timestamp: datetime = event.timestamp
    return original or timestamp


def to_data(value: Any) -> Any:
    """Plain JSON values; a SealedText becomes {"sealed": {...}} until opened."""
    if isinstance(value, SealedText):
        return {SEALED_MARK: {"k": value.key_id, "n": base64.b64encode(value.nonce).decode(),
                              "c": base64.b64encode(value.ciphertext).decode()}}
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    return value


def event_data(event: Any) -> dict[str, Any]:
    return {k: to_data(v) for k, v in vars(event).items() if k not in COMMON_FIELDS}


def sealed_from_data(data: Any) -> SealedText | None:
    if not isinstance(data, dict) or SEALED_MARK not in data:
        return None
    inner = data[SEALED_MARK]
    return SealedText(inner["k"], base64.b64decode(inner["n"]), base64.b64decode(inner["c"]))


def open_sealed(data: Any, opener: Callable[[SealedText], str | None]) -> Any:
    """Event data with its sealed words opened for a reader (None where erased)."""
    sealed = sealed_from_data(data)
    if sealed is not None:
        return opener(sealed)
    if isinstance(data, dict):
        return {k: open_sealed(v, opener) for k, v in data.items()}
    if isinstance(data, list):
        return [open_sealed(v, opener) for v in data]
    return data


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
