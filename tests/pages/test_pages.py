"""The pages through Flask's test client: rendering, escaping, CSRF, sessions,
another couple's pages, forms with errors, double submits."""

from __future__ import annotations

import html

from tests.pages.conftest import PASSWORD, Browser


def couple(alex: Browser, sam: Browser) -> str:
    alex.sign_up("Alex")
    ledger, code = alex.open_ledger()
    sam.sign_up("Sam")
    joined = sam.submit("/join", {"invite_code": code}, page="/join")
    assert joined.status_code == 303
    return ledger


def test_the_landing_page_says_what_it_is_and_what_it_is_not(browser: Browser) -> None:
    page = browser.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "not a tool for abusive relationships" in html
    assert 'id="quick-exit"' in html
    assert "<title>Notes – welcome</title>" in html
    assert "Content-Security-Policy" in page.headers
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html  # no inline script


def test_sign_up_sets_a_revocable_http_only_session_cookie(browser: Browser) -> None:
    browser.get("/signup")
    answer = browser.client.post("/signup", data={
        "csrf_token": browser.csrf(), "email": "kim@example.com", "password": PASSWORD,
        "display_name": "Kim"})
    cookie = answer.headers["Set-Cookie"]
    assert answer.status_code == 303
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert browser.get("/ledgers").status_code == 200


def test_forms_without_the_csrf_token_are_refused(browser: Browser) -> None:
    browser.sign_up("Kim")
    refused = browser.client.post("/ledgers/new", data={"name": "x", "timezone": "UTC"})
    assert refused.status_code == 400
    assert "form had expired" in refused.get_data(as_text=True)


def test_login_errors_keep_the_email_and_say_nothing_more(browser: Browser) -> None:
    browser.sign_up("Kim")
    browser.submit("/logout", {}, page="/ledgers")
    wrong = browser.submit("/login", {"email": "kim@example.com", "password": "nope nope"},
                           page="/login")
    assert wrong.status_code == 401
    assert "That email and password do not match" in browser.last_html
    assert 'value="kim@example.com"' in browser.last_html


def test_user_text_is_escaped_everywhere(browser: Browser, second_browser: Browser) -> None:
    ledger = couple(browser, second_browser)
    browser.get(f"/ledgers/{ledger}")
    posted = browser.submit(f"/ledgers/{ledger}/needs", {
        "submission_id": "s1", "need": "<script>alert(1)</script>", "support_type": "esteem",
        "intensity": "2"})
    assert posted.status_code == 303
    browser.sync()
    html = second_browser.get(f"/ledgers/{ledger}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_a_double_submit_records_once(browser: Browser, second_browser: Browser) -> None:
    ledger = couple(browser, second_browser)
    browser.get(f"/ledgers/{ledger}")
    form = {"submission_id": "same-click", "need": "only once", "support_type": "esteem",
            "intensity": "2"}
    first = browser.submit(f"/ledgers/{ledger}/needs", form, page=f"/ledgers/{ledger}")
    second = browser.client.post(f"/ledgers/{ledger}/needs",
                                 data={"csrf_token": browser.csrf() if "csrf_token" in
                                       browser.last_html else "", **form})
    assert first.status_code == 303
    assert second.status_code in (303, 400)
    browser.sync()
    html = browser.get(f"/ledgers/{ledger}").get_data(as_text=True)
    assert html.count('class="words">only once') == 1


def test_invalid_input_is_shown_next_to_the_field_and_kept(browser: Browser,
                                                          second_browser: Browser) -> None:
    ledger = couple(browser, second_browser)
    answer = browser.submit(f"/ledgers/{ledger}/needs", {
        "submission_id": "s2", "need": "keep these words", "support_type": "esteem",
        "intensity": "9"}, page=f"/ledgers/{ledger}")
    assert answer.status_code == 422
    html = browser.last_html
    assert 'id="need-intensity-error"' in html
    assert 'aria-describedby="need-intensity-error" aria-invalid="true"' in html
    assert '<a href="#need-intensity">' in html  # the summary links to the field
    assert '<details class="form-card" id="record-need" open>' in html
    assert "keep these words" in html


def test_another_couples_pages_are_not_found(browser: Browser, second_browser: Browser) -> None:
    ledger = couple(browser, second_browser)
    from flask import Flask  # noqa: F401 - the third person uses the same app

    third = Browser(browser.client.application, browser.settings, browser.projector)
    third.sign_up("Robin")
    assert third.get(f"/ledgers/{ledger}").status_code == 404
    assert third.get(f"/ledgers/{ledger}/at?week=2026-W10").status_code == 404


def test_a_revoked_session_is_logged_out(browser: Browser) -> None:
    browser.sign_up("Kim")
    other = Browser(browser.client.application, browser.settings, browser.projector)
    other.submit("/login", {"email": "kim@example.com", "password": PASSWORD}, page="/login")
    assert other.get("/ledgers").status_code == 200
    browser.submit("/logout/everywhere", {}, page="/account")
    assert other.get("/ledgers").status_code == 302
    assert "/login" in other.client.get("/ledgers").headers["Location"]


def test_private_entries_are_marked_and_never_shown_to_the_partner(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    browser.submit(f"/ledgers/{ledger}/needs", {
        "submission_id": "p1", "need": "a private wish", "support_type": "esteem",
        "intensity": "2", "visibility": "private"}, page=f"/ledgers/{ledger}")
    browser.sync()
    mine = browser.get(f"/ledgers/{ledger}").get_data(as_text=True)
    assert "a private wish" in mine
    assert 'class="badge">private' in mine
    assert "a private wish" not in second_browser.get(f"/ledgers/{ledger}").get_data(as_text=True)


def test_the_balance_panel_draws_the_flow_and_never_keeps_score(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    second_browser.submit(f"/ledgers/{ledger}/care", {
        "submission_id": "c1", "description": "made tea", "support_type": "practical"},
        page=f"/ledgers/{ledger}")
    browser.sync()
    html = browser.get(f"/ledgers/{ledger}").get_data(as_text=True)
    assert '<svg id="flow-chart"' in html
    assert 'class="bar p1"' in html
    assert "After a few weeks you will see here how support flows between you." in html
    lowered = html.lower()
    for word in ("owes", "debt", "score", "points", "streak", "mutuality", "median", "%"):
        assert word not in lowered


def test_the_timeline_filters_by_kind_and_loads_more(browser: Browser,
                                                     second_browser: Browser) -> None:
    ledger = couple(browser, second_browser)
    for n in range(32):
        browser.submit(f"/ledgers/{ledger}/needs", {
            "submission_id": f"n{n}", "need": f"need number {n}", "support_type": "esteem",
            "intensity": "2"}, page=f"/ledgers/{ledger}")
    second_browser.submit(f"/ledgers/{ledger}/moments", {
        "submission_id": "m1", "kind": "good_news", "text": "a moment"},
        page=f"/ledgers/{ledger}")
    browser.sync()
    moments = browser.get(f"/ledgers/{ledger}?kind=moment").get_data(as_text=True)
    assert "a moment" in moments
    assert "need number" not in moments
    first = browser.get(f"/ledgers/{ledger}?kind=need").get_data(as_text=True)
    assert first.count('class="entry need') == 30
    more = re_search(r'href="([^"]+after=[^"]+)"', first).replace("&amp;", "&")
    rest = browser.get(more).get_data(as_text=True)
    assert rest.count('class="entry need') == 2


def re_search(pattern: str, text: str) -> str:
    import re

    found = re.search(pattern, text)
    assert found, pattern
    return found.group(1)


def test_the_export_dialog_downloads_a_recorded_export_and_shows_the_fingerprint(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    page = browser.get(f"/ledgers/{ledger}/export").get_data(as_text=True)
    assert re_search(r'id="fingerprint">([0-9a-f ]+)<', page).count(" ") == 7
    answer = browser.submit(f"/ledgers/{ledger}/export",
                            {"format": "csv", "sections": "timeline"})
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert browser.last_html.startswith("id,kind,author")
    assert "Export it first" in browser.get(f"/ledgers/{ledger}/leave").get_data(as_text=True)


def test_the_export_dialog_refuses_no_sections_and_exports_a_period_its_last_day_included(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    export = f"/ledgers/{ledger}/export"
    refused = browser.submit(export, {"format": "csv"}, page=export)
    assert refused.status_code == 422
    assert "Please choose at least one section." in browser.last_html
    refused = browser.submit(export, {"format": "csv", "sections": "timeline",
                                      "from": "2026-02-31"}, page=export)
    assert refused.status_code == 422 and "Please give a day, like 2026-03-02" in browser.last_html
    browser.get(f"/ledgers/{ledger}")
    recorded = browser.submit(f"/ledgers/{ledger}/needs", {
        "submission_id": "n1", "need": "a quiet evening", "support_type": "emotional",
        "intensity": "2", "occurred_at": "2026-02-20T21:00"})
    assert recorded.status_code == 303, browser.last_html
    browser.sync()

    def exported(start: str, end: str) -> str:
        answer = browser.submit(export, {"format": "csv", "sections": "timeline",
                                         "from": start, "to": end}, page=export)
        assert answer.status_code == 200
        return str(browser.last_html)

    assert "a quiet evening" in exported("2026-02-20", "2026-02-20")
    assert "a quiet evening" not in exported("2026-02-01", "2026-02-19")
    assert "a quiet evening" not in exported("2026-02-21", "2026-03-01")


def test_the_live_position_moves_for_what_i_may_see_and_only_for_partners(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    browser.sync()

    def live(who: Browser) -> int:
        answer = who.client.get(f"/ledgers/{ledger}/live")
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "no-store"
        return int(answer.json["position"])

    start = live(browser)
    assert f'data-position="{start}"' in browser.get(f"/ledgers/{ledger}").get_data(as_text=True)
    second_browser.get(f"/ledgers/{ledger}")
    second_browser.submit(f"/ledgers/{ledger}/needs", {
        "submission_id": "p1", "need": "only mine", "support_type": "esteem", "intensity": "2",
        "visibility": "private"})
    browser.sync()
    assert live(browser) == start  # the partner's private entry does not wake my page
    assert live(second_browser) > start
    second_browser.get(f"/ledgers/{ledger}")
    second_browser.submit(f"/ledgers/{ledger}/needs", {
        "submission_id": "p2", "need": "for both", "support_type": "esteem", "intensity": "2"})
    browser.sync()
    assert live(browser) > start

    third = Browser(browser.client.application, browser.settings, browser.projector)
    assert third.client.get(f"/ledgers/{ledger}/live").status_code in (302, 303)
    third.sign_up("Robin")
    assert third.client.get(f"/ledgers/{ledger}/live").status_code == 404


def test_a_share_asked_for_on_the_page_lives_at_most_ninety_days(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    page = f"/ledgers/{ledger}/shares"
    refused = browser.submit(page, {"label": "Dr. Rivera", "days": "91",
                                    "sections": "timeline"}, page=page)
    assert refused.status_code == 422
    assert "between 1 and 90 days." in browser.last_html
    assert 'max="90"' in browser.last_html
    accepted = browser.submit(page, {"label": "Dr. Rivera", "days": "90",
                                     "sections": "timeline"}, page=page)
    assert accepted.status_code == 303


def test_log_in_never_redirects_off_the_site(browser: Browser) -> None:
    browser.sign_up("Kim")
    browser.submit("/logout", {}, page="/ledgers")
    for link in ("/login?next=/%09/evil.example/", "/login?next=//evil.example/",
                 "/login?next=/%5Cevil.example", "/login?next=https://evil.example/",
                 "/login?next=/ledgers%0A/x", "/login?next=%20/ledgers",
                 "/login?next=javascript:alert(1)"):
        page = browser.get(link).get_data(as_text=True)
        carried = html.unescape(page.split('name="next" value="')[1].split('"')[0])
        answer = browser.client.post("/login", data={
            "csrf_token": browser.csrf(), "email": "kim@example.com", "password": PASSWORD,
            "next": carried})
        assert answer.status_code == 303
        assert answer.headers["Location"] == "/ledgers", link
        browser.submit("/logout", {}, page="/ledgers")
    browser.get("/login")
    kept = browser.client.post("/login", data={
        "csrf_token": browser.csrf(), "email": "kim@example.com", "password": PASSWORD,
        "next": "/account"})
    assert kept.headers["Location"] == "/account"


def test_private_pages_are_never_stored_and_cookies_are_lax(browser: Browser) -> None:
    flask_cookie = browser.get("/signup").headers.get("Set-Cookie", "")
    assert "SameSite=Lax" in flask_cookie and "HttpOnly" in flask_cookie
    browser.sign_up("Kim")
    for path in ("/account", "/join", "/login", "/ledgers", "/signup"):
        assert browser.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in browser.get("/").headers.get("Cache-Control", "")


def test_the_account_page_says_a_forgotten_password_can_be_reset_by_email(
    browser: Browser,
) -> None:
    browser.sign_up("Kim")
    html = browser.get("/account").get_data(as_text=True)
    assert "forgotten password can be reset by email" in html
    assert "every other place you are logged in is logged out" in html


def test_words_left_in_a_ledger_can_be_forgotten_later_from_the_account_page(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    browser.submit(f"/ledgers/{ledger}/needs", {"need": "ZQWORDSLEFT", "intensity": "2",
                                                "support_type": "emotional",
                                                "submission_id": "a"}, page=f"/ledgers/{ledger}")
    left = browser.submit(f"/ledgers/{ledger}/leave", {"confirm": "on"},
                          page=f"/ledgers/{ledger}/leave")
    assert left.status_code == 303
    browser.sync()
    assert "ZQWORDSLEFT" in second_browser.get(f"/ledgers/{ledger}").get_data(as_text=True)
    page = browser.get("/account").get_data(as_text=True)
    assert "Notes you left" in page and f"/account/left/{ledger}/forget" in page
    answer = browser.submit(f"/account/left/{ledger}/forget", {}, page="/account")
    assert answer.status_code == 303
    assert "Notes you left" not in browser.get("/account").get_data(as_text=True)
    browser.sync()
    assert "ZQWORDSLEFT" not in second_browser.get(f"/ledgers/{ledger}").get_data(as_text=True)
    refused = second_browser.client.post(f"/account/left/{ledger}/forget", data={
        "csrf_token": second_browser.csrf()})
    assert refused.status_code == 404  # only for a ledger one has left


def test_opening_is_recorded_once_and_the_invite_page_can_be_reloaded(browser: Browser) -> None:
    browser.sign_up("Alex")
    browser.get("/ledgers/new")
    form = {"csrf_token": browser.csrf(), "name": "Us", "timezone": "UTC",
            "submission_id": "open-1"}
    first = browser.client.post("/ledgers/new", data=form)
    again = browser.client.post("/ledgers/new", data=form)  # a reload re-posts the form
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert first.headers["Location"].endswith("/invite")
    ledgers = browser.get("/ledgers").get_data(as_text=True)
    assert ledgers.count('href="/ledgers/') - ledgers.count('href="/ledgers/new') == 1

    shown = browser.get(first.headers["Location"]).get_data(as_text=True)
    code = re_search(r'id="invite-code">([^<]+)<', shown)
    assert code in browser.get(first.headers["Location"]).get_data(as_text=True)
    assert f"/join?code={code}" in shown

    browser.submit(first.headers["Location"], {"submission_id": "new-code"},
                   page=first.headers["Location"])
    renewed = browser.get(first.headers["Location"]).get_data(as_text=True)
    assert re_search(r'id="invite-code">([^<]+)<', renewed) != code


def test_an_invite_link_brings_a_new_partner_through_sign_up_to_the_filled_in_code(
    browser: Browser, second_browser: Browser,
) -> None:
    browser.sign_up("Alex")
    _, code = browser.open_ledger()
    link = f"/join?code={code}"
    to_login = second_browser.client.get(link)
    assert to_login.status_code == 302
    login = second_browser.get(to_login.headers["Location"]).get_data(as_text=True)
    signup_link = re_search(r'href="(/signup\?next=[^"]+)"', login).replace("&amp;", "&")
    second_browser.get(signup_link)
    signed_up = second_browser.submit("/signup", {
        "email": "sam@example.com", "password": "correct horse battery",
        "display_name": "Sam", "next": re_search(r'name="next" value="([^"]*)"',
                                                 second_browser.last_html)})
    assert signed_up.status_code == 303
    assert signed_up.headers["Location"] == link
    page = second_browser.get(link).get_data(as_text=True)
    assert f'value="{code}"' in page
