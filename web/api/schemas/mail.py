"""Email: what a partner chose to be told, verification and password resets."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, post_load, validate

from ledger.domain.notifications import DAYS, DIGESTS
from web.api.fields import StrictBoolean
from web.api.schemas.accounts import A_PASSWORD, EMAIL
from web.api.schemas.base import PlainSchema, asking

HH_MM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Please give a time like 22:00.")


def _switch(words: str) -> StrictBoolean:
    return StrictBoolean(required=True, error_messages=asking(words))


class WeeklyReminder(PlainSchema):
    day = fields.String(required=True, validate=validate.OneOf(DAYS), error_messages=asking(
        "Please choose the day of your reminder."))


class QuietHours(PlainSchema):
    from_ = fields.String(required=True, data_key="from", validate=HH_MM,
                          error_messages=asking("Please say when quiet hours begin."))
    to = fields.String(required=True, validate=HH_MM,
                       error_messages=asking("Please say when quiet hours end."))


class NotificationsIn(PlainSchema):
    """Every choice at once: what a PUT sends is what the account then has."""

    needs = _switch("Please say whether to email you when a need is shared with you.")
    care = _switch("Please say whether to email you when care is offered to you.")
    answers = _switch("Please say whether to email you when your need is answered.")
    check_in_reveal = _switch("Please say whether to email you when both check-ins are in.")
    shares = _switch("Please say whether to email you when a share waits for you.")
    weekly_reminder = fields.Nested(WeeklyReminder, required=True, allow_none=True,
                                    error_messages={"required": "Please choose a reminder day "
                                                    "(or null for no reminder)."})
    digest = fields.String(required=True, validate=validate.OneOf(DIGESTS),
                           error_messages=asking("Please choose off or daily."))
    quiet_hours = fields.Nested(QuietHours, required=True, allow_none=True,
                                error_messages={"required": "Please give quiet hours (or null "
                                                "for none)."})

    @post_load
    def flatten(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """As the account records it (ledger.domain.notifications.Preferences)."""
        reminder, quiet = data.pop("weekly_reminder"), data.pop("quiet_hours")
        data["weekly_reminder_day"] = reminder["day"] if reminder else None
        data["quiet_from"] = quiet["from_"] if quiet else None
        data["quiet_to"] = quiet["to"] if quiet else None
        return data


class NotificationsOut(NotificationsIn):
    pass


def notifications_out(chosen: dict[str, Any]) -> dict[str, Any]:
    """The recorded choices in the API's shape."""
    out = {k: chosen[k] for k in ("needs", "care", "answers", "check_in_reveal", "shares",
                                  "digest")}
    day = chosen["weekly_reminder_day"]
    out["weekly_reminder"] = {"day": day} if day else None
    quiet = chosen["quiet_from"], chosen["quiet_to"]
    out["quiet_hours"] = {"from_": quiet[0], "to": quiet[1]} if quiet[0] else None
    return out


class PasswordResetIn(PlainSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254), error_messages=EMAIL)


class NewPasswordIn(PlainSchema):
    password = fields.String(required=True, validate=A_PASSWORD,
                             error_messages=asking("Please choose a new password."))
