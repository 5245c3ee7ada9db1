"""Validation messages, flat by field name, for problem+json and import errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' {"json": {"field": [...], "nested": {"x": [...]}}} as {"field": [...],
    "nested.x": [...]}: flat by field name, whatever the request location."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = str(key)
            if not prefix and name in ("json", "query", "headers", "files", "form", "path"):
                flat.update(flatten(value, ""))
            else:
                flat.update(flatten(value, f"{prefix}.{name}" if prefix else name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_body"] = [str(m) for m in messages]
    elif isinstance(messages, list):
        for index, item in enumerate(messages):
            flat.update(flatten(item, f"{prefix}.{index}"))
    else:
        flat[prefix or "_body"] = [str(messages)]
    return flat
