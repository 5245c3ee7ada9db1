"""The CSV's data dictionary against the writer: the same columns in the same order,
every value the writer can emit listed, the doc and the served page the same text,
and every CSV download pointing to it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ledger.domain import values
from ledger.domain.kinds import KINDS
from projections.export.csv_dictionary import DICTIONARY, markdown
from projections.export.csv_export import COLUMNS
from tests.api.conftest import Api
from tests.api.export_files import full_history, share_url
from tests.helpers import ManualClock

DOC = Path(__file__).parents[2] / "docs" / "CSV-DICTIONARY.md"
BOOLEANS = {str(True), str(False)}  # how csv writes a Python bool
LOW, HIGH = values.INTENSITY_RANGE
NONE, FULLY = values.FELT_SUPPORTED_RANGE
CAN_EMIT: dict[str, set[str]] = {
    "kind": set(KINDS),
    "visibility": {v.value for v in values.Visibility},
    "support_type": {s.value for s in values.SupportType},
    "intensity": {str(n) for n in range(LOW, HIGH + 1)},
    "recurring": BOOLEANS, "quiet": BOOLEANS, "amended": BOOLEANS, "retracted": BOOLEANS,
    "status": {"open"} | {o.value for o in values.Outcome},
    "adequacy": {a.value for a in values.Adequacy},
    "felt_supported": {str(n) for n in range(NONE, FULLY + 1)},
    "moment_kind": {m.value for m in values.MomentKind},
}


def test_the_dictionary_lists_the_writers_columns_in_order_and_every_value_it_can_emit(
) -> None:
    assert [column.name for column in DICTIONARY] == list(COLUMNS)
    listed = {column.name: set(column.values) for column in DICTIONARY if column.values}
    assert listed == CAN_EMIT


def test_the_doc_is_the_dictionary_the_instance_serves() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown()
    for column in COLUMNS:
        assert f"| `{column}` |" in markdown()


def test_a_csv_download_has_the_dictionarys_header_and_values_and_links_to_it(
    api: Api, clock: ManualClock,
) -> None:
    alex, sam, ledger = full_history(api)
    answer = alex.get(f"/api/v1/ledgers/{ledger}/export?format=csv&include_private=true")
    assert answer.status_code == 200
    link = answer.headers["Link"]
    assert link == '</exports/csv-dictionary>; rel="describedby"; type="text/markdown"'
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert tuple(rows[0]) == COLUMNS
    for row in rows[1:]:
        for name, value in zip(COLUMNS, row, strict=True):
            assert value == "" or value in CAN_EMIT.get(name, {value}), (name, value)
    assert {row[1] for row in rows[1:]} == set(KINDS)
    served = api.client.get("/exports/csv-dictionary")
    assert served.status_code == 200
    assert served.mimetype == "text/markdown"
    assert served.get_data(as_text=True) == markdown()
    json_answer = alex.get(f"/api/v1/ledgers/{ledger}/export?format=json")
    assert "Link" not in json_answer.headers
    counsellor = api.client.get(f"{share_url(api, clock, alex, sam, ledger)}/download.csv")
    assert counsellor.headers["Link"] == link
    counsellor.close()
