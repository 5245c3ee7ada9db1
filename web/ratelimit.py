"""Rate limits, on the `limits` library that Flask-Limiter builds on.

Sign-in counts failures only, per address and per (email, address): whoever guesses
wrong is slowed down, and the owner, signing in from elsewhere with the right
password, never is. Password checks on one's own account (changing it, deleting
the account) count failures per account, so a stolen token cannot guess on.
Imports are counted per account before their body is read. Emails are kept as
digests, never as keys in the counter store.

`memory://` (the embedded default) counts per process: with several gunicorn
workers each has its own counters (a warning says so at start-up). Set
EBBFLOW_RATELIMIT_STORAGE_URL to a Redis URL to share them.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ledger.domain.exceptions import LedgerError, Unauthenticated, WrongPassword

SIGN_UP = "5/minute;30/hour"
SIGN_IN_FAILURES_PER_ADDRESS = "30/minute;300/hour"
SIGN_IN_FAILURES_PER_EMAIL_AND_ADDRESS = "10/minute;50/hour"
PASSWORD_CHECK_FAILURES = "10/hour;30/day"  # noqa: S105 - a rate, per account
PASSWORD_RESETS = "5/minute;20/hour"  # noqa: S105 - a rate per address and per email
IMPORTS = "5/hour;20/day"  # per account: each may be 64 MiB to read and check
T = TypeVar("T")


class RateLimited(LedgerError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("too many attempts; please wait and try again")
        self.retry_after = retry_after


Limit = tuple[str, tuple[str, ...]]  # a rule and the identity it counts


class RateLimits:
    def __init__(self, storage_url: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))

    def hit(self, rule: str, *identity: str) -> None:
        """Counts one attempt against every limit of the rule; 429 when over."""
        for item in _items(rule):
            if not self._limiter.hit(item, *identity):
                raise RateLimited(self._retry_after(item, identity))

    def check(self, rule: str, *identity: str) -> None:
        """429 if the rule is used up, counting nothing."""
        for item in _items(rule):
            if not self._limiter.test(item, *identity):
                raise RateLimited(self._retry_after(item, identity))

    def failures(self, limits: list[Limit], attempt: Callable[[], T],
                 failure: type[Exception]) -> T:
        """Runs `attempt` unless a limit is used up; counts it only if it fails."""
        for rule, identity in limits:
            self.check(rule, *identity)
        try:
            return attempt()
        except failure:
            for rule, identity in limits:
                for item in _items(rule):
                    self._limiter.hit(item, *identity)
            raise

    def sign_in(self, email: str, address: str, attempt: Callable[[], T]) -> T:
        who = digest(email)
        return self.failures([(SIGN_IN_FAILURES_PER_ADDRESS, ("sign-in-address", address)),
                              (SIGN_IN_FAILURES_PER_EMAIL_AND_ADDRESS,
                               ("sign-in", who, address))], attempt, Unauthenticated)

    def password_check(self, account_id: str, attempt: Callable[[], T]) -> T:
        return self.failures([(PASSWORD_CHECK_FAILURES, ("password", account_id))], attempt,
                             WrongPassword)

    def _retry_after(self, item: RateLimitItem, identity: tuple[str, ...]) -> int:
        stats = self._limiter.get_window_stats(item, *identity)
        return max(1, int(stats.reset_time - time.time()))


def digest(email: str) -> str:
    """The counter store holds this, never the email itself."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:32]


def warn_if_counted_per_process(storage_url: str, workers: int,
                                log: logging.Logger | None = None) -> bool:
    """Several workers with `memory://` each count alone: every limit is multiplied."""
    if storage_url.startswith("memory://") and workers > 1:
        (log or logging.getLogger(__name__)).warning(
            "rate limits are counted per process (memory://) by %d workers: each limit is "
            "effectively %d times higher; set EBBFLOW_RATELIMIT_STORAGE_URL to a Redis URL",
            workers, workers)
        return True
    return False


def _items(rule: str) -> list[RateLimitItem]:
    return [parse(part) for part in rule.split(";")]
