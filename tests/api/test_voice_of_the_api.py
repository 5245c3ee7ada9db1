"""What the API, the errors and the exports say to people follows VOICE.md: every
required field says what to write, problem+json speaks plainly, no message the code
can raise uses a word VOICE.md rules out, and neither do CSV headers or the PDF."""

from __future__ import annotations

import ast
import csv
import importlib
import inspect
import io
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields

import web.api
from tests.api.conftest import Api
from tests.voice import assert_speaks_as_voice_md_asks, voice_problems
from web.pages import forms

ROOT = Path(__file__).resolve().parents[2]
MARSHMALLOW_SAYS = {"Missing data for required field.", "Field may not be null."}
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def request_schemas() -> Iterator[type[Schema]]:
    """Every schema a request is read with: the API's (…In, …Query) and the pages'."""
    modules = [importlib.import_module(info.name) for info in pkgutil.walk_packages(
        web.api.__path__, "web.api.")]
    seen: set[type[Schema]] = set()
    for module in [*modules, forms]:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, Schema) and cls not in seen and cls.__name__.endswith(
                    ("In", "Query", "Form")) and cls is not forms.FormSchema):
                seen.add(cls)
                yield cls


def messages_of(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    try:
        schema.load(data)
    except ValidationError as error:
        return error.messages if isinstance(error.messages, dict) else {"_": error.messages}
    return {}


def test_every_required_field_says_what_to_write_in_words_voice_md_allows() -> None:
    told: dict[str, str] = {}
    for cls in request_schemas():
        schema = cls()
        required = [f.data_key or name for name, f in schema.fields.items()
                    if f.required and not f.dump_only]
        missing = messages_of(schema, {})
        blank = messages_of(schema, {key: "   " for key, f in (
            (f.data_key or n, f) for n, f in schema.fields.items()) if key in required
            and isinstance(f, fields.String)})
        for key in required:
            for case, messages in (("missing", missing), ("only spaces", blank)):
                for message in messages.get(key, []):
                    assert message not in MARSHMALLOW_SAYS, \
                        f"{cls.__name__}.{key} ({case}) says {message!r}"
                    told[f"{cls.__name__}.{key} ({case})"] = message
    assert told["NeedIn.need (missing)"] == "Please write what you need."
    assert told["NeedForm.need (only spaces)"] == "Please write what you need."
    assert_speaks_as_voice_md_asks(told)


def message_holder(node: ast.AST) -> ast.AST:
    """The part of `node` that holds a message, or an empty module."""
    if isinstance(node, ast.Raise) and node.exc is not None:
        return node.exc
    if isinstance(node, ast.keyword) and node.arg in ("error", "error_messages"):
        return node.value
    if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in ("errors", "PAGE_MESSAGES") for t in node.targets):
        return node.value
    return ast.Module(body=[], type_ignores=[])


def raised_messages() -> dict[str, str]:
    """Every string the code gives an exception, a validator or a page's error list:
    what reaches a person as a message (read from the source, so none is missed)."""
    found: dict[str, str] = {}
    for package in ("ledger", "projections", "services", "web"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                for leaf in ast.walk(message_holder(node)):
                    if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str):
                        found[f"{path.relative_to(ROOT)}:{leaf.lineno}"] = leaf.value
    return found


def test_no_message_the_code_can_raise_uses_words_voice_md_rules_out() -> None:
    messages = raised_messages()
    assert len(messages) > 100  # the scan reads what it should
    assert "Please write what you need." in messages.values()
    assert_speaks_as_voice_md_asks(messages)


@sqlite_only
def test_problem_details_speak_plainly(api: Api) -> None:
    alex, _, ledger = api.couple()
    answers = {
        "need without words": alex.post(f"/api/v1/ledgers/{ledger}/needs", {}),
        "care without words": alex.post(f"/api/v1/ledgers/{ledger}/care", {"description": " "}),
        "moment without words": alex.post(f"/api/v1/ledgers/{ledger}/moments", {}),
        "check-in without a feeling": alex.post(f"/api/v1/ledgers/{ledger}/check-ins", {}),
        "ledger without a name": alex.post("/api/v1/ledgers", {"name": None}),
        "join without a code": alex.post("/api/v1/ledgers/join", {}),
        "join with an unknown code": alex.post("/api/v1/ledgers/join", {"invite_code": "X"}),
        "share without a label": alex.post(f"/api/v1/ledgers/{ledger}/shares", {}),
        "sign-up without anything": api.client.post("/api/v1/accounts", json={}),
        "a wrong password": api.client.post("/api/v1/tokens", json={
            "email": alex.email, "password": "not it"}),
        "an unknown entry": alex.get(f"/api/v1/ledgers/{ledger}/entries/{ledger}"),
    }
    texts: dict[str, str] = {}
    for what, answer in answers.items():
        assert answer.status_code >= 400, what
        problem = answer.json
        texts[f"{what}: detail"] = problem["detail"]
        for field, messages in (problem.get("errors") or {}).items():
            texts[f"{what}: errors.{field}"] = " ".join(messages)
    assert answers["need without words"].json["errors"] == {
        "need": ["Please write what you need."],
        "support_type": ["Please choose the kind of support."],
        "intensity": ["Please say how much it matters, 1 to 5."]}
    assert answers["care without words"].json["errors"]["description"] == [
        "Please write what you did."]
    assert_speaks_as_voice_md_asks(texts)


@pytest.fixture
def exported(api: Api) -> Any:
    """A couple's little history (need, care, too little, check-ins, a moment); then
    `exported(format)` is Alex's export of it."""
    alex, sam, ledger = api.couple()
    base = f"/api/v1/ledgers/{ledger}"
    need = alex.post(f"{base}/needs", {"need": "Talk tonight", "intensity": 3,
                                       "support_type": "emotional"}).json
    care = sam.post(f"{base}/care", {"description": "We talked", "support_type": "emotional",
                                     "in_response_to": need["id"]}).json
    alex.post(f"{base}/care/{care['id']}/acknowledgement", {"adequacy": "too_little"})
    alex.post(f"{base}/check-ins", {"felt_supported": 6})
    sam.post(f"{base}/check-ins", {"felt_supported": 7})
    sam.post(f"{base}/moments", {"kind": "repair", "text": "Sorry about Sunday"})
    api.sync()

    def export(file_format: str) -> bytes:
        answer = alex.get(f"{base}/export?format={file_format}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return bytes(answer.get_data())
    return export


@sqlite_only
def test_csv_headers_use_words_voice_md_allows(exported: Any) -> None:
    """The headers: the rows hold the partners' own words and the API's values."""
    rows = list(csv.reader(io.StringIO(exported("csv").decode())))
    assert len(rows) == 7  # the header and six entries
    assert_speaks_as_voice_md_asks({"CSV header": " ".join(rows[0]).replace("_", " ")})


@sqlite_only
def test_the_pdf_report_uses_words_voice_md_allows(exported: Any) -> None:
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(exported("pdf"))).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "Talk tonight" in text
    problems = voice_problems(text)
    assert not problems, "the PDF says what VOICE.md rules out:\n  " + "\n  ".join(problems)
