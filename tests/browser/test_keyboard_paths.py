"""The paths outside the couple's home done with the keyboard alone (Tab, Shift+Tab,
Enter, Space, arrows; no click): signing up, opening shared notes, joining with a
code, exporting, asking for a counsellor share. `tab_to` fails if a control is not
reached in order, or if any stop on the way shows no focus ring of 3:1."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import pytest

from tests.browser.a11y import tab_to
from tests.browser.scene import log_in, wait_until
from tests.e2e.clients import PASSWORD, Client
from tests.e2e.conftest import Served

pytestmark = pytest.mark.slow


@dataclass
class People:
    url: str
    alex: Client
    ledger: str  # Alex and Sam's
    sessions: dict[str, dict[str, Any]]

    def page(self, browser: Any, who: str | None, path: str) -> Any:
        context = browser.new_context(storage_state=self.sessions[who] if who else None,
                                      viewport={"width": 1280, "height": 800},
                                      accept_downloads=True)
        page = context.new_page()
        page.goto(self.url + path.format(ledger=self.ledger))
        return page


def follow(page: Any, link: str, lands_on: str) -> None:
    """Tab to a link, Enter, and arrive where it leads."""
    tab_to(page, link, "link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(lands_on))


@pytest.fixture(scope="module")
def people(site: Served, module_chromium: Any) -> People:
    alex, sam, _ = (Client(site, name) for name in ("Alex", "Sam", "Robin"))
    opened = alex.post("/ledgers", {"name": "Us", "timezone": "Europe/London"}).json()
    assert sam.post("/ledgers/join", {"invite_code": opened["invite_code"]}).ok
    alex.post(f"/ledgers/{opened['id']}/needs", {
        "need": "Only mine: a long walk alone", "intensity": 2, "support_type": "practical",
        "visibility": "private"})
    sessions = {name: log_in(module_chromium, site.url, name) for name in ("Alex", "Robin")}
    return People(site.url, alex, opened["id"], sessions)


def test_signing_up_with_the_keyboard_alone(people: People, module_chromium: Any) -> None:
    page = people.page(module_chromium, None, "/")
    follow(page, "Sign up", r"/signup$")
    tab_to(page, "Email")
    page.keyboard.type("kim@example.com")
    # the form's fields come one Tab apart, in the order they are read
    assert tab_to(page, "Your name (as your partner sees it)", max_tabs=1) == 1
    page.keyboard.type("Kim")
    assert tab_to(page, "Password", max_tabs=1) == 1
    page.keyboard.type(PASSWORD)
    assert tab_to(page, "Sign up", "button", max_tabs=1) == 1
    assert tab_to(page, "Password", backwards=True, max_tabs=1) == 1  # Shift+Tab goes back
    tab_to(page, "Sign up", "button", max_tabs=1)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ledgers$"))
    assert page.locator("h1").inner_text() == "Your notes"
    page.context.close()


def test_opening_shared_notes_with_the_keyboard_alone(
    people: People, module_chromium: Any,
) -> None:
    page = people.page(module_chromium, "Robin", "/ledgers")
    follow(page, "Open a shared space", r"/ledgers/new$")
    tab_to(page, "Name")
    page.keyboard.type("Robin and Jo")
    assert tab_to(page, "Time zone (weeks start on Monday there)", max_tabs=1) == 1
    page.keyboard.press("End")  # the last zone of the list, chosen by keys
    tab_to(page, "Open", "button", max_tabs=1)
    page.keyboard.press("Enter")
    code = page.locator("#invite-code")
    code.wait_for()
    assert re.fullmatch(r"[0-9A-Z-]{6,}", code.inner_text().strip())
    follow(page, "Go to your shared space", r"/ledgers/[0-9a-f-]{36}$")
    page.goto(f"{people.url}/ledgers")
    assert page.get_by_role("link", name="Robin and Jo").count() == 1
    page.context.close()


def test_joining_with_a_code_with_the_keyboard_alone(
    people: People, module_chromium: Any,
) -> None:
    opened = people.alex.post("/ledgers", {"name": "Alex and Robin"}).json()
    page = people.page(module_chromium, "Robin", "/ledgers")
    follow(page, "Join with an invite code", r"/join$")
    tab_to(page, "Invite code")
    page.keyboard.type(opened["invite_code"])
    assert tab_to(page, "Join", "button", max_tabs=1) == 1
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/ledgers/{opened['id']}$"))
    partners = people.alex.get(f"/ledgers/{opened['id']}").json()["partners"]
    assert [p["display_name"] for p in partners] == ["Alex", "Robin"]
    page.context.close()


def test_exporting_with_the_keyboard_alone(people: People, module_chromium: Any) -> None:
    page = people.page(module_chromium, "Alex", "/ledgers/{ledger}/export")
    tab_to(page, "JSON — complete and verifiable (signed)", "radio")
    page.keyboard.press("ArrowDown")  # arrows move within the radio group, and choose
    csv_choice = page.get_by_role("radio", name="CSV — one row per entry, for a spreadsheet")
    assert csv_choice.is_checked()
    assert csv_choice.evaluate("(element) => element === document.activeElement")
    tab_to(page, "Include my own private entries", "checkbox")
    page.keyboard.press("Space")
    tab_to(page, "Download", "button", max_tabs=1)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0][:3] == ["id", "kind", "author"]
    assert any("Only mine: a long walk alone" in row for row in rows[1:])
    page.context.close()


def test_asking_for_a_counsellor_share_with_the_keyboard_alone(
    people: People, module_chromium: Any,
) -> None:
    page = people.page(module_chromium, "Alex", "/ledgers/{ledger}/shares")
    tab_to(page, "For whom (a name you will recognise)")
    page.keyboard.type("Dr. Keys")
    assert tab_to(page, "Expires after (days)", max_tabs=1) == 1
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    tab_to(page, "raw events", "checkbox")
    page.keyboard.press("Space")  # the counsellor will not see the raw events
    tab_to(page, "Ask for a share", "button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/shares$"))
    mine = wait_until(lambda: [s for s in people.alex.get(
        f"/ledgers/{people.ledger}/shares").json()["items"] if s["label"] == "Dr. Keys"])
    assert mine[0]["status"] == "pending"
    assert "raw_events" not in mine[0]["sections"]
    page.context.close()
