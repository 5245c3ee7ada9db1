"""The couple's home in a real Chromium (issue 16): a partner's new entry never
destroys what I am typing, recording, answering, acknowledging and replaying work
from the keyboard alone, a refused form takes focus to its problems, and a reload
after recording records nothing more."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_couple_in_chromium import paired, record_need, reload_until
from tests.e2e.conftest import Served


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Presses Tab until the element `selector` names has focus (as a person would)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def entries_with(page: Any, words: str) -> int:
    return int(page.locator("#timeline li.entry", has_text=words).count())


@pytest.mark.slow
def test_what_i_type_survives_my_partners_new_entry(chromium: Any, served: Served) -> None:
    alex, sam, ledger_url = paired(chromium, served)
    sam.goto(f"{served.url}{ledger_url}")
    sam.locator("summary", has_text="I offered care").click()
    sam.locator("#record-care").get_by_label("What I did for Alex").fill("Made soup")
    sam.locator("#record-care").get_by_label("doing things").check()
    sam.locator("#record-care").get_by_role("button", name="Record care").click()

    alex.goto(f"{served.url}{ledger_url}")
    reload_until(alex, "Made soup")
    alex.locator("#live-waiting summary", has_text="Tell Sam how it felt").click()
    note = alex.locator("#live-waiting").get_by_label("A word for Sam")
    note.fill("It warmed me up, and")
    record_need(sam, "Arrives while Alex types")

    offer = alex.get_by_role("button", name="New entries — show them")
    offer.wait_for(timeout=15_000)
    assert "There are new entries." in alex.locator("#live-status").inner_text()
    assert note.input_value() == "It warmed me up, and"
    assert "Arrives while Alex types" not in alex.locator("#as-of").inner_text()
    screenshot(alex, "home-new-entries-offered")
    offer.click()
    alex.locator("#as-of", has_text="Arrives while Alex types").wait_for(timeout=5_000)
    assert offer.is_hidden()


@pytest.mark.slow
def test_recording_answering_acknowledging_and_replay_with_the_keyboard_alone(
    chromium: Any, served: Served,
) -> None:
    alex, sam, ledger_url = paired(chromium, served)
    alex.goto(f"{served.url}{ledger_url}")
    tab_to(alex, "#record-need > summary")
    alex.keyboard.press("Enter")
    alex.keyboard.press("Tab")
    assert alex.evaluate("document.activeElement.id") == "need-need"
    alex.keyboard.type("Company at the dentist on Friday")
    tab_to(alex, "#need-support_type-1")  # a radio group is one Tab stop
    for _ in range(3):
        alex.keyboard.press("ArrowDown")  # to the fourth: doing things
    tab_to(alex, "input[name=intensity]")
    alex.keyboard.press("ArrowRight")  # the first choice, then the second: "somewhat"
    tab_to(alex, "#record-need button[type=submit]")
    alex.keyboard.press("Enter")
    alex.wait_for_url(re.compile(r"done=need&seen=\d+#recorded$"))
    assert alex.evaluate("document.activeElement.id") == "recorded"
    assert "doing things · matters somewhat" in alex.locator("#timeline").inner_text()

    sam.goto(f"{served.url}{ledger_url}")
    reload_until(sam, "Company at the dentist")
    tab_to(sam, "#live-waiting a.button")
    sam.keyboard.press("Enter")
    sam.wait_for_url(re.compile(r"respond="))
    tab_to(sam, "#care-description")
    sam.keyboard.type("Came with Alex to the dentist")
    tab_to(sam, "#care-support_type-1")
    sam.keyboard.press("Space")  # comfort and listening
    tab_to(sam, "#record-care button[type=submit]")
    sam.keyboard.press("Enter")
    sam.wait_for_url(re.compile(r"done=care&seen=\d+#recorded$"))

    reload_until(alex, "Came with Alex to the dentist")
    tab_to(alex, "#live-waiting summary")
    alex.keyboard.press("Enter")
    tab_to(alex, "#live-waiting input[name=adequacy]")
    alex.keyboard.press("Space")  # the first choice: it was right
    tab_to(alex, "#live-waiting button[type=submit]")
    alex.keyboard.press("Enter")
    alex.wait_for_url(re.compile(r"done=feel&seen=\d+#recorded$"))
    reload_until(alex, "Alex said it felt right")
    assert "Care for this felt right to you. Is it taken care of?" in alex.content()

    earlier = (datetime.now() - timedelta(weeks=3)).strftime("%Y-%m-%dT%H:%M")
    record_need(alex, "Three weeks ago, a hard day", when=earlier)
    tab_to(alex, "#week-slider")
    alex.keyboard.press("Home")
    alex.wait_for_selector("#as-of[data-week]")
    assert "week=" in alex.url
    assert alex.locator("#week-slider").get_attribute("aria-valuetext").startswith("week of ")
    alex.keyboard.press("End")  # back to today: the address and the page say so
    alex.wait_for_selector("#as-of:not([data-week])")
    assert "week=" not in alex.url


@pytest.mark.slow
def test_a_refused_form_takes_focus_to_its_problems_and_a_reload_records_nothing_more(
    chromium: Any, served: Served,
) -> None:
    alex, _, ledger_url = paired(chromium, served)
    alex.goto(f"{served.url}{ledger_url}")
    alex.locator("summary", has_text="I need something").click()
    alex.locator("#record-need").get_by_label("What I need").fill("A slow Sunday")
    alex.locator("#record-need").get_by_role("button", name="Record need").click()
    alex.wait_for_load_state()
    assert alex.evaluate("document.activeElement.id") == "need-problems"
    assert alex.locator("#need-support_type").get_attribute("aria-invalid") == "true"
    assert alex.locator("#need-need").input_value() == "A slow Sunday"
    screenshot(alex, "home-refused-need")

    record_need(alex, "A slow Sunday, please")
    reload_until(alex, "A slow Sunday, please")
    alex.reload()
    alex.reload()
    assert entries_with(alex, "A slow Sunday, please") == 1
