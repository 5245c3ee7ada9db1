"""Times as whole microseconds since the epoch (UTC): how tables store them, so both
SQL dialects sort and compare them alike."""

from __future__ import annotations

from datetime import UTC, datetime


def micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> datetime:
    return datetime.fromtimestamp(value // 1_000_000, UTC).replace(microsecond=value % 1_000_000)
