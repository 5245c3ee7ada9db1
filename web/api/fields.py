"""Marshmallow fields with the API's conventions: trimmed text with limits, times
that must carry an offset and are written in UTC with `Z`, dates or times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from marshmallow import ValidationError, fields

from ledger.domain.values import NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from ledger.domain.weeks import zone

# Times outside these bounds mean nothing here, and near year 1 or 9999 the week
# arithmetic of the views would overflow: every time and date in the API is refused
# outside them, as a 422.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
OUT_OF_RANGE = "must be between 1970 and 3000"


class Text(fields.String):
    """1..max characters after trimming. Only spaces read as nothing written: the
    field's "empty" message, which schemas set to the same words as "required"."""

    def __init__(self, max_length: int = TEXT_MAX_LENGTH, **kwargs: Any) -> None:
        metadata = {"minLength": 1, "maxLength": max_length, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)
        self.error_messages = {"empty": "cannot be empty", **self.error_messages}
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise self.make_error("empty")
        if len(text) > self.max_length:
            raise ValidationError(f"must be at most {self.max_length} characters")
        if "\x00" in text:
            raise ValidationError("cannot contain NUL characters")
        return text


def Name(**kwargs: Any) -> Text:  # noqa: N802 - reads like a field class
    return Text(NAME_MAX_LENGTH, **kwargs)


class UTCDateTime(fields.DateTime):
    """Input: RFC 3339 with an offset (a time without one is refused). Output: UTC, Z."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return str(value.astimezone(UTC).isoformat().replace("+00:00", "Z"))

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            raise ValidationError("must carry a UTC offset, such as Z or +02:00")
        try:
            moment = parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(OUT_OF_RANGE) from None
        if not EARLIEST <= moment < LATEST:
            raise ValidationError(OUT_OF_RANGE)
        return moment


class DateOrTime(fields.Field[Any]):
    """`YYYY-MM-DD` (the start of that day in the ledger's time zone) or RFC 3339."""

    default_error_messages = {  # noqa: RUF012 - marshmallow reads a class dict
        "invalid": "Please give a day, like 2026-03-02, or a time, like 2026-03-02T09:00:00Z."}

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"anyOf": [{"type": "string", "format": "date"},
                              {"type": "string", "format": "date-time"}],
                    "description": "A date (YYYY-MM-DD: the start of that day in the ledger's "
                                   "time zone) or an RFC 3339 time with an offset.",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any,
                     **kwargs: Any) -> date | datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if len(value) == 10:
            try:
                day = date.fromisoformat(value)
            except ValueError:
                raise self.make_error("invalid") from None
            if not EARLIEST.date() <= day < LATEST.date():
                raise ValidationError(OUT_OF_RANGE)
            return day
        moment = UTCDateTime(error_messages={"invalid": self.error_messages["invalid"]})
        return moment._deserialize(value, attr, data)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else value.isoformat()


def as_moment(value: date | datetime | None, timezone: str) -> datetime | None:
    """What a DateOrTime names: a time as given, a date as its start in the ledger's zone."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=zone(timezone))


class StrictBoolean(fields.Boolean):
    """JSON `true` or `false` only: "yes", 1 or "true" are not booleans in a body."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value
