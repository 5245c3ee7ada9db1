"""The pages' forms are the API's request schemas: a field, limit or message changed in
the API is changed on the pages, and what a page asks beyond the API is named."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from ledger.domain.values import TEXT_MAX_LENGTH
from web.api import schemas
from web.api.entries import ENTRY_INPUTS
from web.api.exports import ExportQuery
from web.api.shares import ApprovalIn, ShareIn
from web.pages import forms

DERIVED: list[tuple[type[Schema], type[Schema], set[str], set[str]]] = [
    # API schema, page form, fields the form drops, fields only the form has
    (schemas.SignUpIn, forms.SignUpForm, set(), set()),
    (schemas.TokenIn, forms.LoginForm, set(), set()),
    (schemas.ProfileIn, forms.AccountForm, set(), set()),
    (schemas.LedgerIn, forms.LedgerForm, set(), set()),
    (schemas.JoinIn, forms.JoinForm, set(), set()),
    (schemas.ResolutionIn, forms.ResolutionForm, set(), set()),
    (schemas.RetractionIn, forms.RetractForm, set(), set()),
    (schemas.AmendmentIn, forms.AmendForm, {"changes"}, {"field", "value"}),
    (schemas.DepartureIn, forms.LeaveForm, set(), {"confirm"}),
    (ExportQuery, forms.ExportForm, set(), set()),
    (ShareIn, forms.ShareForm, {"expires_at"}, {"days"}),
    (ApprovalIn, forms.ApprovalForm, set(), set()),
    *[(schema, forms.ENTRY_FORMS[kind], set(), set()) for kind, schema in ENTRY_INPUTS.items()],
]


@pytest.mark.parametrize(("api", "form", "dropped", "added"), DERIVED,
                         ids=[form.__name__ for _, form, _, _ in DERIVED])
def test_every_form_has_exactly_its_api_schemas_fields(
        api: type[Schema], form: type[Schema], dropped: set[str], added: set[str]) -> None:
    assert set(form().fields) == (set(api().fields) - dropped) | added


@pytest.mark.parametrize("kind", sorted(ENTRY_INPUTS))
def test_an_entry_forms_limits_and_messages_are_the_apis(kind: str) -> None:
    api, form = ENTRY_INPUTS[kind](), forms.ENTRY_FORMS[kind]()
    for name, field in api.fields.items():
        if field.required:
            assert form.fields[name].required, name
        if isinstance(form.fields[name], forms.Checkbox | forms.LocalDateTime):
            continue  # a browser's own way of sending these, tested below
        with pytest.raises(ValidationError) as by_api:
            api.load({name: "x" * (TEXT_MAX_LENGTH + 1)}, partial=True)
        with pytest.raises(ValidationError) as by_form:
            form.load({name: "x" * (TEXT_MAX_LENGTH + 1)}, partial=True)
        assert by_form.value.messages.get(name) == by_api.value.messages.get(name), name


def test_a_form_sends_strings_which_are_read_as_the_api_reads_numbers_and_booleans() -> None:
    need = forms.ENTRY_FORMS["need"]().load({
        "need": "to be heard", "support_type": "emotional", "intensity": "3",
        "recurring": "on", "csrf_token": "t", "submission_id": "s"})
    assert need["intensity"] == 3 and need["recurring"] is True
    assert forms.ENTRY_FORMS["need"]().load({
        "need": "x", "support_type": "emotional", "intensity": "2"})["recurring"] is False
    with pytest.raises(ValidationError) as refused:
        forms.ENTRY_FORMS["need"]().load({"need": "x", "support_type": "emotional",
                                          "intensity": "9"})
    assert "intensity" in refused.value.messages


def test_a_local_time_is_read_in_the_ledgers_zone_within_the_apis_bounds() -> None:
    loaded = forms.ENTRY_FORMS["moment"](timezone="Europe/Paris").load(
        {"kind": "appreciation", "text": "thank you", "occurred_at": "2026-03-02T18:30"})
    assert loaded["occurred_at"].isoformat() == "2026-03-02T17:30:00+00:00"
    with pytest.raises(ValidationError) as refused:
        forms.ENTRY_FORMS["moment"]().load(
            {"kind": "appreciation", "text": "x", "occurred_at": "0001-01-01T00:00"})
    assert refused.value.messages == {"occurred_at": ["must be between 1970 and 3000"]}


def test_ticked_sections_are_a_list_and_none_ticked_is_refused_not_read_as_all() -> None:
    assert forms.ExportForm().load({"sections": ["timeline", "balance"]})["sections"] == [
        "timeline", "balance"]
    with pytest.raises(ValidationError) as none:
        forms.ShareForm().load({"label": "Dr K"})
    assert none.value.messages == {"sections": ["Please choose at least one section."]}
    with pytest.raises(ValidationError) as unknown:
        forms.ExportForm().load({"sections": ["secrets"]})
    assert "sections" in unknown.value.messages


def test_amending_offers_exactly_the_texts_the_api_lets_one_amend() -> None:
    assert set(forms.AMENDABLE_TEXTS) == {"need", "feeling", "situation", "description",
                                          "note", "text"}
