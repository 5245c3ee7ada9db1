"""Two partners in two browser contexts, as a couple meets the product."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.e2e.conftest import Served

PASSWORD = "correct horse battery"


def sign_up(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/signup")
    page.get_by_label("Email").fill(f"{name.lower()}@example.com")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/ledgers$"))


def reload_until(page: Any, text: str, timeout: float = 15) -> None:
    """The views catch up within moments; a person would reload."""
    deadline = time.monotonic() + timeout
    while text not in page.content():
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared")
        time.sleep(0.3)
        page.reload()


def record_need(page: Any, words: str, private: bool = False, when: str = "") -> None:
    """Through the form as a person fills it: nothing in it is chosen in advance."""
    form = page.locator("#record-need")
    if form.get_attribute("open") is None:
        page.locator("summary", has_text="I need something").click()
    form.get_by_label("What I need").fill(words)
    form.get_by_label("comfort and listening").check()
    form.get_by_label("quite a bit").check()
    if when:
        form.get_by_label("When (optional").fill(when)
    if private:
        form.get_by_label("Private: only I will see it").check()
    form.get_by_role("button", name="Record need").click()
    page.wait_for_url(re.compile(r"done=need&seen=\d+#recorded$"))


def paired(chromium: Any, served: Served) -> tuple[Any, Any, str]:
    """Alex opens a ledger, Sam joins it: each in a browser context of their own."""
    alex, sam = chromium.new_context().new_page(), chromium.new_context().new_page()
    sign_up(alex, served.url, "Alex")
    alex.goto(f"{served.url}/ledgers/new")
    alex.get_by_label("Name").fill("Us")
    alex.get_by_role("button", name="Open").click()
    code = alex.locator("#invite-code").inner_text().strip()
    ledger_url = alex.get_by_role("link", name="Go to your shared space").get_attribute("href")
    sign_up(sam, served.url, "Sam")
    sam.goto(f"{served.url}/join")
    sam.get_by_label("Invite code").fill(code)
    sam.get_by_role("button", name="Join").click()
    sam.wait_for_url(re.compile(r"/ledgers/[0-9a-f-]{36}$"))
    return alex, sam, str(ledger_url)


@pytest.mark.slow
def test_two_partners_pair_express_answer_acknowledge_and_replay(
    chromium: Any, served: Served,
) -> None:
    alex_context, sam_context = chromium.new_context(), chromium.new_context()
    alex, sam = alex_context.new_page(), sam_context.new_page()
    alex.set_viewport_size({"width": 375, "height": 800})

    sign_up(alex, served.url, "Alex")
    alex.get_by_role("link", name="Open a shared space").click()
    alex.get_by_label("Name").fill("Alex & Sam")
    alex.get_by_role("button", name="Open").click()
    code = alex.locator("#invite-code").inner_text().strip()
    screenshot(alex, "invite")
    ledger_url = alex.get_by_role("link", name="Go to your shared space").get_attribute("href")
    alex.goto(f"{served.url}{ledger_url}")

    sign_up(sam, served.url, "Sam")
    sam.goto(f"{served.url}/join")
    sam.get_by_label("Invite code").fill(code)
    sam.get_by_role("button", name="Join").click()
    sam.wait_for_url(re.compile(r"/ledgers/[0-9a-f-]{36}$"))

    three_weeks_ago = (datetime.now() - timedelta(weeks=3)).strftime("%Y-%m-%dT%H:%M")
    alex.reload()
    record_need(alex, "Help me prepare for Monday's interview", when=three_weeks_ago)
    assert "Recorded. Your need is in the timeline." in alex.locator("#recorded").inner_text()
    record_need(alex, "Just for me: a quiet evening", private=True)

    reload_until(sam, "Help me prepare for Monday")
    sam.get_by_role("link", name="Respond…").first.click()
    care = sam.locator("#record-care")
    assert care.get_attribute("open") is not None
    care.get_by_label("What I did for Alex").fill("Practised questions with Alex")
    assert care.get_by_label("Answering").evaluate("s => s.selectedOptions[0].text") == \
        "Help me prepare for Monday's interview"
    care.get_by_label("advice and ideas").check()
    care.get_by_role("button", name="Record care").click()

    reload_until(alex, "Practised questions with Alex")
    alex.locator("#live-waiting summary", has_text="Tell Sam how it felt").click()
    alex.locator("#live-waiting").get_by_label("It was right").check()
    alex.locator("#live-waiting").get_by_role("button", name="Tell Sam").click()
    reload_until(alex, "Alex said it felt right")
    screenshot(alex, "home-375")
    assert alex.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    sam.reload()
    assert "Just for me: a quiet evening" not in sam.content()
    assert sam.locator("#flow-chart rect.bar.p1").count() >= 3
    heights = sam.locator("#flow-chart rect.bar.p1").evaluate_all(
        "bars => bars.map(b => parseFloat(b.getAttribute('height')))")
    assert max(heights) > 0

    before_chart = alex.locator("#flow-chart").inner_html()
    before_items = alex.locator("#timeline li.entry").count()
    alex.locator("#week-slider").focus()
    alex.keyboard.press("Home")
    alex.wait_for_selector("#as-of[data-week]")
    assert "week=" in alex.url
    assert alex.locator("#week-slider").get_attribute("aria-valuetext").startswith("week of ")
    assert alex.locator("#flow-chart").inner_html() != before_chart
    assert alex.locator("#timeline li.entry").count() < before_items
    screenshot(alex, "replay-early-week")
    alex_context.close()
    sam_context.close()


@pytest.mark.slow
def test_a_counsellor_reads_an_approved_share_with_only_opted_in_private_entries(
    chromium: Any, served: Served,
) -> None:
    alex, sam, ledger_url = paired(chromium, served)

    alex.goto(f"{served.url}{ledger_url}")
    record_need(alex, "Shared with the counsellor")
    record_need(alex, "Never for the counsellor", private=True)

    sam.goto(f"{served.url}{ledger_url}")
    record_need(sam, "Sam lets the counsellor read this", private=True)

    alex.goto(f"{served.url}{ledger_url}/shares")
    alex.get_by_label("For whom").fill("Dr. Rivera")
    alex.get_by_role("button", name="Ask for a share").click()
    sam.goto(f"{served.url}{ledger_url}/shares")
    reload_until(sam, "Dr. Rivera")
    sam.get_by_label("Include my own private entries").first.check()
    sam.get_by_role("button", name="Approve").click()
    reload_until(sam, "Link for the counsellor")
    assert "Includes the private entries of Sam" in sam.content()
    link = sam.locator("code.share-url").inner_text().strip()

    counsellor = chromium.new_context().new_page()
    counsellor.goto(link)
    reload_until(counsellor, "Shared with the counsellor")
    reload_until(counsellor, "Sam lets the counsellor read this")
    assert "Never for the counsellor" not in counsellor.content()
    assert "private, shared by its author" in counsellor.content()
    assert "Shared with you" in counsellor.content()
    screenshot(counsellor, "counsellor-view")
    alex.goto(f"{served.url}{ledger_url}/shares")
    reload_until(alex, "visit")
    assert re.search(r"[1-9]\d* visits?", alex.content())


@pytest.mark.slow
def test_an_open_page_shows_the_partners_new_entry_without_a_reload(
    chromium: Any, served: Served,
) -> None:
    alex, sam, ledger_url = paired(chromium, served)

    alex.goto(f"{served.url}{ledger_url}")
    navigations: list[str] = []
    alex.on("framenavigated", lambda frame: navigations.append(frame.url))
    record_need(sam, "Arrives on its own")
    started = time.monotonic()
    alex.locator("#as-of", has_text="Arrives on its own").wait_for(timeout=10_000)
    shown_after = time.monotonic() - started
    assert navigations == []  # no reload: the page fetched the timeline itself
    assert shown_after < 10
    assert "Updated with something new." in alex.locator("#live-status").inner_text()
