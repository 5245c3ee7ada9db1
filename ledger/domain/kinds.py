"""Each kind of entry, declared once.

A need, care, an acknowledgement, a check-in, a moment: what it is called, the
event that records it, its sealed texts (the first is its words), which of its
fields may be amended, which plain values a reader sees, and what moment it is
placed at. The domain's rules, the projections, the API, the pages, the CSV and
the PDF read this table; `tests/unit/test_kinds.py` fails for a kind that some
layer does not know, and the web app refuses to start with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ledger.domain.values import EntryKind


class Placed(Enum):
    """Where an entry sits in time: when it happened, the start of its week (a
    check-in), or when it was recorded (an acknowledgement)."""

    OCCURRED = "occurred"
    WEEK = "week"
    RECORDED = "recorded"


@dataclass(frozen=True)
class Kind:
    name: str  # as the API, the views and the CSV say it
    letter: EntryKind  # as the aggregate keeps it
    event: str  # the Ledger event that records one
    texts: tuple[str, ...]  # sealed texts; the first holds its words
    required: tuple[str, ...]  # texts that must be written
    amendable: frozenset[str]
    values: tuple[str, ...]  # plain values every reader sees
    placed: Placed
    label: str  # what people call one ("a need", not "NeedExpressed")
    visibility: bool = True  # may be private; acknowledgements and check-ins never are

    @property
    def words(self) -> str:
        return self.texts[0]


NEED = Kind(
    "need", EntryKind.NEED, "NeedExpressed", ("need", "feeling", "situation"), ("need",),
    frozenset({"need", "feeling", "situation", "support_type", "intensity", "recurring",
               "occurred_at", "visibility"}),
    ("support_type", "intensity", "recurring"), Placed.OCCURRED, "need")
CARE = Kind(
    "care", EntryKind.CARE, "CareOffered", ("description",), ("description",),
    frozenset({"description", "support_type", "occurred_at", "visibility"}),
    ("support_type", "quiet"), Placed.OCCURRED, "care")
ACKNOWLEDGEMENT = Kind(
    "acknowledgement", EntryKind.ACKNOWLEDGEMENT, "CareAcknowledged", ("note",), (),
    frozenset({"note", "adequacy"}), ("adequacy",), Placed.RECORDED,
    "how care felt", visibility=False)
CHECK_IN = Kind(
    "check_in", EntryKind.CHECK_IN, "CheckedIn", ("note",), (),
    frozenset({"note", "felt_supported"}), ("felt_supported",), Placed.WEEK, "check-in",
    visibility=False)
MOMENT = Kind(
    "moment", EntryKind.MOMENT, "MomentShared", ("text",), ("text",),
    frozenset({"text", "occurred_at", "visibility"}), ("kind",), Placed.OCCURRED, "moment")

KINDS: dict[str, Kind] = {kind.name: kind for kind in (NEED, CARE, ACKNOWLEDGEMENT, CHECK_IN,
                                                       MOMENT)}
BY_LETTER: dict[EntryKind, Kind] = {kind.letter: kind for kind in KINDS.values()}
BY_EVENT: dict[str, Kind] = {kind.event: kind for kind in KINDS.values()}
ENTRY_TEXTS: tuple[str, ...] = tuple(dict.fromkeys(t for k in KINDS.values() for t in k.texts))
REQUIRED_TEXTS: frozenset[str] = frozenset(t for k in KINDS.values() for t in k.required)
NEVER_AMENDABLE = frozenset({"to", "in_response_to"})
