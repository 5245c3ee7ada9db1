"""Request and response schemas of the JSON API: separate classes, server-owned
fields dump-only, unknown fields refused (marshmallow's default, RAISE)."""

from __future__ import annotations

from enum import Enum
from functools import cache
from typing import Any, TypeVar

from marshmallow import Schema, fields, validate

from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from ledger.infra.passwords import MIN_PASSWORD_LENGTH
from web.api.fields import DateOrTime, Name, StrictBoolean, Text, UTCDateTime

S = TypeVar("S", bound=Schema)


@cache
def one(schema_class: type[S]) -> S:
    """The shared instance of a schema class: building one deep-copies its fields
    (~0.3 ms, once per request before), and loading or dumping keeps no state."""
    return schema_class()


KINDS = ("need", "care", "acknowledgement", "check_in", "moment")
WEEK = validate.Regexp(r"^\d{4}-W\d{2}$", error="must look like 2026-W05")


def enum(cls: type[Enum], **kwargs: Any) -> fields.Enum[Any]:
    return fields.Enum(cls, by_value=True, **kwargs)


# ------------------------------------------------------------------ accounts

class SignUpIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(MIN_PASSWORD_LENGTH, 1024))
    display_name = Name(required=True)


class AccountOut(Schema):
    id = fields.UUID(dump_only=True)
    email = fields.String(dump_only=True, allow_none=True)
    display_name = fields.String(dump_only=True, allow_none=True)


class ProfileIn(Schema):
    current_password = fields.String(required=True)
    display_name = Name()
    password = fields.String(validate=validate.Length(MIN_PASSWORD_LENGTH, 1024))


class PasswordIn(Schema):
    password = fields.String(required=True)


class TokenIn(Schema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 1024))


class TokenOut(Schema):
    token = fields.String(dump_only=True)
    expires_at = UTCDateTime(dump_only=True)


class TokenInfoOut(Schema):
    id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    expires_at = UTCDateTime(dump_only=True)
    last_used_at = UTCDateTime(dump_only=True, allow_none=True)
    user_agent = fields.String(dump_only=True, allow_none=True)
    current = fields.Boolean(dump_only=True)


class TokenListOut(Schema):
    items = fields.List(fields.Nested(TokenInfoOut), dump_only=True)


# ------------------------------------------------------------------- ledgers

class LedgerIn(Schema):
    name = Name(required=True)
    timezone = fields.String(load_default="UTC", validate=validate.Length(1, 64))


class PartnerOut(Schema):
    id = fields.UUID(dump_only=True)
    display_name = fields.String(dump_only=True, allow_none=True)
    placeholder = fields.Boolean(dump_only=True)
    departed = fields.Boolean(dump_only=True)


class LedgerOut(Schema):
    id = fields.UUID(dump_only=True)
    name = fields.String(dump_only=True, allow_none=True)
    timezone = fields.String(dump_only=True)
    partners = fields.List(fields.Nested(PartnerOut), dump_only=True)
    version = fields.Integer(dump_only=True)
    paused = fields.Boolean(dump_only=True)
    paused_by = fields.UUID(dump_only=True, allow_none=True)
    invite_code = fields.String(dump_only=True)
    invite_expires_at = UTCDateTime(dump_only=True, allow_none=True)
    position = fields.Integer(dump_only=True)


class LedgerListOut(Schema):
    items = fields.List(fields.Nested(LedgerOut), dump_only=True)


class InviteOut(Schema):
    invite_code = fields.String(dump_only=True)
    invite_expires_at = UTCDateTime(dump_only=True)
    position = fields.Integer(dump_only=True)


class JoinIn(Schema):
    invite_code = fields.String(required=True, validate=validate.Length(1, 64))


class DepartureIn(Schema):
    forget_me = StrictBoolean(required=True)


# ------------------------------------------------------------------- entries

class NeedIn(Schema):
    need = Text(required=True)
    feeling = Text(allow_none=True)
    situation = Text(allow_none=True)
    support_type = enum(SupportType, required=True)
    intensity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    recurring = StrictBoolean(load_default=False)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = UTCDateTime()


class CareIn(Schema):
    description = Text(required=True)
    support_type = enum(SupportType, required=True)
    in_response_to = fields.UUID(allow_none=True)
    quiet = StrictBoolean(load_default=False)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = UTCDateTime()


class AcknowledgementIn(Schema):
    adequacy = enum(Adequacy, required=True)
    note = Text(allow_none=True)


class ResolutionIn(Schema):
    outcome = enum(Outcome, required=True)
    note = Text(allow_none=True)


class CheckInIn(Schema):
    week = fields.String(validate=WEEK)
    felt_supported = fields.Integer(required=True, strict=True, validate=validate.Range(0, 10))
    note = Text(allow_none=True)


class MomentIn(Schema):
    kind = enum(MomentKind, required=True)
    text = Text(required=True)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = UTCDateTime()


class ChangesIn(Schema):
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


class AmendmentIn(Schema):
    changes = fields.Nested(ChangesIn, required=True)
    reason = Text(required=True)


class RetractionIn(Schema):
    reason = Text(required=True)


class ResponseOut(Schema):
    id = fields.UUID(dump_only=True)
    author = fields.UUID(dump_only=True)
    occurred_at = UTCDateTime(dump_only=True)


class AcknowledgementOut(Schema):
    id = fields.UUID(dump_only=True)
    adequacy = fields.String(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)
    recorded_at = UTCDateTime(dump_only=True)


class AmendmentOut(Schema):
    recorded_at = UTCDateTime(dump_only=True)
    changes = fields.Dict(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)


class EntryOut(Schema):
    """Any entry; the fields of its kind are present (erased words read as null)."""

    id = fields.UUID(dump_only=True)
    kind = fields.String(dump_only=True, metadata={"enum": list(KINDS)})
    author = fields.UUID(dump_only=True)
    occurred_at = UTCDateTime(dump_only=True)
    recorded_at = UTCDateTime(dump_only=True)
    originally_recorded_at = UTCDateTime(dump_only=True)
    visibility = fields.String(dump_only=True)
    need = fields.String(dump_only=True, allow_none=True)
    feeling = fields.String(dump_only=True, allow_none=True)
    situation = fields.String(dump_only=True, allow_none=True)
    description = fields.String(dump_only=True, allow_none=True)
    note = fields.String(dump_only=True, allow_none=True)
    text = fields.String(dump_only=True, allow_none=True)
    support_type = fields.String(dump_only=True, allow_none=True)
    intensity = fields.Integer(dump_only=True, allow_none=True)
    recurring = fields.Boolean(dump_only=True)
    quiet = fields.Boolean(dump_only=True)
    to = fields.UUID(dump_only=True)
    in_response_to = fields.UUID(dump_only=True, allow_none=True)
    care_id = fields.UUID(dump_only=True)
    need_id = fields.UUID(dump_only=True)
    adequacy = fields.String(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True)
    week = fields.String(dump_only=True)
    felt_supported = fields.Integer(dump_only=True, allow_none=True)
    moment_kind = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    resolved_at = UTCDateTime(dump_only=True, allow_none=True)
    resolution_note = fields.String(dump_only=True, allow_none=True)
    responses = fields.List(fields.Nested(ResponseOut), dump_only=True)
    acknowledgement = fields.Nested(AcknowledgementOut, dump_only=True, allow_none=True)
    amended = fields.Boolean(dump_only=True)
    amendments = fields.List(fields.Nested(AmendmentOut), dump_only=True)
    retracted = fields.Boolean(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    position = fields.Integer(dump_only=True)


# -------------------------------------------------------------------- reads

MAX_POSITION = 2**63 - 1  # log positions are BIGINTs


class WaitQuery(Schema):
    """Read your writes: wait until the view includes this log position."""

    min_position = fields.Integer(validate=validate.Range(0, MAX_POSITION))


class PagedQuery(WaitQuery):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    cursor = fields.String(validate=validate.Length(1, 512))


class TimelineQuery(PagedQuery):
    as_of = UTCDateTime()
    known_at = UTCDateTime()
    partner = fields.UUID()
    kind = fields.String(validate=validate.OneOf(KINDS))
    support_type = enum(SupportType)
    from_ = DateOrTime(data_key="from")
    to = DateOrTime()
    include_retracted = fields.Boolean(load_default=False)


class EventsQuery(PagedQuery):
    after = fields.Integer(load_default=0, validate=validate.Range(0, MAX_POSITION))
    known_at = UTCDateTime()


class BalanceQuery(WaitQuery):
    as_of = UTCDateTime()
    window_weeks = fields.Integer(load_default=8, validate=validate.Range(1, 104))


class SeriesQuery(WaitQuery):
    from_ = DateOrTime(data_key="from", required=True)
    to = DateOrTime(required=True)
    window_weeks = fields.Integer(load_default=8, validate=validate.Range(1, 104))


class EventOut(Schema):
    position = fields.Integer(dump_only=True)
    version = fields.Integer(dump_only=True)
    type = fields.String(dump_only=True)
    class_version = fields.Integer(dump_only=True)
    recorded_at = UTCDateTime(dump_only=True)
    originally_recorded_at = UTCDateTime(dump_only=True, allow_none=True)
    occurred_at = UTCDateTime(dump_only=True, allow_none=True)
    actor = fields.UUID(dump_only=True)
    data = fields.Dict(dump_only=True)
    retracted = fields.Boolean(dump_only=True)


class EventPageOut(Schema):
    items = fields.List(fields.Nested(EventOut), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)
    position = fields.Integer(dump_only=True)


class EntryPageOut(Schema):
    items = fields.List(fields.Nested(EntryOut), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)
    position = fields.Integer(dump_only=True)


class PartnerFlowOut(Schema):
    care_given = fields.Integer()
    care_received = fields.Integer()
    care_share = fields.Float(allow_none=True)
    quiet_care_given = fields.Integer()
    care_given_by_type = fields.Dict(keys=fields.String(), values=fields.Integer())
    needs_expressed = fields.Integer()
    needs_met = fields.Integer()
    adequacy_received = fields.Dict(keys=fields.String(), values=fields.Integer())


class ResponsivenessOut(Schema):
    needs = fields.Integer()
    answered = fields.Integer()
    answered_share = fields.Float(allow_none=True)
    median_response_hours = fields.Float(allow_none=True)


class CheckInsOut(Schema):
    count = fields.Integer()
    mean_felt_supported = fields.Float(allow_none=True)


class WindowOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()


class TurnOut(Schema):
    at = fields.Date()
    from_partner = fields.UUID()
    to_partner = fields.UUID()


class PromptOut(Schema):
    kind = fields.String()
    partner = fields.UUID()
    text = fields.String()


class FrameOut(Schema):
    as_of = UTCDateTime(dump_only=True)
    window = fields.Nested(WindowOut, dump_only=True)
    partners = fields.Dict(keys=fields.String(), values=fields.Nested(PartnerFlowOut),
                           dump_only=True)
    mutuality = fields.Float(dump_only=True, allow_none=True)
    responsiveness = fields.Dict(keys=fields.String(), values=fields.Nested(ResponsivenessOut),
                                 dump_only=True)
    check_ins = fields.Dict(keys=fields.String(), values=fields.Nested(CheckInsOut),
                            dump_only=True)
    prompts = fields.List(fields.Nested(PromptOut), dump_only=True)


class BalanceOut(FrameOut):
    turns = fields.List(fields.Nested(TurnOut), dump_only=True)
    position = fields.Integer(dump_only=True)


class SeriesOut(Schema):
    items = fields.List(fields.Nested(FrameOut), dump_only=True)
    position = fields.Integer(dump_only=True)
