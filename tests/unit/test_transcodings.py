"""Value types survive the library's JSON transcoder as themselves, not as strings."""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.persistence import JSONTranscoder

from ledger.domain.values import ENUM_TYPES, SealedText
from ledger.infra.transcodings import register_ledger_transcodings


@pytest.fixture
def transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    register_ledger_transcodings(transcoder)
    return transcoder


@pytest.mark.parametrize("member", [member for enum in ENUM_TYPES for member in enum])
def test_every_enum_member_comes_back_as_itself(transcoder: JSONTranscoder, member: object) -> None:
    assert transcoder.decode(transcoder.encode({"v": member}))["v"] is member


def test_dates_and_sealed_text_come_back_equal(transcoder: JSONTranscoder) -> None:
    value = {"d": date(2026, 2, 29 - 1), "s": SealedText("k", b"\x00" * 12, b"\xff\x01")}
    assert transcoder.decode(transcoder.encode(value)) == value
