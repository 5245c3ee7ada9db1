"""One row per entry with stable columns, for a spreadsheet or a counsellor's notes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from ledger.domain.kinds import KINDS
from projections.export.writer import ExportSource, timeline_items

COLUMNS = ("id", "kind", "author", "author_name", "occurred_at", "recorded_at", "visibility",
           "support_type", "intensity", "recurring", "quiet", "status", "in_response_to",
           "care_id", "adequacy", "felt_supported", "week", "moment_kind", "words", "feeling",
           "situation", "amended", "retracted")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def stream_csv(source: ExportSource, names: dict[str, str]) -> Iterator[str]:
    """The timeline in scope, one entry a row (no rows when the timeline is not shared)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield pop(buffer)
    for item in timeline_items(source):
        writer.writerow(row(item, names))
        yield pop(buffer)


def row(item: dict[str, Any], names: dict[str, str]) -> list[Any]:
    words = item.get(KINDS[item["kind"]].words) or ""
    author = item["author"].replace("-", "")
    values = {**item, "author_name": names.get(author, ""), "words": words}
    return [cell(values.get(c)) for c in COLUMNS]


def cell(value: Any) -> Any:
    """A spreadsheet never sees a partner's words as a formula: text that would start
    one (= + - @, a tab or a carriage return) is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def pop(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
