"""The pages' forms are the API's request schemas: the same fields, limits and messages,
derived by `form_of`, which changes only what a browser form needs. Forms send strings
(numbers are parsed, not refused for being text), an unticked box is not sent at all
(it means false), an empty field means "not given", a time from a datetime-local input
is read in the ledger's own time zone, and the CSRF token and submission id travel with
every form. Anything a page asks that the API does not is an explicit override here."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, cast

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from ledger.domain.guards import MAX_SHARE_LIFETIME
from ledger.domain.notifications import DAYS as NOTIFICATION_DAYS
from ledger.domain.weeks import zone
from projections.scope import SECTIONS
from web.api import schemas
from web.api.entries import ENTRY_INPUTS
from web.api.exports import ExportQuery
from web.api.fields import StrictBoolean, Text, UTCDateTime
from web.api.schemas.base import PlainSchema
from web.api.schemas.mail import HH_MM, NewPasswordIn, NotificationsIn, PasswordResetIn
from web.api.shares import ApprovalIn, ShareIn


class LocalDateTime(fields.Field[datetime]):
    """`2026-03-02T18:30` from a datetime-local input, in the zone given in context."""

    def _deserialize(self, value: Any, attr: str | None, data: Any,
                     **kwargs: Any) -> datetime:
        try:
            naive = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError("must be a date and time") from None
        context = getattr(self.parent, "context", {}) or {}
        moment = naive if naive.tzinfo else naive.replace(
            tzinfo=zone(str(context.get("timezone", "UTC"))))
        return UTCDateTime()._deserialize(moment.isoformat(), attr, data)  # the API's bounds


class Checkbox(fields.Boolean):
    """A ticked box sends "on"; an unticked one sends nothing, which is false."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(load_default=False, **kwargs)


class FormSchema(PlainSchema):
    class Meta:
        unknown = EXCLUDE  # the CSRF token and the submission id travel with every form

    def __init__(self, timezone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context = {"timezone": timezone}

    @pre_load
    def drop_empty(self, data: Any, **kwargs: Any) -> dict[str, Any]:
        return {k: v for k, v in dict(data).items() if v not in ("", None)}


def for_a_form(field: fields.Field[Any]) -> fields.Field[Any]:
    """The API's field as a browser sends it; its rules and messages otherwise kept."""
    if isinstance(field, StrictBoolean) or type(field) is fields.Boolean:
        return Checkbox(validate=field.validate, metadata=field.metadata)
    if isinstance(field, UTCDateTime):
        return LocalDateTime(required=field.required, metadata=field.metadata)
    if isinstance(field, fields.Integer) and field.strict:
        relaxed = copy.deepcopy(field)
        relaxed.strict = False
        return relaxed
    return copy.deepcopy(field)


def form_of(api: type[Schema], *, drop: tuple[str, ...] = (),
            **overrides: fields.Field[Any]) -> type[FormSchema]:
    """The page form of an API request schema: its fields less `drop`, as a browser
    sends them, plus `overrides` for what only the page asks."""
    declared = {name: for_a_form(field) for name, field in api._declared_fields.items()
                if name not in drop}
    name = api.__name__.removesuffix("In").removesuffix("Query") + "Form"
    return cast(type[FormSchema], type(name, (FormSchema,), {**declared, **overrides}))


SignUpForm = form_of(schemas.SignUpIn)
LoginForm = form_of(schemas.TokenIn)
AccountForm = form_of(schemas.ProfileIn)
LedgerForm = form_of(schemas.LedgerIn)
NotificationsForm = form_of(  # a page sends the reminder's day and quiet hours flat
    NotificationsIn, drop=("weekly_reminder", "quiet_hours"),
    weekly_reminder_day=fields.String(validate=validate.OneOf(NOTIFICATION_DAYS)),
    quiet_from=fields.String(validate=HH_MM), quiet_to=fields.String(validate=HH_MM))
ResetRequestForm = form_of(PasswordResetIn)
NewPasswordForm = form_of(NewPasswordIn)
JoinForm = form_of(schemas.JoinIn)
ENTRY_FORMS: dict[str, type[FormSchema]] = {  # one form per kind of entry (kinds.py)
    kind: form_of(schema) for kind, schema in ENTRY_INPUTS.items()}
ResolutionForm = form_of(schemas.ResolutionIn)
RetractForm = form_of(schemas.RetractionIn)

AMENDABLE_TEXTS = [name for name, field in schemas.ChangesIn._declared_fields.items()
                   if isinstance(field, Text)]
AmendForm = form_of(  # a page amends one text at a time; the API takes a map of changes
    schemas.AmendmentIn, drop=("changes",),
    field=fields.String(required=True, validate=validate.OneOf(AMENDABLE_TEXTS),
                        error_messages=schemas.asking("Please choose what to change.")),
    value=Text(required=True, error_messages=schemas.asking("Please write the new words.")))

CONFIRM_LEAVING = "Please tick the box to confirm you are leaving."
LeaveForm = form_of(schemas.DepartureIn, confirm=fields.Boolean(
    required=True, error_messages={"required": CONFIRM_LEAVING},
    validate=validate.Equal(True, error=CONFIRM_LEAVING)))

def ticked_sections() -> fields.List[str]:
    """Sections as ticked boxes: a list, and at least one (none ticked is not "all")."""
    return fields.List(fields.String(validate=validate.OneOf(SECTIONS)), required=True,
                       error_messages={"required": "Please choose at least one section."})


ExportForm = form_of(ExportQuery, sections=ticked_sections())

DAYS = f"Please choose between 1 and {MAX_SHARE_LIFETIME.days} days."
ShareForm = form_of(  # a page asks for a number of days, not an end time
    ShareIn, drop=("expires_at",), sections=ticked_sections(),
    days=fields.Integer(load_default=30, validate=validate.Range(
        1, MAX_SHARE_LIFETIME.days, error=DAYS)))
ApprovalForm = form_of(ApprovalIn)

NeedForm, CareForm = ENTRY_FORMS["need"], ENTRY_FORMS["care"]
AcknowledgementForm, CheckInForm = ENTRY_FORMS["acknowledgement"], ENTRY_FORMS["check_in"]
MomentForm = ENTRY_FORMS["moment"]

