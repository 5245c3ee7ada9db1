"""What every API schema uses: one shared instance per class, enums, fixed choices,
and messages in a person's words: `asking` for a required field, `PlainSchema` for
every message marshmallow would otherwise write ("Not a valid string.")."""

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
    (for text) only spaces. The structure of a 422 stays as it was. Every other
    message of marshmallow's own is put in plain words by `PlainSchema`."""
    return {"required": words, "null": words, "empty": words}


# marshmallow's messages, by the field class they are for (the first that matches
# wins) and by their key: what a person reads instead, as VOICE.md asks
FIELD_WORDS: tuple[tuple[type[fields.Field[Any]], dict[str, str]], ...] = (
    (fields.Email, {"invalid": "Please write an email address, like sam@example.com."}),
    (fields.Boolean, {"invalid": "Please answer true or false."}),
    (fields.Integer, {"invalid": "Please give a whole number, like 3."}),
    (fields.Number, {"invalid": "Please give a number, like 2.5.",
                     "special": "Please give a number, like 2.5."}),
    (fields.DateTime, {"invalid": "Please give a time, like 2026-03-02T09:00:00Z.",
                       "invalid_awareness": "Please give a time with its offset, like "
                                            "2026-03-02T09:00:00Z.",
                       "format": "Please give a time, like 2026-03-02T09:00:00Z."}),
    (fields.Date, {"invalid": "Please give a day, like 2026-03-02.",
                   "format": "Please give a day, like 2026-03-02."}),
    (fields.UUID, {"invalid_uuid": "Please give an id as Ebb & Flow wrote it, like "
                                   "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b."}),
    (fields.Enum, {"unknown": "Please choose one of these: {choices}."}),
    (fields.Nested, {"type": "Please give these as named values (a JSON object)."}),
    (fields.List, {"invalid": "Please give a list of values."}),
    (fields.Mapping, {"invalid": "Please give named values (a JSON object)."}),
    (fields.String, {"invalid": "Please write this as text.",
                     "invalid_utf8": "Please write this as text."}),
    (fields.Field, {"required": "Please fill this in.", "null": "Please fill this in.",
                    "validator_failed": "Please check this: it is not something we can "
                                        "take here."}),
)
ANYTHING_ELSE = "Please check this: it is not something we can take here."
VALIDATOR_WORDS: dict[type[Any], str] = {
    validate.OneOf: "Please choose one of these: {choices}.",
    validate.Email: "Please write an email address, like sam@example.com.",
    validate.Equal: "Please give {other} here."}
SCHEMA_WORDS = {"unknown": "Please leave this out: it is not something we ask for.",
                "type": "Please send named values (a JSON object)."}


def plain_words(field: fields.Field[Any]) -> None:
    """Each of marshmallow's own messages on `field`, and on its validators and the
    fields inside it, in plain words; messages a schema gave itself are kept."""
    own = {key: text for cls in reversed(type(field).__mro__)
           if cls.__module__.startswith("marshmallow.")
           for key, text in vars(cls).get("default_error_messages", {}).items()}
    for key, text in field.error_messages.items():
        if own.get(key) == text:
            field.error_messages[key] = next(
                (words[key] for cls, words in FIELD_WORDS if isinstance(field, cls)
                 and key in words), ANYTHING_ELSE)
    for validator in field.validators:
        plain_validator(validator, field)
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
        if isinstance(inner, fields.Field):
            plain_words(inner)


def plain_validator(validator: Any, field: fields.Field[Any]) -> None:
    """A validator's message in plain words, unless the schema gave it one."""
    if isinstance(validator, validate.Length) and validator.error is None:
        text = isinstance(field, fields.String)
        validator.error = (("Please write exactly {equal} characters." if text else
                            "Please give exactly {equal} values.") if validator.equal is not None
                           else _length(validator.min, validator.max, text))
    elif isinstance(validator, validate.Range) and validator.error is None:
        validator.error = _range(validator)
    elif validator.__class__.__module__ == "marshmallow.validate" and \
            getattr(validator, "error", None) == getattr(validator, "default_message", ""):
        validator.error = VALIDATOR_WORDS.get(type(validator), ANYTHING_ELSE)


def _length(low: int | None, high: int | None, text: bool) -> str:
    things = "characters" if text else "values"
    if low is not None and high is not None:
        return f"Please give from {{min}} to {{max}} {things}."
    if low is not None:
        return f"Please give at least {{min}} {things}." if low > 1 or text else \
            "Please give at least one value."
    return ("Please keep this to {max} characters or fewer." if text else
            "Please give at most {max} values.")


def _range(validator: validate.Range) -> str:
    low = ("more than {min}" if not validator.min_inclusive else "{min}"
           ) if validator.min is not None else None
    high = ("less than {max}" if not validator.max_inclusive else "{max}"
            ) if validator.max is not None else None
    if low and high and validator.min_inclusive and validator.max_inclusive:
        return f"Please give a number from {low} to {high}."
    if low and high:
        return f"Please give a number {low} and {high}."
    return f"Please give a number of at least {low}." if low else \
        f"Please give a number of at most {high}."


class PlainSchema(Schema):
    """A request schema whose every message is a sentence a person can act on:
    marshmallow's defaults ("Not a valid integer.", "Unknown field.", "Shorter than
    minimum length 1.") are replaced as each field is bound (`plain_words`)."""

    error_messages = SCHEMA_WORDS

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        plain_words(field_obj)


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
