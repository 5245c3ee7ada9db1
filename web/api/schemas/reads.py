"""Reads: their queries (paged, as of, waiting for a position) and their answers."""

from __future__ import annotations

from marshmallow import fields, validate

from ledger.domain.values import SupportType
from web.api.fields import DateOrTime, UTCDateTime
from web.api.schemas.base import KINDS, PROMPT_KINDS, PlainSchema, asking, choice, enum
from web.api.schemas.entries import EntryOut

MAX_POSITION = 2**63 - 1  # log positions are BIGINTs


class NoQuery(PlainSchema):
    """A read that takes no query parameters refuses any (422), as every read does."""


class WaitQuery(PlainSchema):
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
    from_ = DateOrTime(data_key="from", required=True, error_messages=asking(
        "Please give the first day."))
    to = DateOrTime(required=True, error_messages=asking("Please give the day to end on."))
    window_weeks = fields.Integer(load_default=8, validate=validate.Range(1, 104))


class EventOut(PlainSchema):
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


class EventPageOut(PlainSchema):
    items = fields.List(fields.Nested(EventOut), dump_only=True, required=True)
    next_cursor = fields.String(dump_only=True, allow_none=True, required=True)
    position = fields.Integer(dump_only=True, required=True)


class EntryPageOut(PlainSchema):
    items = fields.List(fields.Nested(EntryOut), dump_only=True, required=True)
    next_cursor = fields.String(dump_only=True, allow_none=True, required=True)
    position = fields.Integer(dump_only=True, required=True)


class PartnerFlowOut(PlainSchema):
    care_given = fields.Integer(required=True)
    care_received = fields.Integer(required=True)
    care_share = fields.Float(allow_none=True, required=True)
    quiet_care_given = fields.Integer(required=True)
    care_given_by_type = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    needs_expressed = fields.Integer(required=True)
    needs_met = fields.Integer(required=True)
    adequacy_received = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class ResponsivenessOut(PlainSchema):
    needs = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    answered_share = fields.Float(allow_none=True, required=True)
    median_response_hours = fields.Float(allow_none=True, required=True)


class CheckInsOut(PlainSchema):
    count = fields.Integer(required=True)
    mean_felt_supported = fields.Float(allow_none=True, required=True)


class WindowOut(PlainSchema):
    from_ = fields.Date(data_key="from", attribute="from", required=True)
    to = fields.Date(required=True)


class TurnOut(PlainSchema):
    at = fields.Date(required=True)
    from_partner = fields.UUID(required=True)
    to_partner = fields.UUID(required=True)


class PromptOut(PlainSchema):
    kind = choice(PROMPT_KINDS, required=True)
    partner = fields.UUID(required=True)
    text = fields.String(required=True)


class FrameOut(PlainSchema):
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


class SeriesOut(PlainSchema):
    items = fields.List(fields.Nested(FrameOut), dump_only=True, required=True)
    position = fields.Integer(dump_only=True, required=True)
