"""Entries: one request schema per kind, amendments, retractions, and an entry as read."""

from __future__ import annotations

from marshmallow import fields, validate

from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from web.api.fields import StrictBoolean, Text, UTCDateTime
from web.api.schemas.base import (
    KINDS,
    NEED_STATUSES,
    WEEK,
    PlainSchema,
    asking,
    choice,
    enum,
)

SUPPORT_TYPE = asking("Please choose the kind of support.")


class NeedIn(PlainSchema):
    need = Text(required=True, error_messages=asking("Please write what you need."))
    feeling = Text(allow_none=True)
    situation = Text(allow_none=True)
    support_type = enum(SupportType, required=True, error_messages=SUPPORT_TYPE)
    intensity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5),
                               error_messages=asking("Please say how much it matters, 1 to 5."))
    recurring = StrictBoolean(load_default=False)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = UTCDateTime()


class CareIn(PlainSchema):
    description = Text(required=True, error_messages=asking("Please write what you did."))
    support_type = enum(SupportType, required=True, error_messages=SUPPORT_TYPE)
    in_response_to = fields.UUID(allow_none=True)
    quiet = StrictBoolean(load_default=False)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = UTCDateTime()


class AcknowledgementIn(PlainSchema):
    adequacy = enum(Adequacy, required=True, error_messages=asking(
        "Please choose how it felt to you."))
    note = Text(allow_none=True)


class ResolutionIn(PlainSchema):
    outcome = enum(Outcome, required=True, error_messages=asking(
        "Please choose what became of this need."))
    note = Text(allow_none=True)


class CheckInIn(PlainSchema):
    week = fields.String(validate=WEEK)
    felt_supported = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, 10),
        error_messages=asking("Please say how supported you felt, 0 to 10."))
    note = Text(allow_none=True)


class MomentIn(PlainSchema):
    kind = enum(MomentKind, required=True, error_messages=asking(
        "Please choose what kind of moment it was."))
    text = Text(required=True, error_messages=asking("Please write about the moment."))
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = UTCDateTime()


class ChangesIn(PlainSchema):
    """What an amendment may change; `to` and `in_response_to` never (unknown: 422)."""

    need = Text()
    feeling = Text(allow_none=True)
    situation = Text(allow_none=True)
    description = Text()
    note = Text(allow_none=True)
    text = Text()
    support_type = enum(SupportType)
    intensity = fields.Integer(strict=True, validate=validate.Range(1, 5))
    recurring = StrictBoolean()
    occurred_at = UTCDateTime()
    adequacy = enum(Adequacy)
    felt_supported = fields.Integer(strict=True, validate=validate.Range(0, 10))
    visibility = enum(Visibility, metadata={
        "description": "Only from private to shared. Sharing a private entry shares its "
                       "history too: its earlier words and the reasons of its amendments "
                       "(the ledger never forgets)."})


class AmendmentIn(PlainSchema):
    changes = fields.Nested(ChangesIn, required=True, error_messages=asking(
        "Please say what to change."))
    reason = Text(required=True, error_messages=asking("Please write why you change it."))


class RetractionIn(PlainSchema):
    reason = Text(required=True, error_messages=asking(
        "Please write why you take it back (only you see this)."))


class ResponseOut(PlainSchema):
    id = fields.UUID(dump_only=True, required=True)
    author = fields.UUID(dump_only=True, required=True)
    occurred_at = UTCDateTime(dump_only=True, required=True)


class AcknowledgementOut(PlainSchema):
    id = fields.UUID(dump_only=True, required=True)
    adequacy = choice(Adequacy, required=True)
    note = fields.String(dump_only=True, allow_none=True, required=True)
    recorded_at = UTCDateTime(dump_only=True, required=True)


class AmendmentOut(PlainSchema):
    recorded_at = UTCDateTime(dump_only=True, required=True)
    changes = fields.Dict(dump_only=True, required=True)
    reason = fields.String(dump_only=True, allow_none=True, required=True)


class EntryOut(PlainSchema):
    """Any entry; the fields of its kind are present (erased words read as null)."""

    id = fields.UUID(dump_only=True, required=True)
    kind = choice(KINDS)
    author = fields.UUID(dump_only=True, required=True)
    occurred_at = UTCDateTime(dump_only=True)
    recorded_at = UTCDateTime(dump_only=True, required=True)
    originally_recorded_at = UTCDateTime(dump_only=True)
    visibility = choice(Visibility)
    need = fields.String(dump_only=True, allow_none=True)
    feeling = fields.String(dump_only=True, allow_none=True)
    situation = fields.String(dump_only=True, allow_none=True)
    description = fields.String(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    text = fields.String(dump_only=True, allow_none=True)
    support_type = choice(SupportType, allow_none=True)
    intensity = fields.Integer(dump_only=True, allow_none=True)
    recurring = fields.Boolean(dump_only=True)
    quiet = fields.Boolean(dump_only=True)
    to = fields.UUID(dump_only=True)
    in_response_to = fields.UUID(dump_only=True, allow_none=True)
    care_id = fields.UUID(dump_only=True)
    need_id = fields.UUID(dump_only=True)
    adequacy = choice(Adequacy, allow_none=True)
    outcome = choice(Outcome)
    week = fields.String(dump_only=True)
    felt_supported = fields.Integer(dump_only=True, allow_none=True)
    moment_kind = choice(MomentKind)
    status = choice(NEED_STATUSES)
    resolved_at = UTCDateTime(dump_only=True, allow_none=True)
    resolution_note = fields.String(dump_only=True, allow_none=True)
    responses = fields.List(fields.Nested(ResponseOut), dump_only=True)
    acknowledgement = fields.Nested(AcknowledgementOut, dump_only=True, allow_none=True)
    amended = fields.Boolean(dump_only=True)
    amendments = fields.List(fields.Nested(AmendmentOut), dump_only=True)
    retracted = fields.Boolean(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    position = fields.Integer(dump_only=True)


class EntryReplyOut(EntryOut):
    """One entry as a write or a read of it answers, with the log position it reflects."""

    position = fields.Integer(dump_only=True, required=True)
