"""No message of marshmallow's own ("Not a valid string.", "Unknown field.", "Missing
data for required field.", "Shorter than minimum length 1.") reaches a person: every
request schema of the API and the pages is a `PlainSchema`, which puts each of them in
plain words (VOICE.md) as its fields are bound."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from tests.api.conftest import Api
from tests.api.test_voice_of_the_api import request_schemas
from tests.voice import assert_speaks_as_voice_md_asks
from web import imports
from web.api.schemas import PlainSchema
from web.pages import forms

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def marshmallow_texts() -> set[str]:
    """Every message marshmallow writes unless told otherwise: its fields', its
    schemas' and its validators'."""
    texts = set(Schema._default_error_messages.values())
    for _, cls in inspect.getmembers(fields, inspect.isclass):
        texts |= set(vars(cls).get("default_error_messages", {}).values())
    for _, cls in inspect.getmembers(validate, inspect.isclass):
        texts |= {v for k, v in vars(cls).items() if isinstance(v, str) and (
            k == "default_message" or k.startswith("message_"))}
    return texts


MARSHMALLOW = marshmallow_texts()
# each text as a pattern: its {placeholders} stand for anything
PATTERNS = [re.compile(re.sub(r"\\\{[^}]*\\\}", ".*", re.escape(text)).replace(
    r"\{\{", "").replace(r"\}\}", "")) for text in MARSHMALLOW]


def is_marshmallows(message: str) -> bool:
    return message in MARSHMALLOW or any(p.fullmatch(message) for p in PATTERNS)


def every_field(schema: Schema, where: str) -> Iterator[tuple[str, fields.Field[Any]]]:
    """Each field a request can fill, nested schemas and list items included."""
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        yield f"{where}.{name}", field
        for inner in (getattr(field, "inner", None), getattr(field, "value_field", None)):
            if isinstance(inner, fields.Field):
                yield f"{where}.{name}[]", inner
        if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
            yield from every_field(field.schema, f"{where}.{name}")


def test_there_are_marshmallow_texts_to_look_for() -> None:
    assert {"Not a valid string.", "Unknown field.", "Missing data for required field.",
            "Shorter than minimum length {min}.", "Must be one of: {choices}."} <= MARSHMALLOW
    assert is_marshmallows("Must be one of: a, b.")
    assert not is_marshmallows("Please choose one of these: a, b.")


def import_schemas() -> list[type[Schema]]:
    """The schemas an imported file is read with: what they say reaches a person too."""
    return [cls for _, cls in inspect.getmembers(imports, inspect.isclass)
            if issubclass(cls, Schema) and cls.__module__ == imports.__name__]


def test_no_field_or_validator_of_any_request_schema_keeps_a_marshmallow_message() -> None:
    schemas = [*request_schemas(), *import_schemas()]
    assert len(schemas) > 30  # the walk finds the API's, the pages' and the imports' schemas
    kept: list[str] = []
    for cls in schemas:
        assert issubclass(cls, PlainSchema), f"{cls.__name__} is not a PlainSchema"
        schema = cls()
        kept += [f"{cls.__name__}: {text}" for text in schema.error_messages.values()
                 if is_marshmallows(text)]
        for where, field in every_field(schema, cls.__name__):
            kept += [f"{where} ({key}): {text}" for key, text in field.error_messages.items()
                     if is_marshmallows(str(text))]
            for validator in field.validators:
                text = getattr(validator, "error", None)
                if type(validator).__module__ == "marshmallow.validate" and (
                        text is None or is_marshmallows(str(text))):
                    kept.append(f"{where}: {type(validator).__name__} says {text!r}")
    assert kept == []


WRONG_VALUES = (12345, 3.5, "not it", "", "   ", [], [1, "x"], {}, {"x": 1}, None, True,
                10**30, -1, "x" * 3000, "2026-13-45", "zz-W99")


def messages(cls: type[Schema], data: Any) -> list[str]:
    try:
        cls().load(data)
    except ValidationError as error:
        return list(flat(error.messages))
    return []


def flat(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for inner in value.values():
            yield from flat(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from flat(inner)
    else:
        yield str(value)


def test_wrong_values_in_every_field_get_plain_sentences() -> None:
    said: dict[str, str] = {}
    for cls in [*request_schemas(), *import_schemas()]:
        names = [f.data_key or n for n, f in cls().fields.items() if not f.dump_only]
        tried: list[Any] = [{"surprise": 1}]
        if not issubclass(cls, forms.FormSchema):  # a page's form is always a mapping
            tried += [[1, 2], "a string"]
        tried += [{name: value} for name in names for value in WRONG_VALUES]
        for data in tried:
            for message in messages(cls, data):
                assert not is_marshmallows(message), f"{cls.__name__} {data!r}: {message!r}"
                said[f"{cls.__name__}: {message}"] = message
    assert "Please leave this out: it is not something we ask for." in said.values()
    assert "Please write this as text." in said.values()
    assert "Please give a whole number, like 3." in said.values()
    assert_speaks_as_voice_md_asks(said)


@sqlite_only
def test_the_apis_problem_details_carry_the_plain_sentences(api: Api) -> None:
    alex, _, ledger = api.couple()
    answer = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": 5, "intensity": "much", "support_type": "hugs", "mood": "blue"})
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        "need": ["Please write this as text."],
        "intensity": ["Please give a whole number, like 3."],
        "support_type": ["Please choose one of these: emotional, informational, esteem, "
                         "practical."],
        "mood": ["Please leave this out: it is not something we ask for."]}
    query = alex.get(f"/api/v1/ledgers/{ledger}/timeline?limit=0&colour=red")
    assert query.status_code == 422
    assert query.json["errors"] == {
        "limit": ["Please give a number from 1 to 200."],
        "colour": ["Please leave this out: it is not something we ask for."]}
