"""Who reads a view, as SQL: whose private entries they see, and which check-ins.

A partner sees shared entries, their own private entries, their own check-ins,
and the other's check-in once they have checked in for that week too. A
counsellor sees shared entries, the private entries of partners who opted in to
the share, and a week's check-ins only once both partners have checked in. One
rule, parametrised, serves the timeline, the raw history and the balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.sharing import COUNSELLOR


@dataclass(frozen=True)
class Audience:
    key: str  # the reader's id: binds cursors; the quiet voice speaks only to a partner
    private_owners: tuple[str, ...]  # authors whose private entries this reader sees
    own_check_ins: tuple[str, ...]  # authors whose check-ins this reader always sees
    witnesses: tuple[str, ...]  # a check-in shows once one of these, not its author, checked in

    @classmethod
    def partner(cls, viewer: UUID, *, own_private: bool = True) -> Audience:
        """A partner; without `own_private` (an export that leaves it out) their own
        private entries are not shown either."""
        me = viewer.hex
        return cls(me, (me,) if own_private else (), (me,), (me,))

    @classmethod
    def counsellor(cls, partners: Iterable[str], private_owners: Iterable[str]) -> Audience:
        return cls(COUNSELLOR.hex, tuple(private_owners), (), tuple(partners))

    def sees(self, alias: str, *, author: str, not_check_in: str, same_week_check_ins: str,
             known_at: int) -> tuple[str, list[Any]]:
        """The whole rule for rows `alias`: `not_check_in` holds for rows that are not
        check-ins; `same_week_check_ins` is a `SELECT 1 FROM ... o WHERE` head over the
        check-ins of the row's week recorded by `known_at` (its one `?`)."""
        privacy, privacy_params = self.privacy(alias, known_at)
        check_ins, check_in_params = self.check_ins(
            f"{alias}.{author}", same_week_check_ins, f"o.{author}", [known_at])
        return (f"{privacy} AND ({not_check_in} OR {check_ins})",
                [*privacy_params, *check_in_params])

    def privacy(self, alias: str, known_at: int) -> tuple[str, list[Any]]:
        """Shared, private to an owner this reader sees, or shared later by `known_at`."""
        owners, params = in_list(f"{alias}.private_to", self.private_owners)
        return (f"({alias}.private_to IS NULL OR {owners} OR ({alias}.shared_at IS NOT NULL "
                f"AND {alias}.shared_at <= ?))", [*params, known_at])

    def check_ins(self, author: str, others: str, other_author: str,
                  others_params: list[Any]) -> tuple[str, list[Any]]:
        """`author` is the check-in's author column; `others` a `SELECT 1 FROM ... WHERE`
        head matching check-ins of the same week, whose author column is `other_author`."""
        own, own_params = in_list(author, self.own_check_ins)
        witness, witness_params = in_list(other_author, self.witnesses)
        return (f"({own} OR EXISTS ({others} AND {other_author} <> {author} AND {witness}))",
                [*own_params, *others_params, *witness_params])

    def owners(self, column: str) -> tuple[str, list[Any]]:
        """For the balance's rows, where '' owns what is shared."""
        return in_list(column, ("", *self.private_owners))


def audience_of(reader: UUID | Audience) -> Audience:
    return reader if isinstance(reader, Audience) else Audience.partner(reader)


def in_list(column: str, values: tuple[str, ...]) -> tuple[str, list[Any]]:
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join('?' * len(values))})", list(values)
