"""docs/EXPORT-FORMAT.md and docs/verify_export.py against the exporter: every field it
writes is in the doc's tables (and every header field in the tables is written), the
verifier's canonical form is RFC 8785's, and it imports nothing of ours."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from ledger.domain.aggregate import LedgerEvent
from ledger.domain.kinds import KINDS
from ledger.domain.ledger import Ledger
from projections.encoding import COMMON_FIELDS
from projections.export.chain import FORMAT, FORMAT_V1, SIGNED_FIELDS, canonical
from projections.history import SECRETS
from tests.api.conftest import Api
from tests.api.export_files import erased_export, full_history, partner_export
from tests.helpers import ManualClock

DOCS = Path(__file__).parents[2] / "docs"
DOC = (DOCS / "EXPORT-FORMAT.md").read_text(encoding="utf-8")
LEAF_OBJECTS = (".changes",)  # keyed by an entry's field names: described as a whole


def verifier_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_export", DOCS / "verify_export.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def documented() -> set[str]:
    """The first cell of every table row of the doc, when it is a `field path`."""
    return set(re.findall(r"^\| `([^`]+)` \|", DOC, flags=re.MULTILINE))


def key_name(prefix: str, key: str) -> str:
    try:
        UUID(key)
        return "<partner>"
    except ValueError:
        return "<support_type>" if prefix.endswith("care_given_by_type") else key


def walk(value: Any, prefix: str, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key_name(prefix, key)}" if prefix else key
            found.add(path)
            if not path.endswith(LEAF_OBJECTS):
                walk(inner, path, found)
    elif isinstance(value, list):
        for item in value:
            walk(item, f"{prefix}[]", found)


def written(document: dict[str, Any]) -> set[str]:
    """Every field path of a file, an event's data under `<type>.data`."""
    found: set[str] = set()
    events = document.get("events", [])
    walk({**document, "events": [{**e, "data": {}} for e in events]}, "", found)
    for event in events:
        walk(event["data"], f"{event['type']}.data", found)
    return found


def test_every_field_the_exporter_writes_is_documented_and_every_header_field_is_written(
    api: Api, clock: ManualClock,
) -> None:
    alex, sam, ledger = full_history(api)
    files = [partner_export(alex, ledger, "include_private=true"),
             partner_export(sam, ledger, "sections=raw_events,check_ins")]
    from tests.api.export_files import counsellor_export

    files += [counsellor_export(api, clock, alex, sam, ledger),
              erased_export(api, alex, sam, ledger)]
    found = set().union(*(written(f) for f in files))
    doc = documented()
    assert found - doc == set()
    header = {p for p in doc if not p.startswith(("summary.", "timeline[].")) and
              not p.split(".")[0][:1].isupper()}
    assert header - found == set()


def ledger_event_types() -> dict[str, type]:
    return {name: value for name, value in vars(Ledger).items()
            if isinstance(value, type) and issubclass(value, LedgerEvent)
            and name not in {"Event", "Created"}}


def test_every_event_type_and_each_of_its_data_fields_is_documented() -> None:
    doc = documented()
    headings = " ".join(re.findall(r"^### (.+)$", DOC, flags=re.MULTILINE))
    for name, event in ledger_event_types().items():
        assert re.search(rf"\b{name}\b", headings), name
        fields = {f for klass in event.__mro__ for f in getattr(klass, "__annotations__", {})
                  if issubclass(klass, LedgerEvent) and klass is not LedgerEvent}
        for field in fields - COMMON_FIELDS - SECRETS:
            assert f"{name}.data.{field}" in doc, (name, field)
        for secret in fields & SECRETS:
            assert f"{name}.data.{secret}" not in doc
    kinds_row = next(line for line in DOC.splitlines() if line.startswith("| `timeline[].kind`"))
    assert all(f"`{kind}`" in kinds_row for kind in KINDS)


def test_the_doc_and_the_verifier_sign_the_members_the_exporter_signs() -> None:
    module = verifier_module()
    assert {fmt: tuple(fields) for fmt, fields in SIGNED_FIELDS.items()} == module.SIGNED
    signed = re.search(r"\*\*Signed digest\*\*.*?members\s+(.*?)\s+\(a missing", DOC, re.S)
    assert signed is not None
    assert re.findall(r"`(\w+)`", signed.group(1)) == list(SIGNED_FIELDS[FORMAT])
    assert f"`{FORMAT}`" in DOC and f"`{FORMAT_V1}`" in DOC


JSON = st.recursive(
    st.none() | st.booleans() | st.text()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(JSON)
def test_the_verifiers_canonical_forms_are_the_exporters(value: Any) -> None:
    module = verifier_module()
    try:
        expected = rfc8785.dumps(value)
    except UnicodeEncodeError:  # a lone surrogate: no UTF-8 form, the verifier refuses too
        return
    assert module.canonical(value, FORMAT) == expected
    assert module.canonical(value, FORMAT_V1) == canonical(value, FORMAT_V1)


def test_the_verifier_refuses_values_rfc_8785_has_no_form_for() -> None:
    module = verifier_module()
    for value in (float("nan"), float("inf"), 2**53):
        with pytest.raises(ValueError, match=r"RFC 8785|no JSON form"):
            module.canonical(value, FORMAT)
    assert module.canonical(json.loads("[1.0, -0.0, 1e21, 1e-7]"), FORMAT) == b"[1,0,1e+21,1e-7]"


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse((DOCS / "verify_export.py").read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {str(node.module).split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert imported - set(sys.stdlib_module_names) == {"cryptography"}
