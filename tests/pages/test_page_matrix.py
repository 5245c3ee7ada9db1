"""The authorisation matrix of every page route, generated from the URL map (a new
route without a row fails): anonymous visitors are sent to log in and change
nothing, another couple's partner gets 404 on this couple's ledger, a partner gets
the page, and every form refuses a post without its CSRF token."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask

from tests.pages.conftest import Browser
from tests.pages.test_pages import couple

# (rule, method) -> (path template, form fields); None marks a public route.
ROWS: dict[tuple[str, str], tuple[str, dict[str, str]] | None] = {
    ("/", "GET"): None,
    ("/login", "GET"): None, ("/login", "POST"): None,
    ("/signup", "GET"): None, ("/signup", "POST"): None,
    ("/healthz", "GET"): None, ("/readyz", "GET"): None, ("/metrics", "GET"): None,
    ("/static/<path:filename>", "GET"): None,
    # the installable shell: the same for everyone (tests/pages/test_installable.py)
    ("/manifest.webmanifest", "GET"): None, ("/sw.js", "GET"): None,
    ("/offline", "GET"): None, ("/favicon.ico", "GET"): None,
    ("/share/<token>", "GET"): None,  # the token is the credential: tests/api/test_shares.py
    ("/share/<token>/download.<fmt>", "GET"): None,
    # emailed links: the token is the credential (tests/pages/test_mail_pages.py)
    ("/verify/<token>", "GET"): None, ("/unsubscribe/<token>", "GET"): None,
    ("/unsubscribe/<token>", "POST"): None,  # one-click from a mail program: no CSRF token
    ("/reset", "GET"): None, ("/reset", "POST"): None,
    ("/reset/<token>", "GET"): None, ("/reset/<token>", "POST"): None,
    ("/account/notifications", "POST"): ("/account/notifications", {"digest": "off"}),
    ("/account/verification", "POST"): ("/account/verification", {}),
    ("/exports/csv-dictionary", "GET"): None,  # describes the CSV columns, no one's data
    ("/account", "GET"): ("/account", {}), ("/account", "POST"): ("/account", {}),
    ("/account/left/<uuid:ledger_id>/forget", "POST"): ("/account/left/{ledger}/forget", {}),
    ("/join", "GET"): ("/join", {}), ("/join", "POST"): ("/join", {"invite_code": "nope"}),
    ("/ledgers", "GET"): ("/ledgers", {}),
    ("/ledgers/new", "GET"): ("/ledgers/new", {}),
    ("/ledgers/new", "POST"): ("/ledgers/new", {"name": "x"}),
    ("/logout", "POST"): ("/logout", {}),
    ("/logout/everywhere", "POST"): ("/logout/everywhere", {}),
    ("/ledgers/<uuid:ledger_id>", "GET"): ("/ledgers/{ledger}", {}),
    ("/ledgers/<uuid:ledger_id>/at", "GET"): ("/ledgers/{ledger}/at", {}),
    ("/ledgers/<uuid:ledger_id>/live", "GET"): ("/ledgers/{ledger}/live", {}),
    ("/ledgers/<uuid:ledger_id>/export", "GET"): ("/ledgers/{ledger}/export", {}),
    ("/ledgers/<uuid:ledger_id>/export", "POST"): ("/ledgers/{ledger}/export",
                                                   {"format": "csv"}),
    ("/ledgers/<uuid:ledger_id>/leave", "GET"): ("/ledgers/{ledger}/leave", {}),
    ("/ledgers/<uuid:ledger_id>/leave", "POST"): ("/ledgers/{ledger}/leave", {}),
    ("/ledgers/<uuid:ledger_id>/shares", "GET"): ("/ledgers/{ledger}/shares", {}),
    ("/ledgers/<uuid:ledger_id>/shares", "POST"): ("/ledgers/{ledger}/shares",
                                                   {"label": "c", "days": "3"}),
    ("/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>/approve", "POST"): (
        "/ledgers/{ledger}/shares/{other}/approve", {}),
    ("/ledgers/<uuid:ledger_id>/shares/<uuid:share_id>/revoke", "POST"): (
        "/ledgers/{ledger}/shares/{other}/revoke", {}),
    ("/ledgers/<uuid:ledger_id>/needs", "POST"): (
        "/ledgers/{ledger}/needs", {"need": "n", "support_type": "esteem", "intensity": "2",
                                    "submission_id": "m1"}),
    ("/ledgers/<uuid:ledger_id>/care", "POST"): (
        "/ledgers/{ledger}/care", {"description": "d", "support_type": "esteem",
                                   "submission_id": "m2"}),
    ("/ledgers/<uuid:ledger_id>/check-ins", "POST"): (
        "/ledgers/{ledger}/check-ins", {"felt_supported": "5", "submission_id": "m3"}),
    ("/ledgers/<uuid:ledger_id>/moments", "POST"): (
        "/ledgers/{ledger}/moments", {"text": "t", "kind": "good_news", "submission_id": "m4"}),
    ("/ledgers/<uuid:ledger_id>/care/<uuid:care_id>/acknowledgement", "POST"): (
        "/ledgers/{ledger}/care/{other}/acknowledgement", {"adequacy": "right"}),
    ("/ledgers/<uuid:ledger_id>/needs/<uuid:need_id>/resolution", "POST"): (
        "/ledgers/{ledger}/needs/{other}/resolution", {"outcome": "met"}),
    ("/ledgers/<uuid:ledger_id>/entries/<uuid:entry_id>/amend", "POST"): (
        "/ledgers/{ledger}/entries/{other}/amend", {"reason": "r"}),
    ("/ledgers/<uuid:ledger_id>/entries/<uuid:entry_id>/retract", "POST"): (
        "/ledgers/{ledger}/entries/{other}/retract", {"reason": "r"}),
    ("/ledgers/<uuid:ledger_id>/invite", "GET"): ("/ledgers/{ledger}/invite", {}),
    ("/ledgers/<uuid:ledger_id>/invite", "POST"): ("/ledgers/{ledger}/invite", {}),
    ("/ledgers/<uuid:ledger_id>/invite/revoke", "POST"): ("/ledgers/{ledger}/invite/revoke", {}),
    ("/ledgers/<uuid:ledger_id>/pause", "POST"): ("/ledgers/{ledger}/pause", {}),
    ("/ledgers/<uuid:ledger_id>/resume", "POST"): ("/ledgers/{ledger}/resume", {}),
}
NOT_SENT_ANONYMOUSLY = {"/logout", "/logout/everywhere"}  # harmless without a session


def page_routes(app: Flask) -> set[tuple[str, str]]:
    return {(rule.rule, method) for rule in app.url_map.iter_rules()
            if not rule.rule.startswith("/api/")
            for method in rule.methods or () if method not in ("HEAD", "OPTIONS")}


def send(who: Browser, route: tuple[str, str], ledger: str, csrf: str | None) -> Any:
    template, form = ROWS[route] or ("", {})
    path = template.format(ledger=ledger, other=UUID(int=7))
    if route[1] == "GET":
        return who.client.get(path)
    data = {**form, **({"csrf_token": csrf} if csrf else {})}
    return who.client.post(path, data=data)


def test_every_page_route_has_a_row(browser: Browser) -> None:
    assert page_routes(browser.client.application) == set(ROWS)


def test_the_page_authorisation_matrix(browser: Browser, second_browser: Browser) -> None:
    ledger = couple(browser, second_browser)
    browser.sync()
    app = browser.client.application
    anonymous = Browser(app, browser.settings, browser.projector)
    robin = Browser(app, browser.settings, browser.projector)
    robin.sign_up("Robin")
    robin.get("/ledgers")
    robin_csrf = robin.csrf()
    browser.get("/ledgers")
    alex_csrf = browser.csrf()
    version_before = _version(browser, ledger)
    failures = []
    for route in sorted(r for r, row in ROWS.items() if row is not None):
        if route[0] not in NOT_SENT_ANONYMOUSLY:
            status = send(anonymous, route, ledger, None).status_code
            if status not in (302, 303, 400):
                failures.append((route, "anonymous", status))
        if "<uuid:ledger_id>" in route[0]:
            status = send(robin, route, ledger, robin_csrf).status_code
            if status != 404:
                failures.append((route, "another couple", status))
            if route[1] == "POST":
                status = send(browser, route, ledger, None).status_code
                if status != 400:
                    failures.append((route, "no CSRF token", status))
    assert failures == []
    assert _version(browser, ledger) == version_before  # none of that changed the ledger
    for route in sorted(r for r, row in ROWS.items() if row and r[1] == "GET"):
        status = send(browser, route, ledger, alex_csrf).status_code
        assert status == 200, (route, status)


def _version(browser: Browser, ledger: str) -> int:
    from web.services import services

    with browser.client.application.app_context():
        return int(services().ledger.get_ledger(UUID(ledger)).version)
