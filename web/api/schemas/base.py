"""What every API schema uses: one shared instance per class, enums, fixed choices."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from marshmallow import Schema, fields, validate
from marshmallow.types import ErrorMessages

from ledger.domain.kinds import KINDS as DECLARED_KINDS

S = TypeVar("S", bound=Schema)


@cache
def one(schema_class: type[S]) -> S:
    """The shared instance of a schema class: building one deep-copies its fields
    (~0.3 ms, once per request before), and loading or dumping keeps no state."""
    return schema_class()


KINDS = tuple(DECLARED_KINDS)  # as ledger/domain/kinds.py declares them
NEED_STATUSES = ("open", "met", "withdrawn")
PROMPT_KINDS = ("quiet_voice",)
WEEK = validate.Regexp(r"^\d{4}-W\d{2}$",
                       error="must be a week: its year, a W and its number (ISO 8601)")


def asking(words: str) -> ErrorMessages:
    """A required field's messages in a person's words (VOICE.md), instead of
    marshmallow's "Missing data for required field.": when it is missing, null, or
    (for text) only spaces. The structure of a 422 stays as it was."""
    return {"required": words, "null": words, "empty": words}


def enum(cls: type[Enum], **kwargs: Any) -> fields.Enum[Any]:
    return fields.Enum(cls, by_value=True, **kwargs)


def choice(values: type[Enum] | Sequence[str], **kwargs: Any) -> fields.Field[Any]:
    """An output string with a fixed set of values: the document lists them (dumping
    does not check them). A nullable one is written `anyOf: [enum, null]`, the form
    client generators turn into `Enum | None`."""
    allowed = [member.value for member in values] if isinstance(values, type) else list(values)
    if kwargs.get("allow_none"):
        metadata = {**kwargs.pop("metadata", {}),
                    "anyOf": [{"type": "string", "enum": allowed}, {"type": "null"}]}
        return fields.Raw(dump_only=True, metadata=metadata, **kwargs)
    return fields.String(dump_only=True, validate=validate.OneOf(allowed), **kwargs)
