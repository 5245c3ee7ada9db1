"""Rate limits for sign-up and sign-in, checked last (API.md's order: 429 comes
after every other check), on the `limits` library that Flask-Limiter builds on.

`memory://` (the embedded default) counts per process: with several gunicorn
workers each has its own counters. Set EBBFLOW_RATELIMIT_STORAGE_URL to a Redis
URL to share them.
"""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ledger.exceptions import LedgerError

SIGN_UP = "5/minute;30/hour"
SIGN_IN_PER_EMAIL = "10/minute;50/hour"
SIGN_IN_PER_ADDRESS = "30/minute;300/hour"
IMPORTS = "5/hour;20/day"  # per account: each may be 64 MiB to read and check


class RateLimited(LedgerError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("too many attempts; please wait and try again")
        self.retry_after = retry_after


class RateLimits:
    def __init__(self, storage_url: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))

    def hit(self, rule: str, *identity: str) -> None:
        """Counts one attempt against every limit of the rule; 429 when over."""
        for item in _items(rule):
            if not self._limiter.hit(item, *identity):
                stats = self._limiter.get_window_stats(item, *identity)
                raise RateLimited(max(1, int(stats.reset_time - _now())))


def _items(rule: str) -> list[RateLimitItem]:
    return [parse(part) for part in rule.split(";")]


def _now() -> float:
    import time

    return time.time()
