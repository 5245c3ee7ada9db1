"""On a phone with a poor connection (issue 16), in a real Chromium: the service worker
serves the offline page when the network fails, and an entry written offline waits on
the page, said so, and is recorded exactly once when the browser is back online, even
after a reload while offline."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.a11y import assert_accessible, visible_texts
from tests.browser.conftest import screenshot
from tests.browser.scene import log_in, wait_until
from tests.conftest import migrated
from tests.e2e.clients import Client
from tests.e2e.conftest import Served, launch, serve
from tests.voice import assert_speaks_as_voice_md_asks

pytestmark = pytest.mark.slow
WAITING = "waiting to send. It will be sent when you're back online."


@pytest.fixture(scope="module")
def couple(site: Served, module_chromium: Any) -> tuple[Client, Client, dict[str, Any]]:
    """Olive and Pat (sign-ups are rate-limited: one couple for the module), and
    Olive's browser session."""
    olive, pat = Client(site, "Olive"), Client(site, "Pat")
    return olive, pat, log_in(module_chromium, site.url, "Olive")


def home_of_new_notes(site: Served, browser: Any,
                      couple: tuple[Client, Client, dict[str, Any]]) -> tuple[Any, Client, str]:
    """New shared notes of Olive and Pat; Olive's home open, under the service worker."""
    olive, pat, session = couple
    opened = olive.post("/ledgers", {"name": "Us", "timezone": "Europe/London"}).json()
    assert pat.post("/ledgers/join", {"invite_code": opened["invite_code"]}).ok
    context = browser.new_context(storage_state=session, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{site.url}/ledgers/{opened['id']}")
    wait_until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))
    return page, olive, opened["id"]


def times_recorded(person: Client, ledger: str, words: str) -> int:
    answer = person.get(f"/ledgers/{ledger}/timeline", params={"limit": 100})
    assert answer.status_code == 200, answer.text
    return sum(json.dumps(item).count(words) for item in answer.json()["items"])


def write_need_offline(page: Any, words: str, complete: bool = True) -> None:
    page.context.set_offline(True)
    page.locator("summary", has_text="I need something").click()
    form = page.locator("#record-need")
    form.get_by_label("What I need").fill(words)
    form.get_by_label("comfort and listening").check()
    if complete:  # how much it matters is asked: without it the need is refused
        form.get_by_label("quite a bit").check()
    form.get_by_role("button", name="Record need").click()


def recorded_once_back_online(page: Any, person: Client, ledger: str, words: str) -> None:
    """Said on the page, in the timeline once, the queue empty; still once after a reload."""
    page.locator("#queue-status", has_text="Recorded what you wrote offline.").wait_for(
        timeout=20_000)
    assert page.locator("#queue").is_hidden()
    assert wait_until(lambda: times_recorded(person, ledger, words) == 1)
    page.reload()
    page.locator("#timeline", has_text=words).wait_for(timeout=10_000)
    assert times_recorded(person, ledger, words) == 1
    assert page.evaluate("localStorage.getItem('ebbflow-queue')") == "[]"
    page.context.close()


def queue_of(page: Any) -> str:
    return str(page.locator("#queue").inner_text())


def test_the_service_worker_shows_the_offline_page_when_the_network_fails(
    site: Served, module_chromium: Any, couple: Any,
) -> None:
    page, _, ledger = home_of_new_notes(site, module_chromium, couple)
    cached = page.evaluate("""async () => { const names = await caches.keys();
        const urls = [];
        for (const name of names) for (const r of await (await caches.open(name)).keys())
          urls.push(new URL(r.url).pathname);
        return urls; }""")
    assert "/offline" in cached and "/static/style.css" in cached
    assert not [url for url in cached if url.startswith(("/ledgers", "/api"))], cached
    page.context.set_offline(True)
    page.reload()
    page.get_by_role("heading", name="Can't connect right now").wait_for(timeout=10_000)
    assert page.url.endswith(f"/ledgers/{ledger}")
    assert "Us" not in page.locator("main").inner_text()  # nothing of theirs was kept
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") \
        == "rgb(246, 241, 233)", "the kept stylesheet was not used"
    assert_accessible(page, "offline")
    assert_speaks_as_voice_md_asks(visible_texts(page), page=True)
    assert page.title() == "Notes – offline"
    page.context.set_offline(False)
    page.locator("summary", has_text="I need something").wait_for(timeout=10_000)  # reloaded
    page.context.close()


def test_an_entry_written_offline_waits_and_is_recorded_once_back_online(
    site: Served, module_chromium: Any, couple: Any,
) -> None:
    page, person, ledger = home_of_new_notes(site, module_chromium, couple)
    write_need_offline(page, "A walk by the river on Sunday")

    assert f"Your need “A walk by the river on Sunday” — {WAITING}" in queue_of(page)
    assert "is kept on this device" in page.locator("#queue-status").inner_text()
    assert page.get_by_label("What I need").input_value() == ""  # kept in the queue
    assert_accessible(page, "home-entry-waiting-offline")
    assert_speaks_as_voice_md_asks(visible_texts(page), page=True)
    screenshot(page, "home-entry-waiting-offline")
    assert times_recorded(person, ledger, "A walk by the river") == 0
    write_need_offline(page, "A second one, with a key of its own")  # the same form again
    page.locator("summary", has_text="Share a moment").click()  # and another of the four
    moment = page.locator("#record-moment")
    moment.locator("input[name=kind]").first.check()
    moment.get_by_label("What happened").fill("We laughed at the burnt toast")
    moment.get_by_role("button", name="Share").click()
    assert f"Your moment “We laughed at the burnt toast” — {WAITING}" in queue_of(page)
    assert queue_of(page).count(WAITING) == 3

    page.context.set_offline(False)
    recorded_once_back_online(page, person, ledger, "A walk by the river")
    assert times_recorded(person, ledger, "A second one, with a key of its own") == 1
    assert times_recorded(person, ledger, "We laughed at the burnt toast") == 1


def test_a_reload_while_offline_keeps_the_waiting_entry_and_it_is_recorded_once(
    site: Served, module_chromium: Any, couple: Any,
) -> None:
    page, person, ledger = home_of_new_notes(site, module_chromium, couple)
    write_need_offline(page, "Help with the forms for the flat")
    page.evaluate("""() => {  // as if a first send's answer had been lost on the way
        const queue = JSON.parse(localStorage.getItem('ebbflow-queue'));
        localStorage.setItem('ebbflow-queue', JSON.stringify([queue[0], queue[0]])); }""")
    page.reload()
    page.get_by_role("heading", name="Can't connect right now").wait_for(timeout=10_000)
    assert f"Your need — {WAITING}" in queue_of(page)  # not the words: no one signed in
    page.reload()
    assert f"Your need — {WAITING}" in queue_of(page)
    assert times_recorded(person, ledger, "Help with the forms") == 0

    page.context.set_offline(False)  # the offline page reloads: the home sends it
    recorded_once_back_online(page, person, ledger, "Help with the forms")


def test_an_entry_refused_after_coming_back_online_can_be_put_back_in_its_form(
    site: Served, module_chromium: Any, couple: Any,
) -> None:
    page, person, ledger = home_of_new_notes(site, module_chromium, couple)
    write_need_offline(page, "Someone to call the landlord", complete=False)
    page.context.set_offline(False)
    page.locator("#queue-status", has_text="needs a change before it can be recorded").wait_for(
        timeout=15_000)
    assert "Your need “Someone to call the landlord” — not sent" in queue_of(page)
    assert_accessible(page, "home-entry-refused-after-offline")
    assert_speaks_as_voice_md_asks(visible_texts(page), page=True)
    page.get_by_role("button", name="Put it back in the form").click()
    form = page.locator("#record-need")
    assert form.get_attribute("open") is not None
    assert form.get_by_label("What I need").input_value() == "Someone to call the landlord"
    assert form.get_by_label("comfort and listening").is_checked()
    assert page.locator("#queue").is_hidden()
    form.get_by_label("quite a bit").check()
    form.get_by_role("button", name="Record need").click()
    page.wait_for_url(re.compile(r"done=need&seen=\d+#recorded$"))
    assert wait_until(lambda: times_recorded(person, ledger, "call the landlord") == 1)
    page.context.close()


def test_quick_exit_drops_what_was_written_offline_and_not_yet_sent(
    site: Served, module_chromium: Any, couple: Any,
) -> None:
    page, person, ledger = home_of_new_notes(site, module_chromium, couple)
    write_need_offline(page, "Something only for now")
    assert "Something only for now" in queue_of(page)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    wait_until(lambda: page.locator("#quick-exit").count() == 0)  # gone (offline: an error page)
    page.context.set_offline(False)
    page.goto(f"{site.url}/ledgers/{ledger}")
    assert page.evaluate("localStorage.getItem('ebbflow-queue')") is None
    assert page.locator("#queue").is_hidden()
    page.wait_for_timeout(1000)  # time enough for a queued entry to have been sent
    assert times_recorded(person, ledger, "Something only for now") == 0
    page.context.close()


def test_when_the_server_is_down_the_offline_page_shows_and_tries_again_by_itself(
    module_chromium: Any, tmp_path: Path,
) -> None:
    settings = migrated(f"sqlite:///{tmp_path}/ebbflow.db", tmp_path)
    server = serve(settings, tmp_path)
    try:
        Client(server, "Rae")
        context = module_chromium.new_context(
            storage_state=log_in(module_chromium, server.url, "Rae"))
        page = context.new_page()
        page.goto(f"{server.url}/ledgers")
        wait_until(lambda: page.evaluate("navigator.serviceWorker.controller !== null"))
        server.stop()
        page.reload()
        page.get_by_role("heading", name="Can't connect right now").wait_for(timeout=10_000)
        assert page.url == f"{server.url}/ledgers"
        port = int(server.url.rsplit(":", 1)[1])
        server = launch([sys.executable, "-m", "web.cli", "serve", "--port", str(port),
                         "--workers", "1"], settings, tmp_path / "again.log", port)
        page.get_by_role("heading", name="Your notes").wait_for(timeout=30_000)  # reloaded
        context.close()
    finally:
        if server.process.poll() is None:
            server.stop()
