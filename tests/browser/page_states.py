"""Every page and state a person meets outside the couple's home, each reached as a
person would, from a fresh page: the accessibility and wording tests visit the same.
None of them changes what another state shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.browser.scene import Scene

Reach = Callable[[Scene, Any], Any]


def at(path: str, who: str | None = None) -> Reach:
    """A fresh page at `path` ({ledger} is Alex and Sam's), as `who` or a visitor."""
    def reach(scene: Scene, browser: Any) -> Any:
        page = scene.page(browser, who)
        page.goto(scene.url + path.format(ledger=scene.ledger))
        return page
    return reach


def refused(reach: Reach, button: str, fill: dict[str, str] | None = None) -> Reach:
    """That page after sending its form with `fill` (by label), which it refuses."""
    def with_errors(scene: Scene, browser: Any) -> Any:
        page = reach(scene, browser)
        for label, value in (fill or {}).items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_role("button", name=button).click()
        page.locator(".error").first.wait_for()
        return page
    return with_errors


def invite(scene: Scene, browser: Any) -> Any:
    page = at("/ledgers/new", "Jo")(scene, browser)
    page.get_by_label("Name").fill("Jo and Kim")
    page.get_by_role("button", name="Open").click()
    page.locator("#invite-code").wait_for()
    return page


def export_with_errors(scene: Scene, browser: Any) -> Any:
    page = at("/ledgers/{ledger}/export", "Alex")(scene, browser)
    for box in page.locator("input[name=sections]").all():
        box.uncheck()
    page.get_by_role("button", name="Download").click()
    page.locator(".error").first.wait_for()
    return page


def shares(scene: Scene, browser: Any) -> Any:
    """Sam's view: Alex asked for two shares; Sam approved one, the other waits."""
    page = at("/ledgers/{ledger}/shares", "Sam")(scene, browser)
    page.locator(".share-url").wait_for()
    return page


def counsellor_view(scene: Scene, browser: Any) -> Any:
    page = scene.page(browser)
    page.goto(scene.share_link)
    page.locator("h1").wait_for()
    return page


def not_allowed(scene: Scene, browser: Any) -> Any:
    """Alex approving the share Alex asked for (the page offers no such button: the
    form is posted by hand, as a stale tab or a crafted link would)."""
    page = at("/ledgers/{ledger}/shares", "Alex")(scene, browser)
    with page.expect_navigation():
        page.evaluate("""() => { const form = [...document.querySelectorAll('form')]
            .find((f) => f.action.endsWith('/revoke') && f.closest('li').innerText
            .includes('Second opinion'));
          form.action = form.action.replace(/revoke$/, 'approve'); form.submit(); }""")
    assert re.search(r"\b403\b", page.locator("h1").inner_text())
    return page


STATES: dict[str, Reach] = {
    "landing": at("/"),
    "sign-up": at("/signup"),
    "sign-up-with-errors": refused(at("/signup"), "Sign up",
                                   {"Email": "not an address", "Password": "short"}),
    "log-in": at("/login"),
    "log-in-wrong-password": refused(at("/login"), "Log in", {
        "Email": "alex@example.com", "Password": "not the password"}),
    "my-notes-empty": at("/ledgers", "Robin"),
    "my-notes-with-one": at("/ledgers", "Alex"),
    "new-notes": at("/ledgers/new", "Robin"),
    "new-notes-with-errors": refused(at("/ledgers/new", "Robin"), "Open"),
    "invite": invite,
    "join": at("/join", "Robin"),
    "join-unknown-code": refused(at("/join", "Robin"), "Join", {"Invite code": "NOSUCHCODE"}),
    "account": at("/account", "Sam"),
    "forgotten-password": at("/reset"),
    "forgotten-password-with-errors": refused(at("/reset"), "Send me a link",
                                              {"Email": ""}),
    "new-password": at("/reset/ef_r_not-a-link"),
    "new-password-with-errors": refused(at("/reset/ef_r_not-a-link"), "Save my new password",
                                        {"New password": "short"}),
    "unsubscribe": at("/unsubscribe/not-a-link"),
    "account-with-errors": refused(at("/account", "Sam"), "Save", {
        "New password (leave empty to keep it)": "short"}),
    "export": at("/ledgers/{ledger}/export", "Alex"),
    "export-with-errors": export_with_errors,
    "shares-pending-and-active": shares,
    "shares-with-errors": refused(at("/ledgers/{ledger}/shares", "Alex"), "Ask for a share"),
    "leave-with-errors": refused(at("/ledgers/{ledger}/leave", "Sam"), "Leave"),
    "counsellor-view": counsellor_view,
    "error-404": at("/no-such-page"),
    "error-403": not_allowed,
}
# which page each state is on: a page's title is its own, whatever its state
PAGE_OF = {state: re.sub(r"-(with-.*|empty|wrong-password|unknown-code|pending-and-active)$",
                         "", state) for state in STATES}
PAGE_OF["my-notes-with-one"] = "my-notes"
PAGE_OF["my-notes-empty"] = "my-notes"


# The couple's home (web/templates/pages/ledger.html), its states as a person meets
# them; every <details> opened, as a person opens them to read and record.
def home(who: str, ledger: str = "{ledger}", query: str = "") -> Reach:
    def reach(scene: Scene, browser: Any) -> Any:
        path = f"/ledgers/{ledger}{query}".format(ledger=scene.ledger,
                                                  new=scene.new_ledger, week=scene.first_week)
        page = at(path, who)(scene, browser)
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => d.open = true)")
        return page
    return reach


def home_after_a_refused_need(scene: Scene, browser: Any) -> Any:
    page = home("Alex")(scene, browser)
    page.get_by_role("button", name="Record need").click()
    page.locator(".error").first.wait_for()
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => d.open = true)")
    return page


HOME_STATES: dict[str, Reach] = {
    "home-new-partner-not-joined": home("Jo", "{new}"),
    "home-alex": home("Alex"),
    "home-sam": home("Sam"),
    "home-replayed-week": home("Alex", query="?week={week}"),
    "home-need-refused": home_after_a_refused_need,
}
