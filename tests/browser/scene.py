"""A couple with a little history, shares and a counsellor link, made through the
API of a real server, and each person's browser session, for the page-state tests."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.e2e.clients import PASSWORD, Client
from tests.e2e.conftest import Served


@dataclass
class Scene:
    url: str
    ledger: str  # Alex and Sam's
    share_link: str  # an active share's counsellor link
    new_ledger: str  # Jo's, opened a moment ago; no partner yet
    first_week: str  # the ISO week of Alex and Sam's first entry, for a replay
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)  # storage states

    def page(self, browser: Any, who: str | None = None, width: int = 1280) -> Any:
        """A new page, signed in as `who` (None: a visitor)."""
        state = self.sessions[who] if who else None
        context = browser.new_context(storage_state=state,
                                      viewport={"width": width, "height": 800})
        return context.new_page()


def log_in(browser: Any, url: str, name: str) -> dict[str, Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(f"{name.lower()}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/ledgers$"))
    state: dict[str, Any] = context.storage_state()
    context.close()
    return state


def wait_until(check: Any, timeout: float = 15) -> Any:
    """The views follow the log within moments."""
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "the views never caught up"
        time.sleep(0.2)
    return found


def build_scene(site: Served, browser: Any) -> Scene:
    """Alex and Sam share notes with some history and two shares (one pending, one
    active, visited by the counsellor); Robin has no notes yet; Jo opens new ones."""
    alex, sam, _, jo = (Client(site, name) for name in ("Alex", "Sam", "Robin", "Jo"))
    opened = alex.post("/ledgers", {"name": "Us", "timezone": "Europe/London"}).json()
    ledger = opened["id"]
    assert sam.post("/ledgers/join", {"invite_code": opened["invite_code"]}).ok
    base = f"/ledgers/{ledger}"
    weeks_ago = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5 * 7 * 86400))
    need = alex.post(f"{base}/needs", {"need": "A quiet evening together", "intensity": 3,
                                       "support_type": "emotional",
                                       "occurred_at": weeks_ago}).json()
    care = sam.post(f"{base}/care", {"description": "Cooked and kept the phones away",
                                     "support_type": "practical",
                                     "in_response_to": need["id"]}).json()
    alex.post(f"{base}/care/{care['id']}/acknowledgement", {"adequacy": "right"})
    alex.post(f"{base}/moments", {"kind": "appreciation", "text": "Thank you for Sunday"})
    for partner in (alex, sam):
        partner.post(f"{base}/check-ins", {"felt_supported": 7})
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 14 * 86400))
    active = alex.post(f"{base}/shares", {"label": "Dr. Rivera", "expires_at": expires}).json()
    approved = sam.post(f"{base}/shares/{active['id']}/approval", {}).json()
    alex.post(f"{base}/shares", {"label": "Second opinion", "expires_at": expires})
    new = jo.post("/ledgers", {"name": "Jo's notes"}).json()["id"]
    year, week, _ = datetime.strptime(weeks_ago, "%Y-%m-%dT%H:%M:%SZ").isocalendar()
    scene = Scene(site.url, ledger, f"{site.url}{approved['url']}", new,
                  f"{year:04d}-W{week:02d}")
    for name in ("Alex", "Sam", "Robin", "Jo"):
        scene.sessions[name] = log_in(browser, site.url, name)
    wait_until(lambda: len(sam.get(f"{base}/shares").json()["items"]) == 2)
    return scene
