"""Properties of the projections over random valid histories (hypothesis):
a rebuild equals incremental processing, `as_of` equals a reference fold over the
events, and nobody ever sees the other partner's private entries."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ledger.app.application import LedgerApplication, migrate
from ledger.domain.exceptions import LedgerError
from ledger.domain.ledger import Ledger
from ledger.domain.values import Adequacy, Outcome, SupportType, Visibility
from ledger.domain.weeks import week_of, week_start
from projections.encoding import micros
from projections.read_models import ReadModels
from projections.runner import PROJECTIONS, catch_up, migrate_views, open_view, rebuild
from tests.conftest import settings_for
from tests.helpers import START, ManualClock, make_couple

FAR = 2**62
ACTIONS = ["need"] * 3 + ["care"] * 2 + ["answer"] * 3 + [
    "ack", "resolve", "check_in", "moment", "amend_time", "share", "retract"]
STEPS = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 1), st.integers(0, 10_000)),
                 min_size=15, max_size=60)


@contextlib.contextmanager
def fresh_instance(url_factory: Any, folder: Path) -> Iterator[Any]:
    with url_factory() as url:
        settings = settings_for(url, folder)
        migrate(settings)
        migrate_views(settings)
        yield settings.with_changes(create_tables=False)


def play(app: LedgerApplication, clock: ManualClock, steps: list[tuple[str, int, int]]) -> Any:
    couple = make_couple(app, tag=f"-{clock.now.timestamp()}")
    people = (couple.alex, couple.sam)
    lid = couple.ledger_id
    for action, who, seed in steps:
        clock.advance(hours=1 + seed % 50)
        actor = people[who]
        ledger = app.get_ledger(lid)
        standing = {e: r for e, r in ledger.entries.items() if not r[2] & 2}
        mine = [UUID(e) for e, r in standing.items() if r[1] == who]
        needs = [UUID(e) for e, r in standing.items() if r[1] != who and r[2] & 1
                 and r[0] == "n" and not r[2] & 48]
        cares = [UUID(e) for e, r in standing.items() if r[1] != who and r[2] & 1
                 and r[0] == "c" and not r[2] & 64]
        my_needs = [UUID(e) for e, r in standing.items() if r[1] == who and r[0] == "n"]
        with contextlib.suppress(LedgerError):
            if action == "need":
                app.express_need(lid, actor, need=f"need {seed}", intensity=1 + seed % 5,
                                 support_type=list(SupportType)[seed % 4],
                                 visibility=Visibility.PRIVATE if seed % 3 == 0
                                 else Visibility.SHARED,
                                 occurred_at=clock.now - timedelta(hours=seed % 200))
            elif action == "care":
                app.offer_care(lid, actor, description="care", support_type=SupportType.PRACTICAL,
                               quiet=seed % 2 == 0, occurred_at=clock.now - timedelta(hours=seed % 90),
                               visibility=Visibility.PRIVATE if seed % 5 == 0
                               else Visibility.SHARED)
            elif action == "answer" and needs:
                app.offer_care(lid, actor, description="answer", support_type=SupportType.EMOTIONAL,
                               in_response_to=needs[seed % len(needs)])
            elif action == "ack" and cares:
                app.acknowledge_care(lid, actor, care_id=cares[seed % len(cares)],
                                     adequacy=list(Adequacy)[seed % 3])
            elif action == "resolve" and my_needs:
                app.resolve_need(lid, actor, need_id=my_needs[seed % len(my_needs)],
                                 outcome=list(Outcome)[seed % 2])
            elif action == "check_in":
                app.check_in(lid, actor, felt_supported=seed % 11)
            elif action == "moment":
                app.share_moment(lid, actor, kind="good_news", text="yay",
                                 visibility=Visibility.PRIVATE if seed % 2 else Visibility.SHARED)
            elif action == "amend_time" and mine:
                app.amend_entry(lid, actor, entry_id=mine[seed % len(mine)], reason="time",
                                changes={"occurred_at": clock.now - timedelta(days=seed % 20)})
            elif action == "share" and mine:
                app.amend_entry(lid, actor, entry_id=mine[seed % len(mine)], reason="share",
                                changes={"visibility": Visibility.SHARED})
            elif action == "retract" and mine:
                app.retract_entry(lid, actor, entry_id=mine[seed % len(mine)], reason="no")
    return couple


def dump_views(settings: Any) -> dict[str, list[tuple[Any, ...]]]:
    dumped = {}
    for name in PROJECTIONS:
        view = open_view(settings, name)
        for table in view.all_tables():
            rows = view.query(f"SELECT * FROM {{{table}}}")
            dumped[f"{name}.{table}"] = sorted(tuple(row) if not isinstance(row, dict)
                                               else tuple(row.values()) for row in rows)
        view.datastore.close()
    return dumped


def reference_entries(app: LedgerApplication, ledger_id: UUID, viewer: UUID,
                      as_of: datetime) -> set[str]:
    """Which entries the viewer's timeline shows as of a moment, by folding events."""
    entries: dict[str, dict[str, Any]] = {}
    tz = "UTC"
    for event in app.events.get(ledger_id):
        if isinstance(event, Ledger.Opened):
            tz = event.timezone
        eid = getattr(event, "entry_id", None)
        if isinstance(event, Ledger.NeedExpressed | Ledger.CareOffered | Ledger.MomentShared):
            entries[eid.hex] = {"author": event.actor, "at": event.occurred_at,
                                "private": event.visibility is Visibility.PRIVATE,
                                "week": None}
        elif isinstance(event, Ledger.CareAcknowledged):
            entries[eid.hex] = {"author": event.actor, "at": event.timestamp, "private": False,
                                "week": None}
        elif isinstance(event, Ledger.CheckedIn):
            entries[eid.hex] = {"author": event.actor, "at": week_start(event.week, tz),
                                "private": False, "week": event.week}
        elif isinstance(event, Ledger.EntryAmended):
            if "occurred_at" in event.changes:
                entries[eid.hex]["at"] = event.changes["occurred_at"]
            if event.changes.get("visibility") is Visibility.SHARED:
                entries[eid.hex]["private"] = False
        elif isinstance(event, Ledger.EntryRetracted):
            entries[eid.hex]["retracted"] = True
    standing_check_ins: dict[str, set[str]] = {}  # a retracted check-in reveals nothing
    for e in entries.values():
        if e["week"] is not None and not e.get("retracted"):
            standing_check_ins.setdefault(e["week"], set()).add(e["author"].hex)
    return {
        eid for eid, e in entries.items()
        if not e.get("retracted") and e["at"] <= as_of
        and (not e["private"] or e["author"] == viewer)
        and (e["week"] is None or e["author"] == viewer
             or viewer.hex in standing_check_ins.get(e["week"], set()))
    }


def check_properties(settings: Any, steps: list[tuple[str, int, int]], cut: int) -> None:
    clock = ManualClock(START)
    app = LedgerApplication(settings, clock=clock)
    try:
        couple = play(app, clock, steps)
        catch_up(settings)
        incremental = dump_views(settings)
        models = ReadModels(settings)
        try:
            span = (clock.now - START).total_seconds()
            as_of = START + timedelta(seconds=span * cut / 10)
            for viewer, other in ((couple.alex, couple.sam), (couple.sam, couple.alex)):
                shown = models.timeline.page(couple.ledger_id, viewer, as_of=micros(as_of),
                                             known_at=FAR, filters={}, limit=1000,
                                             opener=app.keys.ledger_opener(couple.ledger_id)).items
                expected = reference_entries(app, couple.ledger_id, viewer, as_of)
                assert {UUID(i["id"]).hex for i in shown} == expected
                history = models.history.events(couple.ledger_id.hex, viewer, after=0,
                                                known_at=FAR, limit=10_000)
                for row in history:
                    assert row["private_to"] in (None, viewer.hex) or row["shared_at"]
                balance = models.balance.balance(couple.ledger_id, viewer, clock.now, 520)
                visible_care = [e for e in app.events.get(couple.ledger_id)
                                if isinstance(e, Ledger.CareOffered)]
                assert balance["partners"][str(other)]["care_given"] <= len(visible_care)
        finally:
            models.close()
        rebuild(settings, PROJECTIONS)
        assert dump_views(settings) == incremental
    finally:
        app.close()


@contextlib.contextmanager
def sqlite_url(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder}/ebbflow.db"


@pytest.mark.slow
@hypothesis_settings(max_examples=12, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, cut=st.integers(1, 10))
def test_views_are_consistent_on_sqlite(tmp_path_factory: pytest.TempPathFactory,
                                        steps: list[tuple[str, int, int]], cut: int) -> None:
    folder = tmp_path_factory.mktemp("prop")
    with fresh_instance(lambda: sqlite_url(folder), folder) as settings:
        check_properties(settings, steps, cut)


@pytest.mark.slow
@pytest.mark.postgres
@hypothesis_settings(max_examples=4, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, cut=st.integers(1, 10))
def test_views_are_consistent_on_postgres(tmp_path_factory: pytest.TempPathFactory,
                                          steps: list[tuple[str, int, int]], cut: int) -> None:
    from tests.conftest import postgres_schema

    folder = tmp_path_factory.mktemp("prop")
    with fresh_instance(postgres_schema, folder) as settings:
        check_properties(settings, steps, cut)


def test_week_helpers_agree_with_the_views_idea_of_a_week() -> None:
    assert week_of(week_start("2026-W10", "Europe/London"), "Europe/London") == "2026-W10"
