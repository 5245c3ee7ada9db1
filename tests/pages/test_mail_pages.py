"""Email on the pages: choices saved from the account page, the verification link,
one-click unsubscribe without logging in, and a new password from a reset link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from ledger.domain.notifications import Preferences
from ledger.infra.links import unsubscribe_token
from tests.integration.mail_helpers import Mailroom
from tests.pages.conftest import PASSWORD, Browser
from web.services import services


@pytest.fixture
def mailroom(page_app: Flask, browser: Browser) -> Iterator[Mailroom]:
    with page_app.app_context():
        room = Mailroom(browser.settings, services().ledger)
    yield room
    room.close()


def ledger_of(page_app: Flask) -> object:
    with page_app.app_context():
        return services().ledger


def test_email_choices_are_saved_from_the_account_page(browser: Browser,
                                                       page_app: Flask) -> None:
    browser.sign_up("Alex")
    saved = browser.submit("/account/notifications", {
        "needs": "on", "answers": "on", "digest": "daily", "weekly_reminder_day": "sunday",
        "quiet_from": "22:00", "quiet_to": "07:00"}, page="/account")
    assert saved.status_code == 303
    page = browser.get("/account").get_data(as_text=True)
    assert 'name="needs" checked' in page and 'name="care" >' in page
    assert '<option value="sunday" selected>' in page and 'value="22:00"' in page
    assert "Nothing is emailed until you confirm your address." in page


def test_a_bad_quiet_hour_is_refused_in_words(browser: Browser) -> None:
    browser.sign_up("Alex")
    refused = browser.submit("/account/notifications", {"digest": "off", "quiet_from": "9pm",
                                                        "quiet_to": "07:00"}, page="/account")
    assert refused.status_code == 422
    assert "Please give a time like 22:00." in browser.last_html


def test_the_verification_link_confirms_the_address_once(browser: Browser,
                                                         mailroom: Mailroom) -> None:
    browser.sign_up("Alex")
    link = next(m for m in mailroom.deliver() if m["To"] == "alex@example.com")
    token = mailroom.kept.link(link, "verify")
    assert browser.get(f"/verify/{token}").status_code == 200
    assert "Your email address is confirmed." in browser.last_html
    assert browser.get(f"/verify/{token}").status_code == 404
    assert "Your address is confirmed." in browser.get("/account").get_data(as_text=True)


def test_one_click_unsubscribe_works_without_logging_in_and_is_recorded(
        browser: Browser, page_app: Flask) -> None:
    browser.sign_up("Alex")
    app = ledger_of(page_app)
    alex = app.account_id_for_email("alex@example.com")  # type: ignore[attr-defined]
    app.choose_notifications(alex, Preferences(needs=True, care=True))  # type: ignore[attr-defined]
    token = unsubscribe_token(browser.settings.secret_key, alex, "care")
    stranger = page_app.test_client()
    assert "Yes, stop them" in stranger.get(f"/unsubscribe/{token}").get_data(as_text=True)
    one_click = stranger.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    chosen = app.notifications_of(alex)  # type: ignore[attr-defined]
    assert (chosen.needs, chosen.care) == (True, False)
    assert stranger.post(f"/unsubscribe/{token[:-3]}xyz").status_code == 404


def test_a_reset_link_sets_a_new_password_and_ends_the_session(
        browser: Browser, mailroom: Mailroom, page_app: Flask) -> None:
    browser.sign_up("Alex")
    mailroom.deliver()
    stranger = Browser(page_app, browser.settings, browser.projector)
    asked = stranger.submit("/reset", {"email": "alex@example.com"}, page="/reset")
    assert asked.status_code == 200 and "a link is on its way" in stranger.last_html
    reset = next(m for m in mailroom.deliver() if "password" in str(m["Subject"]))
    token = mailroom.kept.link(reset, "reset")
    done = stranger.submit(f"/reset/{token}", {"password": "my new long password"},
                           page=f"/reset/{token}")
    assert done.status_code == 303
    assert browser.get("/account").status_code in (302, 303)  # that session ended
    login = stranger.submit("/login", {"email": "alex@example.com",
                                       "password": "my new long password"}, page="/login")
    assert login.status_code == 303
    old = stranger.submit("/login", {"email": "alex@example.com", "password": PASSWORD},
                          page="/login")
    assert old.status_code == 401
