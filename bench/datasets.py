"""Seeded, realistic ledgers for benchmarks: needs, care (most answering a need),
acknowledgements, resolutions, check-ins and moments, written straight through
the aggregates and saved many ledgers per transaction, so generating a million
events takes a minute rather than an hour of HTTP calls."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid4

from bench.context import BenchContext
from ledger.app.application import LedgerApplication
from ledger.domain import places
from ledger.domain.ledger import Ledger
from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from ledger.domain.weeks import week_of
from ledger.infra.config import APP_NAME, Settings
from ledger.infra.sealing import ledger_key_id, partner_key_id
from projections.runner import PROJECTIONS, rebuild
from services.bootstrap import bootstrap

SAVE_EVERY = 20  # ledgers per transaction
SAVE_EVENTS = 5000  # a long ledger is saved in parts of this many events
MEAN_GAP = timedelta(hours=16.5)  # between a couple's entries, by default


class BulkLoader(LedgerApplication):
    """Saves generated history without a snapshot every 50 events (each would load
    the ledger again); `seed_instance` takes one snapshot per ledger at the end,
    so loading a generated ledger costs what loading a lived-in one does."""

    name = APP_NAME  # the library names an application after its class otherwise
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {}


def generate(app: LedgerApplication, ledgers: int, events_each: int, seed: int = 1,
             start: datetime | None = None, span: timedelta | None = None,
             progress: Callable[[int], object] | None = None) -> list[tuple[UUID, UUID, UUID]]:
    """Creates `ledgers` couples with about `events_each` events each, spread over
    `span` (by default ~16 hours apart, from 2021); answers (ledger_id, partner_a,
    partner_b) per couple."""
    rng = random.Random(seed)
    begin = start or datetime(2021, 1, 4, 9, tzinfo=UTC)
    gap = span / events_each if span else MEAN_GAP
    made: list[tuple[UUID, UUID, UUID]] = []
    batch: list[Ledger] = []
    for n in range(ledgers):
        ledger, a, b = new_couple(app, begin)
        _fill(app, rng, ledger, (a, b), events_each, begin, gap)
        batch.append(ledger)
        made.append((ledger.id, a, b))
        if len(batch) >= SAVE_EVERY:
            app.save(*batch)
            batch = []
            if progress:
                progress(n + 1)
    if batch:
        app.save(*batch)
    if progress:
        progress(ledgers)
    return made


def new_couple(app: LedgerApplication, begin: datetime) -> tuple[Ledger, UUID, UUID]:
    a, b, ledger_id = uuid4(), uuid4(), uuid4()
    for person in (a, b):
        app.keys.ensure_key(partner_key_id(ledger_id, person))
    app.keys.ensure_key(ledger_key_id(ledger_id))
    name = app.keys.seal(ledger_key_id(ledger_id), "Bench couple", places.ledger_name(ledger_id))
    ledger = Ledger.open(ledger_id=ledger_id, actor=a, name=name, timezone="Europe/London",
                         display_name=app.seal_for(ledger_id, a,
                                                   places.display_name(ledger_id, a), "A"),
                         invite_hash="bench", invite_expires_at=begin + timedelta(days=7),
                         now=begin)
    ledger.join(b, app.seal_for(ledger_id, b, places.display_name(ledger_id, b), "B"), "bench",
                begin)
    return ledger, a, b


def _fill(app: LedgerApplication, rng: random.Random, ledger: Ledger, people: tuple[UUID, UUID],
          events: int, begin: datetime, gap: timedelta) -> None:
    sealer = app.keys.sealer()

    def words(actor: UUID, entry_id: UUID, field: str) -> Any:
        """Each entry's words sealed at its own place, as the application seals them."""
        return sealer.seal(partner_key_id(ledger.id, actor), "bench words",
                           places.entry_text(ledger.id, entry_id, field))

    now = begin
    open_needs: dict[int, list[UUID]] = {0: [], 1: []}
    cares: dict[int, list[UUID]] = {0: [], 1: []}
    checked: set[tuple[str, int]] = set()
    while ledger.version < events:
        now += gap * rng.uniform(0.2, 1.8)
        if len(ledger.pending_events) >= SAVE_EVENTS:
            app.save(ledger)
        who = rng.randrange(2)
        actor, roll = people[who], rng.random()
        if roll < 0.3:
            need_id = uuid4()
            ledger.express_need(actor, entry_id=need_id, occurred_at=now,
                                need=words(actor, need_id, "need"),
                                feeling=None, situation=None,
                                support_type=rng.choice(list(SupportType)),
                                intensity=rng.randint(1, 5), recurring=rng.random() < 0.1,
                                visibility=Visibility.PRIVATE if rng.random() < 0.05
                                else Visibility.SHARED, now=now)
            open_needs[who].append(need_id)
        elif roll < 0.65:
            theirs = open_needs[1 - who]
            answer = theirs.pop(rng.randrange(len(theirs))) if theirs and rng.random() < 0.7 \
                else None
            care_id = uuid4()
            try:
                ledger.offer_care(actor, entry_id=care_id, occurred_at=now,
                                  description=words(actor, care_id, "description"),
                                  support_type=rng.choice(list(SupportType)),
                                  in_response_to=answer, quiet=rng.random() < 0.1,
                                  visibility=Visibility.SHARED, now=now)
            except Exception:
                continue
            cares[1 - who].append(care_id)
        elif roll < 0.8 and cares[who]:
            ledger.acknowledge_care(actor, entry_id=uuid4(), care_id=cares[who].pop(),
                                    adequacy=rng.choice(list(Adequacy)), note=None, now=now)
        elif roll < 0.9:
            week = week_of(now, ledger.timezone)
            if (week, who) not in checked:
                checked.add((week, who))
                ledger.check_in(actor, entry_id=uuid4(), week=week,
                                felt_supported=rng.randint(0, 10), note=None, now=now)
        elif roll < 0.95 and open_needs[who]:
            ledger.resolve_need(actor, need_id=open_needs[who].pop(0),
                                outcome=Outcome.MET, note=None, now=now)
        else:
            moment_id = uuid4()
            ledger.share_moment(actor, entry_id=moment_id, occurred_at=now,
                                kind=rng.choice(list(MomentKind)),
                                text=words(actor, moment_id, "text"),
                                visibility=Visibility.SHARED, now=now)


@dataclass(frozen=True)
class Plan:
    """`ledgers` couples of about `events_each` events each, spread over `span`."""

    ledgers: int
    events_each: int
    span: timedelta | None = None
    seed: int = 1


def seed_instance(settings: Settings, context: BenchContext, *plans: Plan,
                  build_views: bool = True) -> list[list[tuple[UUID, UUID, UUID]]]:
    """Generates each plan's ledgers into an instance, then builds its views (in
    batches, as `ebbflow rebuild` does) unless told not to, with progress bars;
    answers the couples of each plan."""
    app = BulkLoader(settings)
    snapshots = bootstrap(settings)
    made = []
    try:
        for plan in plans:
            with context.progress(f"generating {plan.ledgers:,} × {plan.events_each:,} events",
                                  plan.ledgers) as advance:
                couples = generate(app, plan.ledgers, plan.events_each, seed=plan.seed,
                                   span=plan.span, progress=advance)
            for ledger_id, _, _ in couples:
                snapshots.ledger.take_snapshot(ledger_id)
            made.append(couples)
    finally:
        app.close()
        snapshots.close()
    if not build_views:
        return made
    total = sum(plan.ledgers * plan.events_each for plan in plans)
    with context.progress("building the views", 3 * total) as advance:
        done: dict[str, int] = {}

        def report(name: str, position: int, end: int) -> None:
            done[name] = position
            advance(sum(done.values()))

        rebuild(settings, PROJECTIONS, report)
    return made
