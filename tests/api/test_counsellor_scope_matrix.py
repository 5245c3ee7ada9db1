"""What a counsellor may see through a share: share scope × format × kind of content,
generated from one table of rules (DESIGN §1 "Consent", §5; security audit 2026-11-30,
findings 2, 3, 17 and 29).

One ledger per backend holds one entry of every kind, each with its own marker word,
and one share per scope in SCOPES. For each scope the test reads the four readers of a
share (the page and every download format) and checks every cell (reader × kind of
content) against the rules, then reports every wrong cell at once. A format or a
section added to the code without a row or column in TABLE fails
`test_the_rules_cover_every_format_and_every_section`.

The rules (the product decision):
- Words of entries reach a counsellor only through the sections that carry words in
  that reader (WORDS in SECTION_CHANNELS): "timeline" everywhere, "raw_events" in the
  JSON only. CSV is the timeline only: without "timeline" it is its header alone.
- Check-ins (notes and felt_supported) only with "check_ins", only for weeks both
  partners checked in, and only through a section that carries words.
- A private entry only for a partner who opted in: the requester's `include_private`
  in the request, the approver's in the approval.
- A retracted entry never: neither its words nor its events, not even in raw_events.
- Nothing that occurred before the share's `from` or at/after its `to`; the summary's
  figures and turns count nothing before `from`.
- Balance figures, turns and check-in figures each only with their own section, in
  every reader that shows them (the page and the PDF, chart included, as the JSON).
- Never: a share's url or token (the page's own download links aside), a share's
  label, share or export events, invite codes or hashes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from projections.export.csv_export import COLUMNS
from projections.export.writer import SECTIONS
from services.exports import FORMATS
from tests.api.conftest import Api, Person
from tests.conftest import Projector, migrated, postgres_schema
from tests.helpers import ManualClock
from web import create_app
from web.services import services

PAGE = "page"  # GET /share/<token>; the other readers are /share/<token>/download.<format>
READERS = (PAGE, *FORMATS)

# What each section opens, reader by reader:
WORDS = "words"  # entries' words and check-ins (as a timeline, or as raw events)
EVENTS = "events"  # the raw events themselves
FIGURES = "figures"  # balance figures: care each way, needs, responsiveness, adequacy
TURNS = "turns"  # where the tables turned
CHECK_IN_FIGURES = "check-in figures"  # counts and means of felt_supported

# The table: reader × section -> what the section lets through to that reader.
TABLE_SECTIONS = ("timeline", "balance", "turns", "check_ins", "raw_events")
TABLE: dict[str, tuple[set[str], ...]] = {
    #        timeline  balance    turns    check_ins           raw_events
    PAGE:   ({WORDS}, {FIGURES}, {TURNS}, {CHECK_IN_FIGURES}, set()),
    "json": ({WORDS}, {FIGURES}, {TURNS}, {CHECK_IN_FIGURES}, {WORDS, EVENTS}),
    "csv":  ({WORDS}, set(),     set(),   set(),              set()),
    "pdf":  ({WORDS}, {FIGURES}, {TURNS}, {CHECK_IN_FIGURES}, set()),
}
SECTION_CHANNELS = {reader: dict(zip(TABLE_SECTIONS, map(frozenset, row), strict=True))
                    for reader, row in TABLE.items()}

FROM = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday, the week the ledger opens (2026-W10)
TO = datetime(2026, 3, 16, tzinfo=UTC)  # two weeks later (2026-W12)
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)  # when the counsellor reads
TURN_BEFORE_FROM = "2026-02-23"  # the Monday of the turn seeded before FROM (2026-W09)
SAM_CARE_IN_SCOPE, SAM_CARE_BEFORE_FROM, ALEX_CARE_BEFORE_FROM = 1, 5, 5


@dataclass(frozen=True)
class Scope:
    sections: tuple[str, ...]
    private: tuple[str, ...] = ()  # who opted in: "alex" (requests), "sam" (approves)
    dated: bool = False  # from FROM to TO, or no bounds

    @property
    def id(self) -> str:
        sections = "all" if set(self.sections) == set(SECTIONS) else "+".join(self.sections)
        return "-".join([sections, "+".join(self.private) or "nobody",
                         "dated" if self.dated else "undated"])

    @property
    def label(self) -> str:
        bounds = f" / from {FROM:%Y-%m-%d} to {TO:%Y-%m-%d}" if self.dated else ""
        return (f"sections=[{', '.join(self.sections)}] / private of "
                f"{' and '.join(self.private) or 'nobody'}{bounds}")

    def opens(self, reader: str, channel: str) -> bool:
        row = SECTION_CHANNELS.get(reader, {})
        return any(channel in row.get(section, ()) for section in self.sections)


SCOPES = [
    Scope(SECTIONS),
    Scope(SECTIONS, ("alex",)),
    Scope(SECTIONS, ("sam",)),
    Scope(SECTIONS, ("alex", "sam")),
    Scope(SECTIONS, ("alex", "sam"), dated=True),
    *(Scope((section,), ("alex", "sam")) for section in SECTIONS),
    Scope(("timeline", "check_ins")),
    Scope(("raw_events", "check_ins"), ("alex", "sam")),
    Scope(("timeline", "raw_events"), ("alex", "sam"), dated=True),
    Scope(("balance", "turns", "check_ins"), dated=True),
]

# Words of entries: (kind of content, its marker word, when it may reach a counsellor
# besides a section carrying words). Markers have no spaces (PDF text wraps lines).
CONDITIONS: dict[str, Callable[[Scope], bool]] = {
    "always": lambda scope: True,
    "never": lambda scope: False,
    "Alex opted in": lambda scope: "alex" in scope.private,
    "Sam opted in": lambda scope: "sam" in scope.private,
    "check_ins shared": lambda scope: "check_ins" in scope.sections,
    "no from": lambda scope: not scope.dated,
    "no to": lambda scope: not scope.dated,
}
ENTRY_WORDS = [
    ("SHARED NEED words", "ZQNEEDSHARED", "always"),
    ("CARE words", "ZQCAREWORDS", "always"),
    ("ACKNOWLEDGEMENT note", "ZQACKNOTE", "always"),
    ("RESOLUTION note", "ZQMETNOTE", "always"),
    ("MOMENT words", "ZQMOMENTWORDS", "always"),
    ("ALEX'S PRIVATE NEED words", "ZQALEXPRIVATE", "Alex opted in"),
    ("SAM'S PRIVATE MOMENT words", "ZQSAMPRIVATE", "Sam opted in"),
    ("CHECK-IN note, both checked in, Alex", "ZQCHECKALEXBOTH", "check_ins shared"),
    ("CHECK-IN note, both checked in, Sam", "ZQCHECKSAMBOTH", "check_ins shared"),
    ("CHECK-IN note, only Alex checked in", "ZQCHECKALEXALONE", "never"),
    ("RETRACTED NEED words", "ZQRETRACTED", "never"),
    ("RETRACTION reason", "ZQRETRACTREASON", "never"),
    ("NEED before the share's from", "ZQBEFOREFROM", "no from"),
    ("NEED at the share's to", "ZQATTO", "no to"),
]
# A reader that shows one line of words per entry may leave a need's resolution note out.
MAY_OMIT = {("RESOLUTION note", reader) for reader in (PAGE, "csv", "pdf")}
LABEL = "ZQLABEL"  # every share's label starts with it

ANY = object()  # the cell is not checked: the reader may show it or not


# ------------------------------------------------------------------------ the world

@dataclass
class World:
    api: Api
    urls: dict[str, str]  # scope id -> its share's url
    tokens: dict[str, str]  # every share's label -> its token (the revoked one's too)
    names: dict[str, str]  # partner id -> display name
    invite_code: str
    retracted_id: str


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Seeded once per backend (and xdist worker): the `api` fixture is per test."""
    with contextlib.ExitStack() as stack:
        folder: Path = tmp_path_factory.mktemp(f"scope-matrix-{request.param}")
        url = (f"sqlite:///{folder}/ebbflow.db" if request.param == "sqlite"
               else stack.enter_context(postgres_schema()))
        settings = migrated(url, folder)
        clock = ManualClock()
        app = create_app({"EBBFLOW_SETTINGS": settings, "TESTING": True,
                          "EBBFLOW_CLOCK": clock})
        projector = Projector(settings)
        try:
            yield seed(Api(app, settings, projector), clock)
        finally:
            projector.close()
            with app.app_context():
                services().close()


def ok(answer: Any, status: int = 201) -> Any:
    assert answer.status_code == status, answer.get_data(as_text=True)
    return answer.json


def seed(api: Api, clock: ManualClock) -> World:
    alex, sam = api.person("Alex"), api.person("Sam")
    opened = ok(alex.post("/api/v1/ledgers", {"name": "Us", "timezone": "Europe/London"}))
    ledger = opened["id"]
    ok(sam.post("/api/v1/ledgers/join", {"invite_code": opened["invite_code"]}), 200)
    at = f"/api/v1/ledgers/{ledger}"

    def need(who: Person, words: str, **more: Any) -> str:
        return str(ok(who.post(f"{at}/needs", {"need": words, "intensity": 3,
                                               "support_type": "emotional", **more}))["id"])

    def care(who: Person, words: str, **more: Any) -> str:
        return str(ok(who.post(f"{at}/care", {"description": words,
                                              "support_type": "practical", **more}))["id"])

    # Before FROM: Alex carries the care (2026-W02), then Sam does (2026-W09): a turn
    # to Sam in the week of TURN_BEFORE_FROM; and a shared need.
    for index in range(ALEX_CARE_BEFORE_FROM):
        care(alex, "earlier care", occurred_at=f"2026-01-0{5 + index}T10:00:00Z")
    for index in range(SAM_CARE_BEFORE_FROM):
        care(sam, "later care", occurred_at=f"2026-02-2{3 + index}T10:00:00Z")
    need(alex, "ZQBEFOREFROM", occurred_at="2026-02-25T10:00:00Z")

    # Inside [FROM, TO): every kind of entry.
    clock.now = datetime(2026, 3, 3, 10, tzinfo=UTC)
    shared_need = need(alex, "ZQNEEDSHARED")
    clock.advance(hours=1)
    answer = care(sam, "ZQCAREWORDS", in_response_to=shared_need)
    clock.advance(hours=1)
    ok(alex.post(f"{at}/care/{answer}/acknowledgement", {"adequacy": "right",
                                                         "note": "ZQACKNOTE"}))
    clock.advance(hours=1)
    ok(alex.post(f"{at}/needs/{shared_need}/resolution", {"outcome": "met",
                                                          "note": "ZQMETNOTE"}))
    clock.advance(days=1)
    ok(sam.post(f"{at}/moments", {"kind": "appreciation", "text": "ZQMOMENTWORDS"}))
    need(alex, "ZQALEXPRIVATE", visibility="private")
    ok(sam.post(f"{at}/moments", {"kind": "good_news", "text": "ZQSAMPRIVATE",
                                  "visibility": "private"}))
    ok(alex.post(f"{at}/check-ins", {"week": "2026-W10", "felt_supported": 7,
                                     "note": "ZQCHECKALEXBOTH"}))
    ok(sam.post(f"{at}/check-ins", {"week": "2026-W10", "felt_supported": 3,
                                    "note": "ZQCHECKSAMBOTH"}))
    clock.now = datetime(2026, 3, 10, 10, tzinfo=UTC)
    ok(alex.post(f"{at}/check-ins", {"week": "2026-W11", "felt_supported": 1,
                                     "note": "ZQCHECKALEXALONE"}))
    retracted = need(alex, "ZQRETRACTED")
    clock.advance(hours=1)
    ok(alex.post(f"{at}/entries/{retracted}/retraction", {"reason": "ZQRETRACTREASON"}))

    # Still inside [FROM, TO): an export, and the shares (so their events are in range).
    clock.now = datetime(2026, 3, 12, 10, tzinfo=UTC)
    export = alex.get(f"{at}/export?format=csv")
    assert export.status_code == 200
    export.close()
    tokens: dict[str, str] = {}

    def share(label: str, scope: Scope) -> str:
        bounds = {"from": FROM.isoformat(), "to": TO.isoformat()} if scope.dated else {}
        asked = ok(alex.post(f"{at}/shares", {
            "label": label, "expires_at": "2026-05-01T00:00:00Z",
            "sections": list(scope.sections), "include_private": "alex" in scope.private,
            **bounds}))
        url = str(ok(sam.post(f"{at}/shares/{asked['id']}/approval",
                              {"include_private": "sam" in scope.private}), 200)["url"])
        tokens[label] = url.removeprefix("/share/")
        return str(asked["id"])

    share(f"{LABEL}OTHER", Scope(SECTIONS, ("alex", "sam")))  # the widest: never to leak
    revoked = share(f"{LABEL}REVOKED", Scope(SECTIONS, ("alex", "sam")))
    assert alex.call("DELETE", f"{at}/shares/{revoked}").status_code == 204
    urls = {}
    for number, scope in enumerate(SCOPES):
        label = f"{LABEL}{chr(ord('A') + number)}"
        share(label, scope)
        urls[scope.id] = f"/share/{tokens[label]}"

    # At TO (so outside every dated scope), and then the counsellor reads.
    clock.now = datetime(2026, 3, 17, 10, tzinfo=UTC)
    need(alex, "ZQATTO", occurred_at=TO.isoformat())
    clock.now = NOW
    api.sync()

    # The partners see the turn, and their window to TO counts Sam's care before
    # FROM: the cells on turns and figures are not vacuous.
    own = ok(alex.get(f"{at}/balance"), 200)
    assert [t["at"][:10] for t in own["turns"]] == [TURN_BEFORE_FROM], own["turns"]
    to = ok(alex.get(f"{at}/balance", query_string={"as_of": TO.isoformat()}), 200)
    assert to["partners"][sam.id]["care_given"] == SAM_CARE_IN_SCOPE + SAM_CARE_BEFORE_FROM
    return World(api=api, urls=urls, tokens=tokens,
                 names={alex.id: "Alex", sam.id: "Sam"},
                 invite_code=opened["invite_code"], retracted_id=retracted)


# ------------------------------------------------------------------------- readers

@dataclass
class Seen:
    reader: str
    text: str
    document: dict[str, Any] | None = None  # json
    rows: list[list[str]] | None = None  # csv, header first
    drawing: bytes = b""  # pdf: the pages' content streams (the chart)


def read(api: Api, url: str, reader: str) -> Seen:
    answer = api.client.get(url if reader == PAGE else f"{url}/download.{reader}")
    assert answer.status_code == 200, (reader, answer.status_code)
    data = answer.get_data()
    answer.close()
    if reader == "pdf":
        pdf = PdfReader(io.BytesIO(data))
        return Seen(reader, "\n".join(page.extract_text() for page in pdf.pages),
                    drawing=b"".join(contents.get_data() for page in pdf.pages
                                     if (contents := page.get_contents()) is not None))
    text = data.decode()
    if reader == "json":
        return Seen(reader, text, document=json.loads(text))
    if reader == "csv":
        return Seen(reader, text, rows=list(csv.reader(io.StringIO(text))))
    return Seen(reader, text)


# --------------------------------------------------------------------------- cells
# Each cell: (kind of content, expected, found). Booleans mean shown or hidden;
# other values are compared as they are; ANY is not checked.

def summary_of(seen: Seen) -> dict[str, Any]:
    assert seen.document is not None
    return dict(seen.document.get("summary") or {})


def by_name(world: World, figures: dict[str, Any]) -> dict[str, Any]:
    return {world.names.get(pid, pid): value for pid, value in figures.items()}


def check_in_count(seen: Seen) -> int:
    """How many check-ins the reader shows (as items, rows or raw events)."""
    if seen.document is not None:
        ids = {item["id"] for item in seen.document.get("timeline", [])
               if item.get("kind") == "check_in"}
        ids |= {str(event["data"].get("entry_id")) for event in seen.document["events"]
                if event["type"] == "CheckedIn"}
        return len(ids)
    if seen.rows is not None:
        return sum(1 for row in seen.rows[1:] if row[COLUMNS.index("kind")] == "check_in")
    if seen.reader == PAGE:
        return seen.text.count('class="entry check-in"')
    return len(re.findall(r"Felt supported \d+ of 10", seen.text))  # the appendix's lines


def retracted_entry(seen: Seen, world: World) -> bool:
    """The retracted entry as an item, a row or an event (not only its words)."""
    if seen.document is not None:
        ids = {item["id"] for item in seen.document.get("timeline", [])}
        for event in seen.document["events"]:
            data = event["data"]
            if event["type"] == "EntryRetracted" or event.get("retracted"):
                return True
            ids |= {str(data.get(key)) for key in ("entry_id", "need_id")}
        return world.retracted_id in ids
    if seen.rows is not None:
        return any(row[0] == world.retracted_id for row in seen.rows[1:])
    return False


def care_counted(seen: Seen, world: World) -> Any:
    if seen.document is not None:
        partners = summary_of(seen).get("partners")
        return None if partners is None else by_name(
            world, {pid: flow["care_given"] for pid, flow in partners.items()})
    spoken = {"once": 1, "twice": 2}
    found = {name: spoken.get(count) or int(count) for name, count in re.findall(
        r"(Alex|Sam):\s+care\s+offered\s+(\d+|once|twice)", seen.text)}  # PDF text wraps
    return found or None


def turns_shown(seen: Seen) -> Any:
    if seen.document is not None:
        turns = summary_of(seen).get("turns")
        return None if turns is None else [str(turn["at"])[:10] for turn in turns]
    return ("more of the care came from" in seen.text or "23 February 2026" in seen.text
            or DASHED.search(seen.drawing) is not None)  # the chart marks a turn


def check_in_figures(seen: Seen, world: World) -> Any:
    if seen.document is not None:
        figures = summary_of(seen).get("check_ins")
        return None if figures is None else by_name(
            world, {pid: [c["count"], c["mean_felt_supported"]] for pid, c in figures.items()})
    return "Weekly check-ins of" in seen.text or "felt supported, week by week" in seen.text


DASHED = re.compile(rb"\[[\d. ]+\] [\d.]+ d")  # a dash pattern set in a PDF stream


def timeline_shown(seen: Seen) -> bool:
    if seen.document is not None:
        return "timeline" in seen.document
    if seen.rows is not None:
        return len(seen.rows) > 1
    if seen.reader == PAGE:
        return 'id="tl"' in seen.text
    return "Appendix: every entry, week by week" in seen.text


def cells(scope: Scope, seen: Seen, world: World) -> Iterator[tuple[str, Any, Any]]:
    reader, text = seen.reader, seen.text
    words = scope.opens(reader, WORDS)
    for name, marker, condition in ENTRY_WORDS:
        expected: Any = words and CONDITIONS[condition](scope)
        if expected and (name, reader) in MAY_OMIT:
            expected = ANY
        yield name, expected, marker in text
    yield ("CHECK-INS shown (items, rows or events)",
           2 if words and "check_ins" in scope.sections else 0, check_in_count(seen))
    yield "RETRACTED ENTRY as an item, row or event", False, retracted_entry(seen, world)
    yield "TIMELINE section", "timeline" in scope.sections, timeline_shown(seen)
    if seen.rows is not None:
        yield "CSV header", list(COLUMNS), seen.rows[0] if seen.rows else None
    raw_events = bool(seen.document["events"]) if seen.document is not None \
        else any(kind in text for kind in ("NeedExpressed", "PartnerJoined", "CareOffered"))
    yield "RAW EVENTS", scope.opens(reader, EVENTS), raw_events

    figures = scope.opens(reader, FIGURES)
    shown = bool(summary_of(seen).get("partners") or summary_of(seen).get("window")) \
        if seen.document is not None else "Care each way, week by week" in text
    yield "BALANCE FIGURES", figures, shown
    if reader != "csv":
        in_scope = SAM_CARE_IN_SCOPE + (0 if scope.dated else SAM_CARE_BEFORE_FROM)
        # The JSON's summary counts its window (the 8 weeks to now); the report and the
        # page count the whole period the share covers.
        alex = 0 if seen.document is not None or scope.dated else ALEX_CARE_BEFORE_FROM
        yield ("CARE COUNTED in the figures (care_given)",
               {"Alex": alex, "Sam": in_scope} if figures else ANY, care_counted(seen, world))
    turns = scope.opens(reader, TURNS)
    if seen.document is not None:
        expected_turns: Any = ([] if scope.dated else [TURN_BEFORE_FROM]) if turns else None
    else:
        expected_turns = turns and not scope.dated
    yield "TURNS (the one turn is before from)", expected_turns, turns_shown(seen)
    check_ins = scope.opens(reader, CHECK_IN_FIGURES)
    if seen.document is not None:
        expected_figures: Any = ({"Alex": [1, 7.0], "Sam": [1, 3.0]} if check_ins else None)
    else:
        expected_figures = ANY if check_ins else False
    yield "CHECK-IN FIGURES", expected_figures, check_in_figures(seen, world)

    own = world.urls[scope.id].removeprefix("/share/")
    others = sorted(label for label, token in world.tokens.items()
                    if token != own and token in text)
    yield "OTHER SHARES' urls or tokens", [], others
    yield ("THIS SHARE'S url or token", ANY if reader == PAGE else False,
           own in text)  # the page links to its own downloads
    yield "SHARE LABELS", False, LABEL in text
    yield ("SHARE EVENTS (requested, approved, revoked)", False,
           any(kind in text for kind in ("ShareRequested", "ShareApproved", "ShareRevoked")))
    yield "EXPORT EVENTS (ExportTaken)", False, "ExportTaken" in text
    yield ("INVITE codes or hashes", False,
           world.invite_code in text or "invite_hash" in text or "token_hash" in text)


def describe(expected: Any, found: Any) -> str:
    if isinstance(expected, bool):
        return (f"expected {'shown' if expected else 'hidden'}, "
                f"{'found' if found else 'not found'}")
    return f"expected {expected!r}, found {found!r}"


# --------------------------------------------------------------------------- tests

def test_the_rules_cover_every_format_and_every_section() -> None:
    assert set(TABLE) == {PAGE, *FORMATS}, \
        "every reader (the page and each of web.exports.FORMATS) needs a row in TABLE"
    assert set(TABLE_SECTIONS) == set(SECTIONS), \
        "every section of projections.export.writer.SECTIONS needs a column in TABLE"
    assert {scope.sections for scope in SCOPES} >= {(section,) for section in SECTIONS}
    assert all(set(scope.sections) <= set(SECTIONS) for scope in SCOPES)


def test_the_rules_name_known_conditions_and_distinct_markers() -> None:
    markers = [marker for _, marker, _ in ENTRY_WORDS]
    assert all(condition in CONDITIONS for _, _, condition in ENTRY_WORDS)
    assert all(a == b or a not in b for a in markers for b in markers)
    assert not any(LABEL in marker or marker in LABEL for marker in markers)
    assert len({scope.id for scope in SCOPES}) == len(SCOPES)


@pytest.mark.parametrize("scope", SCOPES, ids=[scope.id for scope in SCOPES])
def test_a_counsellor_sees_exactly_what_the_share_allows(world: World, scope: Scope) -> None:
    failures = []
    for reader in READERS:
        if reader not in SECTION_CHANNELS:
            failures.append(f"{reader} / no row in SECTION_CHANNELS")
            continue
        seen = read(world.api, world.urls[scope.id], reader)
        for name, expected, found in cells(scope, seen, world):
            if expected is not ANY and expected != found:
                failures.append(f"{reader} / {scope.label} / {name}: "
                                f"{describe(expected, found)}")
    assert not failures, f"{len(failures)} wrong cell(s):\n" + "\n".join(failures)
