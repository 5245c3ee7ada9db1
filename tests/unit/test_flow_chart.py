"""The flow drawn (web/pages/flow_chart.py): neither partner below the line, a scale
people read at a glance, months under the weeks, and check-in lines broken where a
week has none."""

from __future__ import annotations

from datetime import date, timedelta

from projections.flow_chart import Week, draw, nice_peak


def weeks(care: list[tuple[int, int]], felt: list[tuple[float | None, float | None]]) -> list[Week]:
    first = date(2026, 4, 20)
    return [Week(first + timedelta(weeks=i), f"w{i}", c, f, (0, 0), (0, 0))
            for i, (c, f) in enumerate(zip(care, felt, strict=True))]


def test_both_partners_bars_rise_from_one_baseline_on_a_shared_scale() -> None:
    chart = draw(weeks([(1, 3), (4, 0)], [(None, None)] * 2), ("Alex", "Sam"), 7, [])
    assert {round(bar.y + bar.height, 6) for bar in chart.bars} == {chart.care_base}
    assert chart.peak == 8 and [t.text for t in chart.care_ticks] == ["0", "4", "8"]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.partner == 0 and tallest.title == "w1: care from Alex, 4"


def test_the_scale_rounds_up_to_a_number_people_read_at_a_glance() -> None:
    assert [nice_peak(v) for v in (1, 3, 5, 9, 11, 16, 44, 101, 260)] == [
        2, 4, 6, 10, 15, 20, 50, 150, 300]


def test_months_are_named_under_the_week_they_begin_and_the_year_once() -> None:
    chart = draw(weeks([(1, 1)] * 3, [(None, None)] * 3), ("A", "B"), 1, [])
    assert [m.text for m in chart.dates] == ["Apr 2026", "May"]


def test_a_turn_is_marked_on_its_week_with_its_date_and_direction() -> None:
    chart = draw(weeks([(1, 1)] * 3, [(None, None)] * 3), ("A", "B"), 1,
                 [(date(2026, 4, 27), "B"), (date(2025, 1, 6), "A")])
    assert [t.text for t in chart.turns] == ["27 Apr: more from B"]  # the other is outside


def test_check_in_lines_break_where_a_week_has_none() -> None:
    chart = draw(weeks([(0, 0)] * 4, [(5, 6), (7, None), (None, 4), (8, 5)]), ("A", "B"), 0, [])
    runs = [(p, points.count(",")) for p, points in chart.felt_lines]
    assert runs == [(0, 2), (1, 2)]  # A: weeks 1-2 (4 alone); B: weeks 3-4 (1 alone)
    assert len(chart.felt_points) == 6 and chart.any_felt
