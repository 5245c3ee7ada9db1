"""The couple's home (issue 16): record first, then what waits for me, the flow told
in words and drawn on dated weeks, then the timeline as a conversation; nothing
preset to steer an answer, no score, no week codes, "Recorded" said after a submit."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from tests.helpers import ManualClock
from tests.pages.conftest import Browser
from tests.pages.test_pages import couple

WEEK_CODE = re.compile(r"\b\d{4}-W\d{2}\b")


def post(who: Browser, ledger: str, path: str, **fields: Any) -> Any:
    """Posts a form of the home with the page's CSRF token, as a browser does."""
    if "csrf_token" not in who.last_html:
        who.get(f"/ledgers/{ledger}")
    answer = who.client.post(f"/ledgers/{ledger}/{path}",
                             data={"csrf_token": who.csrf(), **fields})
    assert answer.status_code in (303, 422), answer.get_data(as_text=True)[:300]
    return answer


def visible_text(html: str) -> str:
    """What a person reads: no tags, no attributes, no scripts."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def home(who: Browser, ledger: str, query: str = "") -> str:
    who.projector.sync()
    return str(who.get(f"/ledgers/{ledger}{query}").get_data(as_text=True))


def test_the_home_starts_with_the_ways_to_record_then_what_waits_then_the_flow(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    post(second_browser, ledger, "needs", need="to be heard tonight", support_type="emotional",
         intensity="3", submission_id="n1")
    html = home(browser, ledger)
    order = [html.index(marker) for marker in (
        "<summary>I need something</summary>", "<summary>I offered care</summary>",
        "<summary>Check in this week</summary>", "<summary>Share a moment</summary>",
        'id="waiting-title"', 'id="flow-title"', 'id="timeline-title"')]
    assert order == sorted(order)
    waiting = html[html.index('id="waiting-title"'):html.index('id="flow-title"')]
    assert "Sam needs: “to be heard tonight”" in waiting
    assert "You have not checked in this week." in waiting
    assert f"/ledgers/{ledger}?respond=" in waiting


def test_nothing_is_preset_to_steer_an_answer(browser: Browser, second_browser: Browser) -> None:
    ledger = couple(browser, second_browser)
    post(second_browser, ledger, "care", description="made tea", support_type="practical",
         submission_id="c1")
    html = home(browser, ledger)
    for name in ("felt_supported", "adequacy", "intensity", "support_type", "kind"):
        radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', html)
        assert radios, name
        assert not [r for r in radios if "checked" in r], name


def test_a_care_answering_a_need_says_so_and_how_it_felt_is_told_on_the_care(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    post(browser, ledger, "needs", need="help with the move", support_type="practical",
         intensity="4", submission_id="n1")
    browser.projector.sync()
    need_id = re.search(r'id="entry-([0-9a-f-]{36})"', home(browser, ledger)).group(1)
    post(second_browser, ledger, "care", description="packed the kitchen",
         support_type="practical", in_response_to=need_id, submission_id="c1")
    html = home(browser, ledger)
    care_id = re.search(r'id="entry-([0-9a-f-]{36})"', html).group(1)
    assert "Answering: “help with the move”" in html
    assert "Still on my mind · Sam answered" in html
    assert "matters a lot" in html

    answer = post(browser, ledger, f"care/{care_id}/acknowledgement", adequacy="right",
                  note="thank you", submission_id="a1", place="t")
    assert re.search(r"done=feel&seen=\d+#recorded$", answer.headers["Location"])
    html = home(browser, ledger, "?done=feel")
    assert 'role="status" tabindex="-1">Recorded. Sam will see how it felt.' in html
    assert "Alex said it felt right: “thank you”" in html
    assert 'class="entry acknowledgement' not in html  # folded into the care
    assert "Care for this felt right to you. Is it taken care of?" in html
    assert "felt right to you. Is it taken care of?" in html[:html.index('id="flow-title"')]
    sams = home(second_browser, ledger)
    assert "Still on Alex&#39;s mind · Sam answered" in sams
    assert "Is it taken care of?" not in sams  # offered to the need's author only


def test_the_flow_is_told_in_words_once_there_are_weeks_and_counts_sit_in_details(
    browser: Browser, second_browser: Browser, clock: ManualClock,
) -> None:
    clock.now += timedelta(weeks=6)  # entries below are written down afterwards
    ledger = couple(browser, second_browser)
    early = home(browser, ledger)
    assert "After a few weeks you will see here how support flows between you." in early
    for week in range(6):
        day = f"2026-03-{2 + 7 * week:02d}T12:00" if week < 5 else "2026-04-06T12:00"
        for n in range(3):
            post(second_browser, ledger, "care", description=f"care {week}.{n}",
                 support_type="emotional", quiet="on", submission_id=f"s{week}{n}",
                 occurred_at=day)
        post(browser, ledger, "care", description=f"mine {week}", support_type="esteem",
             quiet="on", submission_id=f"a{week}", occurred_at=day)
    html = home(browser, ledger)
    assert "These weeks care flowed mostly from Sam to Alex." in html
    details = html[html.index('<details class="details">'):]
    details = details[:details.index("</details>")]
    assert "care offered: 18" in details and "care offered: 6" in details
    outside = html.replace(details, "")
    assert "care offered" not in outside
    text = visible_text(html)
    for ruled_out in ("Mutuality", "median", "%", "0.0 hours"):
        assert ruled_out not in text
    assert not WEEK_CODE.search(text)


def test_the_chart_is_dated_has_a_scale_that_holds_while_replaying_and_a_table(
    browser: Browser, second_browser: Browser, clock: ManualClock,
) -> None:
    clock.now += timedelta(weeks=8)
    ledger = couple(browser, second_browser)
    for week in range(8):
        day = (datetime(2026, 3, 2, 12) + timedelta(weeks=week)).isoformat(timespec="minutes")
        for n in range(1 + (week == 6) * 5):  # one busy week near the end
            post(second_browser, ledger, "care", description=f"care {week}.{n}",
                 support_type="emotional", quiet="on", submission_id=f"s{week}{n}",
                 occurred_at=day)
    now = home(browser, ledger)
    chart = now[now.index('<svg id="flow-chart"'):now.index("</svg>")]
    ticks = re.findall(r'class="tick" text-anchor="end"[^>]*>(\d+)<', chart)
    assert ticks == ["0", "3", "6"]  # six care in the busiest week: the scale goes to 6
    assert re.search(r'class="date"[^>]*>Mar 2026<', chart)
    assert re.search(r'class="date"[^>]*>Apr<', chart)
    assert 'class="bar p1"' in chart
    replayed = home(browser, ledger, "?week=2026-W11")
    chart = replayed[replayed.index('<svg id="flow-chart"'):replayed.index("</svg>")]
    assert re.findall(r'class="tick" text-anchor="end"[^>]*>(\d+)<', chart) == ticks
    assert "The 2 weeks to 15 Mar 2026." in replayed  # never past the replayed week
    assert 'aria-valuetext="week of 9 Mar 2026"' in replayed
    assert "<caption>Week by week" in now and "<th scope=\"row\">week of 2 Mar 2026</th>" in now
    assert not WEEK_CODE.search(visible_text(replayed))


def test_a_new_ledger_explains_itself_and_shows_tools_only_once_there_is_something(
    browser: Browser,
) -> None:
    browser.sign_up("Alex")
    ledger, _ = browser.open_ledger()
    empty = home(browser, ledger)
    assert "Getting started" in empty
    assert "comfort and listening, advice and ideas" in empty
    assert 'data-example="I feel' in empty
    assert "Invite them…" in empty
    for later in ('id="replay"', 'class="filters"', "Export…", "Share with a counsellor…",
                  'id="flow-chart"'):
        assert later not in empty, later
    post(browser, ledger, "needs", need="a walk", support_type="emotional", intensity="2",
         submission_id="n1")
    after = home(browser, ledger)
    assert "Getting started" not in after
    assert 'class="filters"' in after and "Export…" in after


def test_a_refused_answer_on_a_card_comes_back_open_with_its_problem_marked(
    browser: Browser, second_browser: Browser,
) -> None:
    ledger = couple(browser, second_browser)
    post(second_browser, ledger, "care", description="made tea", support_type="practical",
         submission_id="c1")
    care_id = re.search(r'id="entry-([0-9a-f-]{36})"', home(browser, ledger)).group(1)
    refused = post(browser, ledger, f"care/{care_id}/acknowledgement", adequacy="so-so",
                   submission_id="a1", place="w")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    form = f"w-feel-{care_id}"
    assert f'id="{form}-problems" role="alert" tabindex="-1" data-focus-first' in html
    assert f'<a href="#{form}-adequacy">' in html
    assert f'id="{form}-adequacy" class="choices inline" aria-describedby="{form}-adequacy-error"' \
        ' aria-invalid="true"' in html
    assert html.count('data-focus-first') == 1
    assert len(re.findall(r'\bid="([^"]+)"', html)) == len(set(re.findall(r'\bid="([^"]+)"',
                                                                            html)))
