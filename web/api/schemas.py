"""Request and response schemas of the JSON API: separate classes, server-owned
fields dump-only, unknown fields refused (marshmallow's default, RAISE)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from marshmallow import Schema, fields, validate

from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from ledger.infra.passwords import MIN_PASSWORD_LENGTH
from ledger.infra.tokens import TTL
from web.api.fields import DateOrTime, Name, StrictBoolean, Text, UTCDateTime

S = TypeVar("S", bound=Schema)


@cache
def one(schema_class: type[S]) -> S:
    """The shared instance of a schema class: building one deep-copies its fields
    (~0.3 ms, once per request before), and loading or dumping keeps no state."""
    return schema_class()


KINDS = ("need", "care", "acknowledgement", "check_in", "moment")
NEED_STATUSES = ("open", "met", "withdrawn")
PROMPT_KINDS = ("quiet_voice",)
WEEK = validate.Regexp(r"^\d{4}-W\d{2}$", error="must look like 2026-W05")


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


# ------------------------------------------------------------------ accounts

class SignUpIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(MIN_PASSWORD_LENGTH, 1024))
    display_name = Name(required=True)


class AccountOut(Schema):
    id = fields.UUID(dump_only=True, required=True)
    email = fields.String(dump_only=True, allow_none=True, required=True)
    display_name = fields.String(dump_only=True, allow_none=True, required=True)


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
    token = fields.String(dump_only=True, required=True)
    expires_at = UTCDateTime(dump_only=True, required=True)


class TokenInfoOut(Schema):
    id = fields.UUID(dump_only=True, required=True)
    kind = choice(list(TTL), required=True)
    created_at = UTCDateTime(dump_only=True, required=True)
    expires_at = UTCDateTime(dump_only=True, required=True)
    last_used_at = UTCDateTime(dump_only=True, allow_none=True, required=True)
    user_agent = fields.String(dump_only=True, allow_none=True, required=True)
    current = fields.Boolean(dump_only=True, required=True)


class TokenListOut(Schema):
    items = fields.List(fields.Nested(TokenInfoOut), dump_only=True, required=True)


# ------------------------------------------------------------------- ledgers

class LedgerIn(Schema):
    name = Name(required=True)
    timezone = fields.String(load_default="UTC", validate=validate.Length(1, 64))


class PartnerOut(Schema):
    id = fields.UUID(dump_only=True, required=True)
    display_name = fields.String(dump_only=True, allow_none=True, required=True)
    placeholder = fields.Boolean(dump_only=True, required=True)
    departed = fields.Boolean(dump_only=True, required=True)


class LedgerOut(Schema):
    id = fields.UUID(dump_only=True, required=True)
    name = fields.String(dump_only=True, allow_none=True, required=True)
    timezone = fields.String(dump_only=True, required=True)
    partners = fields.List(fields.Nested(PartnerOut), dump_only=True, required=True)
    version = fields.Integer(dump_only=True, required=True)
    paused = fields.Boolean(dump_only=True, required=True)
    paused_by = fields.UUID(dump_only=True, allow_none=True, required=True)
    invite_code = fields.String(dump_only=True)
    invite_expires_at = UTCDateTime(dump_only=True, allow_none=True, required=True)
    position = fields.Integer(dump_only=True)


class LedgerReplyOut(LedgerOut):
    """The ledger as a write answers it, with that write's log position."""

    position = fields.Integer(dump_only=True, required=True)


class NewLedgerOut(LedgerReplyOut):
    """A new ledger: its invite code is shown only here (and when re-issued)."""

    invite_code = fields.String(dump_only=True, required=True)


class LedgerListOut(Schema):
    items = fields.List(fields.Nested(LedgerOut), dump_only=True, required=True)


class InviteOut(Schema):
    invite_code = fields.String(dump_only=True, required=True)
    invite_expires_at = UTCDateTime(dump_only=True, required=True)
    position = fields.Integer(dump_only=True, required=True)


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
    id = fields.UUID(dump_only=True, required=True)
    author = fields.UUID(dump_only=True, required=True)
    occurred_at = UTCDateTime(dump_only=True, required=True)


class AcknowledgementOut(Schema):
    id = fields.UUID(dump_only=True, required=True)
    adequacy = choice(Adequacy, required=True)
    note = fields.String(dump_only=True, allow_none=True, required=True)
    recorded_at = UTCDateTime(dump_only=True, required=True)


class AmendmentOut(Schema):
    recorded_at = UTCDateTime(dump_only=True, required=True)
    changes = fields.Dict(dump_only=True, required=True)
    reason = fields.String(dump_only=True, allow_none=True, required=True)


class EntryOut(Schema):
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


# -------------------------------------------------------------------- reads

MAX_POSITION = 2**63 - 1  # log positions are BIGINTs


class NoQuery(Schema):
    """A read that takes no query parameters refuses any (422), as every read does."""


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
    position = fields.Integer(dump_only=True, required=True)
    version = fields.Integer(dump_only=True, required=True)
    type = fields.String(dump_only=True, required=True)
    class_version = fields.Integer(dump_only=True, required=True)
    recorded_at = UTCDateTime(dump_only=True, required=True)
    originally_recorded_at = UTCDateTime(dump_only=True, allow_none=True, required=True)
    occurred_at = UTCDateTime(dump_only=True, allow_none=True, required=True)
    actor = fields.UUID(dump_only=True, required=True)
    data = fields.Dict(dump_only=True, required=True)
    retracted = fields.Boolean(dump_only=True, required=True)


class EventPageOut(Schema):
    items = fields.List(fields.Nested(EventOut), dump_only=True, required=True)
    next_cursor = fields.String(dump_only=True, allow_none=True, required=True)
    position = fields.Integer(dump_only=True, required=True)


class EntryPageOut(Schema):
    items = fields.List(fields.Nested(EntryOut), dump_only=True, required=True)
    next_cursor = fields.String(dump_only=True, allow_none=True, required=True)
    position = fields.Integer(dump_only=True, required=True)


class PartnerFlowOut(Schema):
    care_given = fields.Integer(required=True)
    care_received = fields.Integer(required=True)
    care_share = fields.Float(allow_none=True, required=True)
    quiet_care_given = fields.Integer(required=True)
    care_given_by_type = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    needs_expressed = fields.Integer(required=True)
    needs_met = fields.Integer(required=True)
    adequacy_received = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ResponsivenessOut(Schema):
    needs = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    answered_share = fields.Float(allow_none=True, required=True)
    median_response_hours = fields.Float(allow_none=True, required=True)


class CheckInsOut(Schema):
    count = fields.Integer(required=True)
    mean_felt_supported = fields.Float(allow_none=True, required=True)


class WindowOut(Schema):
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)


class TurnOut(Schema):
    at = fields.Date(required=True)
    from_partner = fields.UUID(required=True)
    to_partner = fields.UUID(required=True)


class PromptOut(Schema):
    kind = choice(PROMPT_KINDS, required=True)
    partner = fields.UUID(required=True)
    text = fields.String(required=True)


class FrameOut(Schema):
    as_of = UTCDateTime(dump_only=True, required=True)
    window = fields.Nested(WindowOut, dump_only=True, required=True)
    partners = fields.Dict(keys=fields.String(), values=fields.Nested(PartnerFlowOut),
                           dump_only=True, required=True)
    mutuality = fields.Float(dump_only=True, allow_none=True, required=True)
    responsiveness = fields.Dict(keys=fields.String(), values=fields.Nested(ResponsivenessOut),
                                 dump_only=True, required=True)
    check_ins = fields.Dict(keys=fields.String(), values=fields.Nested(CheckInsOut),
                            dump_only=True, required=True)
    prompts = fields.List(fields.Nested(PromptOut), dump_only=True, required=True)


class BalanceOut(FrameOut):
    turns = fields.List(fields.Nested(TurnOut), dump_only=True, required=True)
    position = fields.Integer(dump_only=True, required=True)


class SeriesOut(Schema):
    items = fields.List(fields.Nested(FrameOut), dump_only=True, required=True)
    position = fields.Integer(dump_only=True, required=True)
