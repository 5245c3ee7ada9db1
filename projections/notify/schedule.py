"""When a chosen message may go: at once, after the recipient's quiet hours (in the
ledger's time zone), or with the next daily digest. Pure, for the unit tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ledger.domain.notifications import Preferences


@dataclass(frozen=True)
class Scheduled:
    not_before: datetime
    digest: bool


def schedule(preferences: Preferences, kind: str, timezone: str, at: datetime,
             digest_time: time) -> Scheduled | None:
    """None when the recipient did not opt in to this kind."""
    if not preferences.wants(kind):
        return None
    zone = _zone(timezone)
    local = at.astimezone(zone)
    digest = preferences.digest == "daily"
    if digest:
        local = next_at(local, digest_time)
    return Scheduled(after_quiet_hours(local, preferences.quiet_hours).astimezone(UTC), digest)


def next_at(local: datetime, moment: time) -> datetime:
    """The next time of day `moment` at or after `local` (same zone)."""
    candidate = datetime.combine(local.date(), moment, tzinfo=local.tzinfo)
    return candidate if candidate >= local else datetime.combine(
        local.date() + timedelta(days=1), moment, tzinfo=local.tzinfo)


def after_quiet_hours(local: datetime, quiet: tuple[time, time] | None) -> datetime:
    """`local` itself, or the end of the quiet hours it falls in (which may span
    midnight: 22:00 to 07:00)."""
    if quiet is None or quiet[0] == quiet[1]:
        return local
    start, end = quiet
    now = local.time().replace(tzinfo=None)
    spans_midnight = start > end
    inside = (start <= now < end) if not spans_midnight else (now >= start or now < end)
    return next_at(local, end) if inside else local


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")
