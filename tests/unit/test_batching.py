"""A view that sums counters must say how to write them: checked when its class is
made, not when its first batch is written (projections/views/batching.py)."""

from __future__ import annotations

from typing import Any

import pytest

from projections.views.batching import Batching


def test_a_view_that_counts_without_writing_its_sums_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="cannot write its sums"):
        class Miscounting(Batching):
            def counted(self, op: str, row: dict[str, Any]) -> list[Any]:
                return [(("k",), {"n": 1})]


def test_a_view_that_counts_and_writes_its_sums_is_made() -> None:
    class Counting(Batching):
        def counted(self, op: str, row: dict[str, Any]) -> list[Any]:
            return [(("k",), {"n": 1})]

        def write_sums(self, cursor: Any, sums: dict[tuple[str, ...], dict[str, int]]) -> None:
            cursor.extend(sums.items())

    written: list[Any] = []
    Counting().write_sums(written, {("k",): {"n": 2}})
    assert written == [(("k",), {"n": 2})]
