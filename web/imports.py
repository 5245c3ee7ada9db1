"""An export file to restore, checked like any request before anything is recorded.

A file is untrusted input: it must be signed by this instance (or by a key the
operator lists in EBBFLOW_TRUSTED_EXPORT_KEYS), be complete, hold no more events
than the instance allows, and every event's data must pass the same schemas as
the API's requests (types, ranges, lengths, enumerations; amendment fields typed).
It never holds the other partner's private entries (no export can), so whoever
later claims the placeholder partner inherits only words that partner shared.
Any failure is one 422 naming the first bad event; nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates

from ledger.app.commands_import import ImportedEvent, ImportPlan
from ledger.domain.exceptions import Invalid
from ledger.domain.ledger import Ledger
from ledger.domain.values import Visibility
from ledger.domain.weeks import is_time_zone
from projections.export.chain import verify
from projections.scope import SECTIONS
from web.api import schemas
from web.api.fields import Name, StrictBoolean, Text, UTCDateTime
from web.api.schemas.base import PlainSchema
from web.messages import flatten

LEDGER_EVENTS = frozenset(name for name, value in vars(Ledger).items()
                          if isinstance(value, type) and issubclass(value, Ledger.Event))


class ExportedEvent(PlainSchema):
    """An event as an export writes it; its data is checked by its type's schema."""

    position = fields.Integer(required=True, strict=True)
    version = fields.Integer(required=True, strict=True)
    type = fields.String(required=True, validate=validate.OneOf(sorted(LEDGER_EVENTS)))
    class_version = fields.Integer(strict=True)
    recorded_at = UTCDateTime(required=True)
    originally_recorded_at = UTCDateTime(allow_none=True)
    occurred_at = UTCDateTime(allow_none=True)
    actor = fields.UUID(required=True)
    data = fields.Dict(keys=fields.String(), required=True)
    retracted = StrictBoolean()
    hash = fields.String()


class ImportedOpened(PlainSchema):
    class Meta:
        unknown = EXCLUDE  # the original ledger's invite: not part of its history

    name = Name(allow_none=True)
    timezone = fields.String(required=True)
    display_name = Name(allow_none=True)

    @validates("timezone")
    def known_zone(self, value: str, **kwargs: Any) -> None:
        if not is_time_zone(value):
            raise ValidationError("must be an IANA time zone")


# The API's request schemas, as an exported event holds them: ids and times given,
# and words erased before the export may be null.

class ImportedNeed(schemas.NeedIn):
    entry_id = fields.UUID(required=True)
    occurred_at = UTCDateTime(required=True)
    need = Text(required=True, allow_none=True)
    recurring = StrictBoolean(required=True)


class ImportedCare(schemas.CareIn):
    entry_id = fields.UUID(required=True)
    occurred_at = UTCDateTime(required=True)
    to = fields.UUID(required=True)
    description = Text(required=True, allow_none=True)
    quiet = StrictBoolean(required=True)


class ImportedAcknowledgement(schemas.AcknowledgementIn):
    entry_id = fields.UUID(required=True)
    care_id = fields.UUID(required=True)


class ImportedResolution(PlainSchema):
    need_id = fields.UUID(required=True)
    note = Text(allow_none=True)


class ImportedCheckIn(schemas.CheckInIn):
    entry_id = fields.UUID(required=True)
    week = fields.String(required=True, validate=schemas.WEEK)


class ImportedMoment(schemas.MomentIn):
    entry_id = fields.UUID(required=True)
    occurred_at = UTCDateTime(required=True)
    text = Text(required=True, allow_none=True)


class ImportedChanges(schemas.ChangesIn):
    need = Text(allow_none=True)
    description = Text(allow_none=True)
    text = Text(allow_none=True)


class ImportedAmendment(PlainSchema):
    entry_id = fields.UUID(required=True)
    changes = fields.Nested(ImportedChanges, required=True)
    reason = Text(required=True, allow_none=True)


class ImportedRetraction(PlainSchema):
    entry_id = fields.UUID(required=True)
    reason = Text(required=True, allow_none=True)


DATA_SCHEMAS: dict[str, Schema] = {
    "Opened": ImportedOpened(), "NeedExpressed": ImportedNeed(), "CareOffered": ImportedCare(),
    "CareAcknowledged": ImportedAcknowledgement(), "NeedMet": ImportedResolution(),
    "NeedWithdrawn": ImportedResolution(), "CheckedIn": ImportedCheckIn(),
    "MomentShared": ImportedMoment(), "EntryAmended": ImportedAmendment(),
    "EntryRetracted": ImportedRetraction(),
}


class ExportedPartner(PlainSchema):
    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)
    display_name = Name(allow_none=True)


def import_plan(document: Any, trusted_keys: Collection[str], max_events: int) -> ImportPlan:
    """The validated plan of an import, or Invalid (422) naming what is wrong."""
    verdict = verify(document, trusted_keys)
    if not verdict.ok:
        raise Invalid.field("signature" if verdict.bad_event is None else "events",
                            verdict.message)
    scope = document.get("scope") or {}
    if not is_complete(scope):
        raise Invalid.field("scope", "only a complete export (no dates, every section, "
                                     "private entries included) can be imported")
    raw_events = document.get("events")
    if not isinstance(raw_events, list) or len(raw_events) > max_events:
        raise Invalid.field("events", f"an import holds at most {max_events} events")
    exporter = _load(fields.UUID(), document.get("exported_by"), "exported_by").hex
    partners = [_load(ExportedPartner(), p, "partners") for p in document.get("partners") or []]
    known = {p["id"].hex: p.get("display_name") for p in partners}
    if exporter not in known or len(known) > 2:
        raise Invalid.field("partners", "the export's partners do not fit its exporter")
    other = next(((pid, name) for pid, name in known.items() if pid != exporter), None)
    events = [event for index, raw in enumerate(raw_events, start=1)
              if (event := _event(raw, index, exporter, known)) is not None]
    return ImportPlan(exporter, other, events)


def is_complete(scope: dict[str, Any]) -> bool:
    return (scope.get("from") is None and scope.get("to") is None
            and set(scope.get("sections") or ()) == set(SECTIONS)
            and scope.get("include_private") is True)


def _event(raw: Any, index: int, exporter: str,
           known: dict[str, str | None]) -> ImportedEvent | None:
    envelope = _load(ExportedEvent(), raw, f"event #{index}")
    actor = envelope["actor"].hex
    if actor not in known:
        raise Invalid.field("events", f"event #{index} was recorded by someone who is not "
                                      "a partner of the exported ledger")
    schema = DATA_SCHEMAS.get(envelope["type"])
    if schema is None:
        return None  # the original ledger's life (invites, shares, pauses), not replayed
    data = _load(schema, envelope["data"], f"event #{index} ({envelope['type']})")
    if data.get("visibility") is Visibility.PRIVATE and actor != exporter:
        raise Invalid.field("events", f"event #{index} is the other partner's private "
                                      "entry, which no export holds")
    recorded = envelope.get("originally_recorded_at") or envelope["recorded_at"]
    return ImportedEvent(envelope["type"], actor, recorded, data)


def _load(schema: Schema | fields.Field[Any], value: Any, where: str) -> Any:
    try:
        if isinstance(schema, Schema):
            if not isinstance(value, dict):
                raise ValidationError("must be an object")
            return schema.load(value)
        return schema.deserialize(value)
    except ValidationError as error:
        detail = "; ".join(f"{k}: {', '.join(v)}"
                           for k, v in flatten(error.messages).items())
        raise Invalid.field("events" if where.startswith("event") else where,
                            f"{where} is not valid: {detail}") from None
