"""The counsellor's report of the demo couple's year (issue 17), read as a counsellor
and a screen reader would: every page numbered "n of N" under a running header with
the couple and the period and the confidentiality mark; the summary says what is in
and what is left out; the flow told in words, the turn with its date; charts with
dated axes; the appendix covers the whole period, every entry with its content; a
tagged PDF (structure tree, reading order, alt text for the charts) with metadata."""

from __future__ import annotations

import io
import re
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

import pikepdf
from pypdf import PdfReader

from ledger.infra.config import Settings
from projections.scope import ReadScope
from projections.story import week_label
from services.bootstrap import bootstrap
from services.exports import partner_export, report_of
from tests.conftest import Projector
from tests.helpers import ManualClock
from web.cli.demo import DEMO_PEOPLE, create_demo

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def structure(pdf: pikepdf.Pdf) -> tuple[list[str], list[str]]:
    """The structure tree's element types in reading order, and the figures' alt texts."""
    kinds: list[str] = []
    alts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                kinds.append(str(node.S))
                if str(node.S) == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot)
    return kinds, alts


def test_the_report_of_the_demo_year(settings: Settings, projector: Projector) -> None:
    demo = create_demo(settings, now=NOW)
    projector.sync()
    with closing(bootstrap(settings, ManualClock(NOW + timedelta(hours=1)))) as services:
        app = services.ledger
        alex = app.account_id_for_email(DEMO_PEOPLE[0][1])
        scope = ReadScope.partner(demo.ledger_id, alex, own_private=False)
        file = partner_export(app, services.reading, demo.ledger_id, alex, "pdf", scope,
                              catch_up=projector.sync)
        data = b"".join(file.chunks)
        facts = report_of(services.reading, services.reading.scoped(scope),
                          app.describe(app.get_ledger(demo.ledger_id, alex)), app.clock())

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    text = "\n".join(pages)
    count = len(pages)
    assert count > 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {count}" in page
        assert "Confidential — shared with both partners’ consent" in page
        assert f"Alex and Sam · {facts.period}" in page

    # the summary: who, the period, what is in and what is left out, the story, the turn
    first = pages[0]
    assert facts.start.weekday() == 0 and facts.start <= date(2025, 12, 1)  # the year, whole
    assert facts.end == date(2026, 11, 30)
    assert "What this report includes" in first and "What it leaves out" in first
    assert "Private entries of Alex and Sam: they are not in this report." in first
    assert "Entries their authors took back are left out." in first
    assert facts.story is not None and facts.story.headline in first
    assert facts.turns, "the demo's year has a change of direction"
    turn = facts.turns[0]
    assert f"Week of {turn.at.day} {turn.at:%B %Y}" in first
    assert f"more of the care came from {turn.giver} to {turn.receiver}" in first
    for word in ("score", "debt", "owe", "winner", "Mutuality", "median"):
        assert not re.search(rf"\b{word}\b", text), word

    # charts with dated axes, and what each shows
    for month in ("Jan", "Mar", "Jun", "Sep", "Nov"):
        assert re.search(rf"\b{month}\b", text), month
    for chart in ("How care was received, month by month",
                  "Needs voiced in the period, by the kind of support",
                  "Moments shared, month by month", "Where perceptions differ"):
        assert chart in text

    # the appendix: the whole period, every entry with its content
    assert f"All {facts.entries} entries of the period, oldest first." in text
    assert facts.listed == facts.entries > 400
    oldest = min(item["occurred_at"] for item in facts.items).astimezone(UTC).date()
    assert oldest - facts.start < timedelta(weeks=2)  # the period starts where the story does
    assert facts.weeks[0].label == week_label(oldest - timedelta(days=oldest.weekday()))
    assert facts.weeks[-1].label == "week of 30 Nov 2026"
    assert re.search(r"Felt supported \d+ of 10", text)  # check-ins with their score
    assert re.search(r"(felt right|would have liked more|a bit much) to (Alex|Sam)", text)
    assert "matters " in text and "answering “" in text

    # a tagged PDF, with metadata and alt text for every chart
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked)
        kinds, alts = structure(pdf)
        assert kinds[:3] == ["/Document", "/H1", "/Sect"] or kinds[0] == "/Document"
        assert kinds.index("/H1") < kinds.index("/H2") < kinds.index("/Table")
        assert "Care each way, week by week" in alts
        assert "How each of you felt supported, week by week" in alts
        assert all(alts) and len(alts) == 5
        info = pdf.docinfo
        assert str(info["/Title"]) == f"Counselling report: Alex and Sam, {facts.period}"
        assert str(info["/Author"]) == "Ebb & Flow"
