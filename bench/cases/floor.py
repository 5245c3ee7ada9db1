"""Benchmark 8: an in-process append against the library's own floor, in one run on
one database: eventsourcing's `Application` (same cipher, compressor and aggregate
cache) doing get + one event + save, and Ebb & Flow's `express_need` (sealed words
with the partner's key, locks, the one save path). Blocks of the two alternate so
that the machine's drift touches both alike. On PostgreSQL a traced pass counts
what each append says to the server."""

from __future__ import annotations

import time
from contextlib import closing
from uuid import UUID

from bench.cases.ceiling import make_ledgers
from bench.context import BenchContext
from bench.floor_app import FloorApplication, floor_env
from bench.measure import percentile
from bench.protocol import Conversation, conversation, traced_connections
from bench.results import Result
from bench.workspace import workspace
from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from services.bootstrap import Services, bootstrap

TARGET = 1.5
BLOCK = 50
WARM_UP = 30


def timed(step: object, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        step()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def ours(services: Services, ledger: tuple[UUID, UUID]) -> object:
    ledger_id, actor = ledger
    return lambda: services.ledger.express_need(ledger_id, actor, need="a calm evening",
                                                intensity=2, support_type=SupportType.EMOTIONAL)


def floor(app: FloorApplication, couple: UUID) -> object:
    return lambda: app.append(couple)


def measure(settings: Settings, rounds: int) -> tuple[list[float], list[float]]:
    """Milliseconds per append, (floor, ours), alternating blocks."""
    ledger = make_ledgers(settings, 1)[0]
    with closing(bootstrap(settings)) as services, \
            closing(FloorApplication(env=floor_env(settings))) as app:
        couple = app.open_couple()
        steps = floor(app, couple), ours(services, ledger)
        for step in steps:
            timed(step, WARM_UP)
        floor_ms: list[float] = []
        ours_ms: list[float] = []
        for _ in range(rounds):
            floor_ms += timed(steps[0], BLOCK)
            ours_ms += timed(steps[1], BLOCK)
    return floor_ms, ours_ms


def spoken(settings: Settings, count: int) -> tuple[Conversation, Conversation]:
    """Statements and round trips per append, (floor, ours), from libpq's trace."""
    ledger = make_ledgers(settings, 1)[0]
    with traced_connections() as trace, closing(bootstrap(settings)) as services, \
            closing(FloorApplication(env=floor_env(settings))) as app:
        couple = app.open_couple()
        counted = []
        for step in (floor(app, couple), ours(services, ledger)):
            timed(step, 5)
            trace()
            timed(step, count)
            said = conversation(trace())
            counted.append(Conversation(round(said.statements / count, 1),  # type: ignore[arg-type]
                                        round(said.round_trips / count, 1)))  # type: ignore[arg-type]
    return counted[0], counted[1]


def run(context: BenchContext) -> list[Result]:
    rounds = context.scale(20, 3)
    results = []
    for backend in ("sqlite", "postgres"):
        if backend == "postgres" and not context.postgres:
            continue
        with workspace(backend) as settings:
            context.say(f"{backend}: {rounds} rounds of {BLOCK} appends, floor then ours")
            floor_ms, ours_ms = measure(settings, rounds)
            said = spoken(settings, 50) if backend == "postgres" else None
        floor_p50, ours_p50 = percentile(floor_ms, 50), percentile(ours_ms, 50)
        ratio = ours_p50 / floor_p50
        talk = "" if said is None else (
            f"; per append, statements/round trips: ours {said[1].statements:g}/"
            f"{said[1].round_trips:g}, floor {said[0].statements:g}/{said[0].round_trips:g}")
        results.append(Result(
            8, f"in-process append vs eventsourcing's own Application ({backend})",
            ours_p50, "ms p50", target=f"≤ {TARGET}× the floor", met=ratio <= TARGET,
            baseline=f"{floor_p50:.2f} ms p50 (floor)",
            detail=f"ratio {ratio:.2f}; ours p95 {percentile(ours_ms, 95):.2f} ms, floor p95 "
                   f"{percentile(floor_ms, 95):.2f} ms; {len(ours_ms):,} appends each{talk}"))
    return results
