"""What a partner chose to be told by email, as plain values that events carry.

Nothing is sent until a partner opts in: every kind starts off. The choices are
recorded as events on the Account (never changed in place), and the notifier reads
the same values from those events.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import time
from typing import Any

from ledger.domain.exceptions import Invalid

KINDS = ("needs", "care", "answers", "check_in_reveal", "shares")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DIGESTS = ("off", "daily")
EVERYTHING = "all"  # an unsubscribe from a digest turns every kind off


@dataclass(frozen=True)
class Preferences:
    needs: bool = False
    care: bool = False
    answers: bool = False
    check_in_reveal: bool = False
    shares: bool = False
    weekly_reminder_day: str | None = None
    digest: str = "off"
    quiet_from: str | None = None  # "HH:MM" in the ledger's time zone
    quiet_to: str | None = None

    def wants(self, kind: str) -> bool:
        """Opted in to this kind; "joined" comes with any opt-in at all."""
        if kind == "joined":
            return self.any()
        return bool(getattr(self, kind, False)) if kind in KINDS else False

    def any(self) -> bool:
        return any(getattr(self, kind) for kind in KINDS) or self.weekly_reminder_day is not None

    def without(self, kind: str) -> Preferences:
        """After an unsubscribe: that kind off (or, for EVERYTHING, every kind)."""
        if kind == EVERYTHING:
            return replace(Preferences(), digest=self.digest, quiet_from=self.quiet_from,
                           quiet_to=self.quiet_to)
        if kind == "weekly_reminder":
            return replace(self, weekly_reminder_day=None)
        if kind in KINDS:
            return replace(self, **{kind: False})  # type: ignore[arg-type]
        return self

    @property
    def quiet_hours(self) -> tuple[time, time] | None:
        if self.quiet_from is None or self.quiet_to is None:
            return None
        return time.fromisoformat(self.quiet_from), time.fromisoformat(self.quiet_to)

    def as_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: dict[str, Any] | None) -> Preferences:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def checked(self) -> Preferences:
        """Refuses values no client could mean (the API's schema says so first)."""
        if self.weekly_reminder_day is not None and self.weekly_reminder_day not in DAYS:
            raise Invalid.field("weekly_reminder", "must name a day of the week")
        if self.digest not in DIGESTS:
            raise Invalid.field("digest", "must be off or daily")
        if (self.quiet_from is None) != (self.quiet_to is None):
            raise Invalid.field("quiet_hours", "needs both from and to")
        for value in (self.quiet_from, self.quiet_to):
            if value is not None:
                try:
                    time.fromisoformat(value)
                except ValueError:
                    raise Invalid.field("quiet_hours", "times are HH:MM") from None
        return self
