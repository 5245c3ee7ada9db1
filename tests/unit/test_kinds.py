"""Each kind of entry is declared once (ledger/domain/kinds.py), and every layer that
handles entries knows every declared kind: a kind added to the declaration but not
to a layer fails here (or stops the app at start-up), never a 500 in production."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from ledger.domain import kinds
from ledger.domain.exceptions import ConfigurationError
from ledger.domain.kinds import KINDS
from ledger.domain.ledger import Ledger
from ledger.domain.places import TEXT_POSITIONS
from ledger.domain.values import SealedText
from projections.entry_fields import KIND_FIELDS
from projections.history import CREATES_ENTRY
from projections.timeline import TimelineProjection
from web.api.entries import ENTRY_INPUTS
from web.kinds import check_kinds_served
from web.pages.forms import ENTRY_FORMS

CORRECTIONS = {"EntryAmended", "EntryRetracted"}


def event_fields(kind: kinds.Kind) -> dict[str, object]:
    event = getattr(Ledger, kind.event)
    return typing.get_type_hints(event)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_names_its_event_and_its_event_carries_its_sealed_texts(name: str) -> None:
    kind = KINDS[name]
    fields = event_fields(kind)
    assert "entry_id" in fields
    for text in kind.texts:
        assert fields[text] in (SealedText, SealedText | None), text
    assert set(kind.required) <= set(kind.texts)
    assert ("visibility" in fields) == kind.visibility
    amendable_event_fields = kind.amendable - {"visibility", "occurred_at"}
    assert amendable_event_fields <= set(fields), amendable_event_fields - set(fields)
    assert kind.words == kind.texts[0]


def test_every_event_that_creates_an_entry_is_a_declared_kind() -> None:
    creating = {name for name, value in vars(Ledger).items()
                if isinstance(value, type) and dataclasses.is_dataclass(value)
                and "entry_id" in {f.name for f in dataclasses.fields(value)}
                and name not in CORRECTIONS}
    assert creating == {kind.event for kind in KINDS.values()}


def test_every_layer_knows_every_kind() -> None:
    assert set(KIND_FIELDS) == set(KINDS)  # how a reader shows it
    assert set(ENTRY_INPUTS) == set(KINDS)  # what the API takes
    assert set(ENTRY_FORMS) == set(KINDS)  # what the pages take
    registry = TimelineProjection.__dict__["changes_for"].dispatcher.registry
    for kind in KINDS.values():
        event = getattr(Ledger, kind.event)
        assert any(cls is not object and issubclass(event, cls) and cls.__name__ == kind.event
                   for cls in registry), kind.name  # the timeline has its own handler
        assert event in CREATES_ENTRY  # the raw history ties its events to it
        assert {p.field for p in TEXT_POSITIONS[kind.event]} == set(kind.texts)


def test_the_app_refuses_to_start_with_a_kind_it_does_not_serve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    check_kinds_served()
    gratitude = dataclasses.replace(KINDS["moment"], name="gratitude", event="GratitudeShown")
    monkeypatch.setitem(KINDS, "gratitude", gratitude)
    with pytest.raises(ConfigurationError, match="gratitude"):
        check_kinds_served()
