"""What the pages say when something cannot be done is a sentence a person can act
on: why an invite code did not work, and what a form field needs instead of
marshmallow's "Not a valid integer."."""

from __future__ import annotations

import html

from ledger.domain.exceptions import AlreadyJoined, Conflict, NoRoom, NotFound
from tests.pages.conftest import Browser
from tests.pages.test_pages import couple
from tests.voice import assert_speaks_as_voice_md_asks
from web.pages.ledgers import why_not_joined


def test_every_reason_a_code_does_not_work_is_its_own_sentence() -> None:
    reasons = {kind.__name__: why_not_joined(kind("in the code's words"))
               for kind in (NotFound, AlreadyJoined, NoRoom, Conflict)}
    assert len(set(reasons.values())) == 4
    for reason in reasons.values():
        assert reason[0].isupper() and reason.endswith(".")
        assert "in the code's words" not in reason
    assert_speaks_as_voice_md_asks(reasons, page=True)


def test_the_join_page_says_why_a_code_does_not_work(browser: Browser) -> None:
    browser.sign_up("Alex")
    _, code = browser.open_ledger()
    unknown = browser.submit("/join", {"invite_code": "NOPE-NOPE"}, page="/join")
    assert unknown.status_code == 422
    assert why_not_joined(NotFound()) in html.unescape(browser.last_html)
    own = browser.submit("/join", {"invite_code": code}, page="/join")
    assert own.status_code == 422
    assert why_not_joined(AlreadyJoined()) in html.unescape(browser.last_html)
    assert "already a partner" not in browser.last_html


def test_a_form_field_with_a_wrong_value_says_what_it_needs(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    answer = browser.submit(f"/ledgers/{ledger}/needs", {
        "submission_id": "w1", "need": "a walk", "support_type": "esteem",
        "intensity": "much"}, page=f"/ledgers/{ledger}")
    assert answer.status_code == 422
    assert "Please give a whole number, like 3." in browser.last_html
    assert "Not a valid integer." not in browser.last_html
