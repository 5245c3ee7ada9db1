"""ISO weeks in a ledger's time zone: check-ins are per week, balances per week."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from ledger.domain.exceptions import Invalid

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid.field("timezone", "must be an IANA time zone such as Europe/Paris") from None


def is_time_zone(name: str) -> bool:
    return name in available_timezones() or name == "UTC"


def week_of(moment: datetime, tz: str) -> str:
    """The `YYYY-Www` key of the ISO week containing `moment` in zone `tz`."""
    year, week, _ = moment.astimezone(zone(tz)).isocalendar()
    return f"{year:04d}-W{week:02d}"


def monday_of(week: str) -> date:
    match = WEEK_PATTERN.match(week)
    if not match:
        raise Invalid.field("week", "must be a week: its year, a W and its number (ISO 8601)")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        return date.fromisocalendar(year, number, 1)
    except ValueError:
        raise Invalid.field("week", f"{year} has no week {number}") from None


def week_start(week: str, tz: str) -> datetime:
    """Midnight on the Monday of `week` in zone `tz`, as UTC."""
    local = datetime.combine(monday_of(week), time(0), tzinfo=zone(tz))
    return local.astimezone(UTC)


def next_week(week: str) -> str:
    monday = monday_of(week) + timedelta(days=7)
    year, number, _ = monday.isocalendar()
    return f"{year:04d}-W{number:02d}"
