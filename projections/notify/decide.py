"""Who is told what, decided from one event and what the notifier knows of its ledger.

Pure: no I/O, so each rule is tested as it is. Only shared entries reach the other
partner; quiet care asks nothing of them and is not announced; a paused ledger
sends nothing; a partner who left hears nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger.domain.accounts import Account
from ledger.domain.ledger import Ledger
from ledger.domain.values import Visibility

ACCOUNT_KINDS = ("verify", "reset")  # about the account itself: sent without an opt-in


@dataclass(frozen=True)
class LedgerState:
    partners: list[str] = field(default_factory=list)
    paused: bool = False
    departed: frozenset[str] = frozenset()
    checked_in: frozenset[str] = frozenset()  # who checked in for the event's week


@dataclass(frozen=True)
class Candidate:
    recipient: str  # account id, hex
    kind: str
    ledger_id: str | None = None


def for_account(event: Any) -> list[Candidate]:
    """A verification link at sign-up and on request; a reset link on request."""
    recipient = event.originator_id.hex
    if isinstance(event, Account.Registered | Account.VerificationRequested
                  | Account.EmailChanged):
        return [Candidate(recipient, "verify")]
    if isinstance(event, Account.PasswordResetRequested):
        return [Candidate(recipient, "reset")]
    return []


def for_ledger(event: Any, state: LedgerState) -> list[Candidate]:
    if state.paused:
        return []
    ledger_id = event.originator_id.hex
    actor = event.actor.hex
    kind, recipients = _about(event, state, actor)
    present = [p for p in recipients if p in state.partners and p not in state.departed]
    return [Candidate(p, kind, ledger_id) for p in present]


def _about(event: Any, state: LedgerState, actor: str) -> tuple[str, list[str]]:
    others = [p for p in state.partners if p != actor]
    if isinstance(event, Ledger.NeedExpressed) and _shared(event):
        return "needs", others
    if isinstance(event, Ledger.CareOffered) and _shared(event) and not event.quiet:
        return ("answers" if event.in_response_to else "care"), [event.to.hex]
    if isinstance(event, Ledger.CheckedIn) and (set(others) & state.checked_in):
        return "check_in_reveal", [actor, *others]
    if isinstance(event, Ledger.ShareRequested):
        return "shares", others
    if isinstance(event, Ledger.PartnerJoined) and not event.placeholder:
        return "joined", [p for p in others if p != event.partner_id.hex]
    if isinstance(event, Ledger.PartnerClaimed):
        return "joined", [p for p in others if p != event.partner_id.hex]
    return "", []


def _shared(event: Any) -> bool:
    return bool(event.visibility is Visibility.SHARED)
