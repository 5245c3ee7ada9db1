"""The flow is told in words (VOICE.md): dated, past tense for what is past, no
tallies, and nothing before there is enough to mean something."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from projections.story import NOT_YET, rough_date, tell, week_label

ALEX, SAM = uuid4(), uuid4()
NAMES = {ALEX.hex: "Alex", SAM.hex: "Sam"}
TODAY = date(2026, 11, 30)


def balance(alex: int, sam: int, turns: list[dict[str, object]] | None = None,
            answered: int = 0, hours: float | None = None) -> dict[str, object]:
    return {
        "partners": {str(ALEX): {"care_given": alex}, str(SAM): {"care_given": sam}},
        "turns": turns or [],
        "responsiveness": {str(ALEX): {"answered": answered, "median_response_hours": hours},
                           str(SAM): {"answered": 0, "median_response_hours": None}},
    }


def test_nothing_is_told_before_a_few_weeks() -> None:
    story = tell(balance(1, 0, answered=5, hours=0.0), NAMES, weeks_with_care=1, today=TODAY)
    assert story.headline == NOT_YET
    assert not story.enough and story.answers is None and story.since is None


def test_the_direction_is_a_sentence_both_would_accept() -> None:
    assert tell(balance(9, 1), NAMES, 8, TODAY).headline == \
        "These weeks care flowed mostly from Alex to Sam."
    assert tell(balance(4, 6), NAMES, 8, TODAY).headline == \
        "These weeks support flowed both ways, more of it from Sam to Alex."
    assert tell(balance(5, 5), NAMES, 8, TODAY).headline == "These weeks support flowed both ways."
    assert tell(balance(0, 0), NAMES, 8, TODAY).headline == "No care was recorded in these weeks."


def test_a_change_of_direction_is_dated_and_told_in_the_past() -> None:
    turn = {"at": date(2026, 5, 4), "from_partner": str(SAM), "to_partner": str(ALEX)}
    story = tell(balance(9, 2, [turn]), NAMES, 30, TODAY)
    assert story.changes == ["In the week of 4 May 2026 the flow changed direction: more of "
                             "the care flowed from Alex to Sam."]
    assert story.since == "Since early May more of the care has flowed from Alex to Sam."
    assert tell(balance(2, 9, [turn]), NAMES, 30, TODAY).since is None  # no longer holds


def test_answer_times_are_words_and_only_with_enough_answers() -> None:
    assert tell(balance(3, 3, answered=2, hours=3.0), NAMES, 8, TODAY).answers is None
    assert tell(balance(3, 3, answered=4, hours=13.8), NAMES, 8, TODAY).answers == \
        "Most needs were answered the same day."
    assert tell(balance(3, 3, answered=4, hours=50), NAMES, 8, TODAY).answers == \
        "Most needs were answered within a few days."


def test_dates_read_as_people_say_them() -> None:
    assert rough_date(date(2026, 6, 15), TODAY) == "mid-June"
    assert rough_date(date(2025, 12, 28), TODAY) == "late December 2025"
    assert week_label(date(2026, 11, 30)) == "week of 30 Nov 2026"
