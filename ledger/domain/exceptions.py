"""One error hierarchy for the domain; the web layer maps each class to a status."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error a command or query can raise on purpose."""


class NotFound(LedgerError):
    """Unknown, or not visible to this actor: the two are deliberately alike (404)."""


class NotAllowed(LedgerError):
    """Visible, but not this actor's to do (403)."""


class Conflict(LedgerError):
    """Conflicts with the current state of the ledger (409)."""


class AlreadyJoined(Conflict):
    """Joining a ledger the actor is already a partner of (409)."""


class NoRoom(Conflict):
    """Joining a ledger that already has its two partners (409)."""


class PreconditionFailed(LedgerError):
    """The ledger is no longer at the version the caller expected (412)."""


class Invalid(LedgerError):
    """A value breaks a rule (422); `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls({name: [message]})


class WrongPassword(Invalid):
    """The password given to confirm a change is not the account's (422); counted
    against the account's limit of password checks."""

    def __init__(self, field: str) -> None:
        super().__init__({field: ["is not your password"]})


class ConfigurationError(LedgerError):
    """The instance cannot start as configured (wrong or missing key, bad URL)."""


class Unauthenticated(LedgerError):
    """Wrong credentials; the same answer whether or not the email exists (401)."""


class NotReady(LedgerError):
    """The views have not caught up with a write in time; try again shortly (503)."""

    def __init__(self, message: str = "the views are still catching up; try again shortly"
                 ) -> None:
        super().__init__(message)
