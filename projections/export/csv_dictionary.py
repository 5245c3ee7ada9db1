"""The CSV export's data dictionary: each column, its values and units, declared once
beside the writer (`csv_export.COLUMNS`), served with every CSV download (a `Link`
header and the export pages point to it) and kept as docs/CSV-DICTIONARY.md."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.domain.kinds import KINDS
from ledger.domain.values import (
    FELT_SUPPORTED_RANGE,
    INTENSITY_RANGE,
    Adequacy,
    MomentKind,
    Outcome,
    SupportType,
    Visibility,
)

__all__ = ["DICTIONARY", "Column", "markdown"]

BOOLEAN = ("True", "False")
ID = "id: a UUID, lowercase and hyphenated"
TIME = ("time: RFC 3339 in UTC with a `Z`, microseconds when not zero "
        "(`2026-03-02T09:00:00.041000Z`)")
WORDS = "text: what a partner wrote, empty when erased or not written"


@dataclass(frozen=True)
class Column:
    name: str
    kinds: str  # which kinds of entry fill it ("all" for every row)
    unit: str
    meaning: str
    values: tuple[str, ...] = ()  # the whole enumeration, when it has one


def _values(enum: type[SupportType | Visibility | Adequacy | MomentKind | Outcome]
            ) -> tuple[str, ...]:
    return tuple(str(member.value) for member in enum)


DICTIONARY: tuple[Column, ...] = (
    Column("id", "all", ID, "the entry"),
    Column("kind", "all", "enumeration", "what kind of entry it is", tuple(KINDS)),
    Column("author", "all", ID, "the partner who wrote it"),
    Column("author_name", "all", "text", "that partner's name in this ledger; empty once erased"),
    Column("occurred_at", "all", TIME, "when it happened; a check-in: 00:00 on the Monday of "
           "its week in the ledger's time zone"),
    Column("recorded_at", "all", TIME, "when it was recorded"),
    Column("visibility", "all", "enumeration", "`private`: a partner's own entry, in the file "
           "only with that partner's consent", _values(Visibility)),
    Column("support_type", "need, care", "enumeration", "the kind of support",
           _values(SupportType)),
    Column("intensity", "need", f"integer {INTENSITY_RANGE[0]} (a little) to "
           f"{INTENSITY_RANGE[1]} (a lot)", "how strongly it was needed",
           tuple(str(n) for n in range(INTENSITY_RANGE[0], INTENSITY_RANGE[1] + 1))),
    Column("recurring", "need", "boolean", "marked as a need that comes back", BOOLEAN),
    Column("quiet", "care", "boolean", "quiet care: the receiver is not asked how it felt",
           BOOLEAN),
    Column("status", "need", "enumeration", "at the time of the export",
           ("open", *_values(Outcome))),
    Column("in_response_to", "care", ID, "the need this care answered; empty if none"),
    Column("care_id", "acknowledgement", ID, "the care acknowledged"),
    Column("adequacy", "acknowledgement", "enumeration", "how the care was received",
           _values(Adequacy)),
    Column("felt_supported", "check_in", f"integer {FELT_SUPPORTED_RANGE[0]} (not at all) to "
           f"{FELT_SUPPORTED_RANGE[1]} (fully)", "how supported the partner felt that week",
           tuple(str(n) for n in range(FELT_SUPPORTED_RANGE[0], FELT_SUPPORTED_RANGE[1] + 1))),
    Column("week", "check_in", "ISO 8601 week `YYYY-Www` in the ledger's time zone",
           "the week the check-in is about"),
    Column("moment_kind", "moment", "enumeration", "what kind of moment", _values(MomentKind)),
    Column("words", "all", WORDS, "the entry's own words: a need's need, a care's "
           "description, an acknowledgement's or a check-in's note, a moment's text"),
    Column("feeling", "need", WORDS, "how the need felt"),
    Column("situation", "need", WORDS, "the situation of the need"),
    Column("amended", "all", "boolean", "changed since recorded (the row shows the values "
           "now)", BOOLEAN),
    Column("retracted", "all", "boolean", "always `False`: retracted entries are left out",
           BOOLEAN),
)

INTRODUCTION = """\
# The CSV export: data dictionary

One row per entry that the export's reader may see in its period, newest first (by
`occurred_at`, then `id`), after a header row with the column names below. The file is
UTF-8 without a byte order mark, comma-separated with `"` quoting as RFC 4180, rows
ending in CRLF. An empty cell means no value: the column does not apply to that kind of
entry, nothing was written, or the words are unreadable (erased when their writer left
with "forget me"). Any text cell that would start a spreadsheet formula (`=`, `+`, `-`,
`@`, a tab or a carriage return) starts with an apostrophe `'`, which is not part of
the value. Times are UTC; weeks and "the Monday of a week" are in the ledger's time zone
(named in the JSON export). The same ledger's JSON export is specified in
docs/EXPORT-FORMAT.md.

This page is served at `/exports/csv-dictionary`; every CSV download links to it with
`Link: </exports/csv-dictionary>; rel="describedby"`.

| column | rows | unit | meaning | values |
|---|---|---|---|---|
"""


def markdown() -> str:
    rows = [f"| `{c.name}` | {c.kinds} | {c.unit} | {c.meaning} | "
            f"{', '.join(f'`{v}`' for v in c.values)} |" for c in DICTIONARY]
    return INTRODUCTION + "\n".join(rows) + "\n"
