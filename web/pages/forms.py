"""Form schemas for the pages (marshmallow, like the API): browser forms send strings,
empty fields mean "not given", and a time from a datetime-local input is read in the
ledger's own time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from ledger.domain.weeks import zone
from ledger.infra.passwords import MIN_PASSWORD_LENGTH
from web.api.fields import Name, Text
from web.api.schemas import WEEK, enum


class LocalDateTime(fields.Field[datetime]):
    """`2026-03-02T18:30` from a datetime-local input, in the zone given in context."""

    def _deserialize(self, value: Any, attr: str | None, data: Any,
                     **kwargs: Any) -> datetime:
        try:
            naive = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError("must be a date and time") from None
        if naive.tzinfo is not None:
            return naive
        context = getattr(self.parent, "context", {}) or {}
        return naive.replace(tzinfo=zone(str(context.get("timezone", "UTC"))))


class FormSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token and the submission id travel with every form

    def __init__(self, timezone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = {"timezone": timezone}

    @pre_load
    def drop_empty(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        return {k: v for k, v in dict(data).items() if v not in ("", None)}


class SignUpForm(FormSchema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(MIN_PASSWORD_LENGTH, 1024))
    display_name = Name(required=True)


class LoginForm(FormSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 1024))


class AccountForm(FormSchema):
    current_password = fields.String(required=True)
    display_name = Name()
    password = fields.String(validate=validate.Length(MIN_PASSWORD_LENGTH, 1024))


class LedgerForm(FormSchema):
    name = Name(required=True)
    timezone = fields.String(load_default="UTC", validate=validate.Length(1, 64))


class JoinForm(FormSchema):
    invite_code = fields.String(required=True, validate=validate.Length(1, 64))


class NeedForm(FormSchema):
    need = Text(required=True)
    feeling = Text()
    situation = Text()
    support_type = enum(SupportType, required=True)
    intensity = fields.Integer(required=True, validate=validate.Range(1, 5))
    recurring = fields.Boolean(load_default=False)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = LocalDateTime()


class CareForm(FormSchema):
    description = Text(required=True)
    support_type = enum(SupportType, required=True)
    in_response_to = fields.UUID()
    quiet = fields.Boolean(load_default=False)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = LocalDateTime()


class AcknowledgementForm(FormSchema):
    adequacy = enum(Adequacy, required=True)
    note = Text()


class ResolutionForm(FormSchema):
    outcome = enum(Outcome, required=True)
    note = Text()


class CheckInForm(FormSchema):
    week = fields.String(validate=WEEK)
    felt_supported = fields.Integer(required=True, validate=validate.Range(0, 10))
    note = Text()


class MomentForm(FormSchema):
    kind = enum(MomentKind, required=True)
    text = Text(required=True)
    visibility = enum(Visibility, load_default=Visibility.SHARED)
    occurred_at = LocalDateTime()


class AmendForm(FormSchema):
    field = fields.String(required=True, validate=validate.OneOf(
        ["need", "description", "text", "note", "feeling", "situation"]))
    value = Text(required=True)
    reason = Text(required=True)


class RetractForm(FormSchema):
    reason = Text(required=True)


class LeaveForm(FormSchema):
    forget_me = fields.Boolean(load_default=False)
    confirm = fields.Boolean(required=True, validate=validate.Equal(
        True, error="tick the box to confirm you are leaving"))


ENTRY_FORMS: dict[str, type[FormSchema]] = {  # one form per kind of entry (kinds.py)
    "need": NeedForm, "care": CareForm, "acknowledgement": AcknowledgementForm,
    "check_in": CheckInForm, "moment": MomentForm,
}
