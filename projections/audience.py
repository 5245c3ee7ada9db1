"""Who reads a view, as SQL: whose private entries they see, which check-ins, which
events of the raw history, whether retracted entries, and which period.

A partner sees shared entries, their own private entries, their own check-ins,
and the other's check-in once they have checked in for that week too (a retracted
check-in does not count). A counsellor sees shared entries, the private entries of
partners who opted in to the share, a week's check-ins only once both partners have
checked in and only if check-ins were shared, never a retracted entry, never the
ledger's own housekeeping (shares, exports, invites), and nothing outside the
share's period. One rule, parametrised, serves the timeline, the raw history and
the balance; `projections.scope` builds it for every reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.domain.sharing import COUNSELLOR

# The raw history a counsellor may see: the couple's entries and partnership, never
# shares (their links and labels), exports or invites.
COUNSELLOR_EVENT_TYPES = frozenset({
    "Opened", "PartnerJoined", "PartnerClaimed", "NeedExpressed", "CareOffered",
    "CareAcknowledged", "NeedMet", "NeedWithdrawn", "MomentShared", "CheckedIn",
    "EntryAmended", "EntryRetracted", "Paused", "Resumed", "PartnerLeft",
})


@dataclass(frozen=True)
class Audience:
    key: str  # the reader's id: binds cursors; the quiet voice speaks only to a partner
    private_owners: tuple[str, ...]  # authors whose private entries this reader sees
    own_check_ins: tuple[str, ...]  # authors whose check-ins this reader always sees
    witnesses: tuple[str, ...]  # a check-in shows once one of these, not its author, checked in
    check_ins: bool = True  # whether check-ins show at all
    retracted: bool = True  # whether retracted entries may show (flagged as such)
    event_types: frozenset[str] | None = None  # the raw history's event types, None: all
    since: int | None = None  # the period, on entries' effective times (micros)
    until: int | None = None  # exclusive

    @classmethod
    def partner(cls, viewer: UUID, *, own_private: bool = True) -> Audience:
        """A partner; without `own_private` (an export that leaves it out) their own
        private entries are not shown either."""
        me = viewer.hex
        return cls(me, (me,) if own_private else (), (me,), (me,))

    @classmethod
    def counsellor(cls, partners: Iterable[str], private_owners: Iterable[str], *,
                   check_ins: bool, since: int | None = None,
                   until: int | None = None) -> Audience:
        return cls(COUNSELLOR.hex, tuple(private_owners), (), tuple(partners),
                   check_ins=check_ins, retracted=False, event_types=COUNSELLOR_EVENT_TYPES,
                   since=since, until=until)

    @property
    def is_partner(self) -> bool:
        return self.key != COUNSELLOR.hex

    def sees(self, alias: str, *, author: str, is_check_in: str, same_week_check_ins: str,
             known_at: int, retracted_at: str, moment: str) -> tuple[str, list[Any]]:
        """The whole rule for rows `alias`: `is_check_in` holds for check-in rows;
        `same_week_check_ins` is a `SELECT 1 FROM ... o WHERE` head over the standing
        check-ins of the row's week recorded by `known_at` (its `?`s: known_at twice);
        `retracted_at` and `moment` name the row's retraction time and effective time."""
        privacy, privacy_params = self.privacy(alias, known_at)
        clauses, params = [privacy], list(privacy_params)
        if self.check_ins:
            check_ins, check_in_params = self.check_ins_rule(
                f"{alias}.{author}", same_week_check_ins, f"o.{author}", [known_at, known_at])
            clauses.append(f"(NOT ({is_check_in}) OR {check_ins})")
            params.extend(check_in_params)
        else:
            clauses.append(f"NOT ({is_check_in})")
        if not self.retracted:
            clauses.append(f"{retracted_at} IS NULL")
        period, period_params = self.period(moment)
        return " AND ".join([*clauses, period]), [*params, *period_params]

    def privacy(self, alias: str, known_at: int) -> tuple[str, list[Any]]:
        """Shared, private to an owner this reader sees, or shared later by `known_at`."""
        owners, params = in_list(f"{alias}.private_to", self.private_owners)
        return (f"({alias}.private_to IS NULL OR {owners} OR ({alias}.shared_at IS NOT NULL "
                f"AND {alias}.shared_at <= ?))", [*params, known_at])

    def check_ins_rule(self, author: str, others: str, other_author: str,
                       others_params: list[Any]) -> tuple[str, list[Any]]:
        """`author` is the check-in's author column; `others` a `SELECT 1 FROM ... WHERE`
        head matching standing check-ins of the same week, whose author column is
        `other_author`."""
        if not self.check_ins:
            return "1 = 0", []
        own, own_params = in_list(author, self.own_check_ins)
        witness, witness_params = in_list(other_author, self.witnesses)
        return (f"({own} OR EXISTS ({others} AND {other_author} <> {author} AND {witness}))",
                [*own_params, *others_params, *witness_params])

    def period(self, moment: str) -> tuple[str, list[Any]]:
        """Rows whose effective time `moment` falls within the period."""
        clauses, params = ["1 = 1"], []
        if self.since is not None:
            clauses.append(f"{moment} >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"{moment} < ?")
            params.append(self.until)
        return " AND ".join(clauses), params

    def owners(self, column: str) -> tuple[str, list[Any]]:
        """For the balance's rows, where '' owns what is shared."""
        return in_list(column, ("", *self.private_owners))


def audience_of(reader: UUID | Audience) -> Audience:
    return reader if isinstance(reader, Audience) else Audience.partner(reader)


def in_list(column: str, values: tuple[str, ...]) -> tuple[str, list[Any]]:
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)
