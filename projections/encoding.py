"""Event fields as JSON-ready data for views, with sealed text kept sealed.

Times are whole microseconds since the epoch (UTC) in view columns, so both SQL
dialects sort and compare them the same way.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from ledger.domain.places import TEXT_POSITIONS, Place
from ledger.domain.values import SealedText
from ledger.infra.encoding_time import from_micros, micros
from ledger.infra.sealing import Opener

__all__ = ["dumps", "event_data", "from_micros", "micros", "open_at", "open_event_texts",
           "sealed_from_data", "to_data"]

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
        inner: dict[str, Any] = {"k": value.key_id, "n": base64.b64encode(value.nonce).decode(),
                                 "c": base64.b64encode(value.ciphertext).decode()}
        if value.version != 1:
            inner["v"] = value.version
        return {SEALED_MARK: inner}
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
    return SealedText(inner["k"], base64.b64decode(inner["n"]), base64.b64decode(inner["c"]),
                      int(inner.get("v", 1)))


def open_at(data: Any, place: Place, opener: Opener) -> str | None:
    """One sealed value of a view, opened at its place (None when erased or absent)."""
    sealed = sealed_from_data(data)
    return opener.open(sealed, place) if sealed is not None else None


def open_event_texts(event_type: str, data: dict[str, Any], ledger_id: str, actor: str,
                     opener: Opener) -> dict[str, Any]:
    """An event's data for a reader: the sealed texts at the positions its event type
    declares are opened at their places; any other sealed value is left out, so no
    reader ever opens words it finds somewhere they do not belong."""
    opened: dict[str, Any] = without_sealed(data)
    for position in TEXT_POSITIONS.get(event_type, ()):
        source, target = _parents(data, opened, position.path[:-1])
        name = position.path[-1]
        if source is None or target is None or name not in source:
            continue
        item = actor if position.item == "actor" else source_item(data, position.item)
        target[name] = open_at(source[name], Place(ledger_id, item, position.field), opener)
    return opened


def _parents(source: Any, target: Any, path: tuple[str, ...]
             ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    for name in path:
        source = source.get(name) if isinstance(source, dict) else None
        target = target.get(name) if isinstance(target, dict) else None
    if isinstance(source, dict) and isinstance(target, dict):
        return source, target
    return None, None


def source_item(data: dict[str, Any], field: str | None) -> str | None:
    if field is None:
        return None
    try:
        return UUID(str(data.get(field))).hex
    except ValueError:
        return "?"  # a malformed id opens nothing


def without_sealed(data: Any) -> Any:
    if sealed_from_data(data) is not None:
        return None
    if isinstance(data, dict):
        return {k: without_sealed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [without_sealed(v) for v in data]
    return data


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def joined(first: str, second: str) -> str:
    """Two encoded JSON objects with no key in common as one, without encoding the
    second again (an entry's sealed texts, the bulk of a rebuild's JSON)."""
    if second == "{}":
        return first
    if first == "{}":
        return second
    return f"{first[:-1]},{second[1:]}"
