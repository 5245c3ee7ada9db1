"""Following the log, rebuilding views, and waiting for a view to catch up.

`project` follows the log with one subscription for the views it is active for
(shared_log.py; the library's LISTEN/NOTIFY subscription on PostgreSQL, our
polling one on SQLite), standing by for a view whose serving generation this code
does not write. `rebuild` drops a view and replays the log in large batches
through the same handlers (online.py builds a new generation beside the serving
one instead). catalog.py says which views there are.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.infra.config import APP_NAME, Settings
from ledger.infra.log import LedgerLog
from projections import parallel_replay
from projections.base import INFRASTRUCTURE, LedgerProjection
from projections.catalog import (  # re-exported: where callers have always found them
    PROJECTIONS,
    REBUILD_BATCH,
    ProjectionKind,
    log_batches,
    open_view,
    process_each,
)
from projections.leases import leases_for
from projections.shared_log import SharedLogRunner

WAIT_STEP_SECONDS = 0.002
STANDBY_POLL_SECONDS = 1.0  # how soon a standby projector notices its chance
LEASE_CHECK_SECONDS = 2.0  # how often an active one checks it still holds its lease
logger = logging.getLogger(__name__)
__all__ = ["PROJECTIONS", "REBUILD_BATCH", "ProjectionKind", "log_batches", "open_view"]

Progress = Callable[[str, int, int], None]
Rebuild = Callable[[Settings, list[str], Progress | None], object]


def migrate_views(settings: Settings, progress: Progress | None = None,
                  rebuild_stale: Rebuild | None = None, keep_stale: bool = False) -> list[str]:
    """Creates every view's tables (run once per deployment, like the event store's),
    and rebuilds from the log (by `rebuild_stale`, default `rebuild`) each view
    whose rows are of another shape than its code reads, unless `keep_stale`.
    Answers the views found stale."""
    creating = settings.with_changes(create_tables=True)
    stale = []
    for name in PROJECTIONS:
        view = open_view(creating, name)
        try:
            if view.stored_version() != view.SCHEMA_VERSION:
                stale.append(name)
        finally:
            view.datastore.close()
    fresh = [name for name in stale if _is_empty(creating, name)]
    for name in fresh:
        view = open_view(creating, name)
        view.mark_version()
        view.datastore.close()
    older = [name for name in stale if name not in fresh]
    if older and not keep_stale:
        (rebuild_stale or rebuild)(creating, older, progress)
    return older


def _is_empty(settings: Settings, name: str) -> bool:
    """A view that has processed nothing yet needs no rebuild, only its version."""
    view = open_view(settings, name)
    try:
        return position_of(view) == 0
    finally:
        view.datastore.close()


def position_of(view: Any) -> int:
    return int(view.max_tracking_id(APP_NAME) or 0)


def wait_for(view: Any, position: int, timeout: float) -> bool:
    """Polls fast (the library's wait steps in 100 ms); True once the view has it."""
    deadline = time.monotonic() + timeout
    while position_of(view) < position:
        if time.monotonic() >= deadline:
            return False
        time.sleep(WAIT_STEP_SECONDS)
    return True


def rebuild(settings: Settings, names: Iterable[str], progress: Progress | None = None,
            batch: int = REBUILD_BATCH) -> dict[str, int]:
    """Drops each view and replays the whole log into it in batches; answers the
    number of events replayed per view."""
    log = LedgerLog(env=settings.eventsourcing_env())
    replayed: dict[str, int] = {}
    try:
        end = log.recorder.max_notification_id() or 0
        for name in names:
            view = open_view(settings, name)
            view.pinned = view.serving().number  # whatever shape it had before
            view.drop(APP_NAME)
            projection = PROJECTIONS[name].projection(view)
            replayed[name] = replay(log, projection, view, end, batch,
                                    reporter(progress, name, end), settings=settings)
            view.mark_version()
            view.datastore.close()
    finally:
        log.close()
    return replayed


def reporter(progress: Progress | None, name: str, end: int) -> Callable[[int], object]:
    def report(done: int) -> None:
        if progress is not None:
            progress(name, done, end)

    return report


def replay(log: LedgerLog, projection: LedgerProjection[Any], view: Any, end: int, batch: int,
           progress: Callable[[int], object], after: int = 0,
           settings: Settings | None = None) -> int:
    """Applies the log in large batches; a batch with an event the view cannot apply
    is applied again one event at a time, so only that event becomes a dead letter.
    A long replay (given `settings`) reads and decodes in a second process."""
    if settings is not None and end - after >= parallel_replay.PARALLEL_FROM:
        return parallel_replay.replay_in_parallel(settings, log, projection, end, batch,
                                                  progress, after)
    count = 0
    for notifications in log_batches(log, after=after, stop=end, batch=batch):
        events = [(log.mapper.to_domain_event(n), n.id) for n in notifications]
        position = notifications[-1].id
        try:
            changes = [c for event, at in events for c in projection.changes_for(event, at)]
            view.apply(changes, Tracking(APP_NAME, position))
        except INFRASTRUCTURE:
            raise
        except Exception:
            for event, at in events:
                projection.process_event(event, Tracking(APP_NAME, at))
        count += len(notifications)
        progress(position)
    return count


def dead_letters(settings: Settings, names: Iterable[str] = PROJECTIONS
                 ) -> dict[str, list[Any]]:
    """Each view's dead letters: the events it could not apply (position, error)."""
    found: dict[str, list[Any]] = {}
    for name in names:
        view = open_view(settings, name)
        try:
            found[name] = view.dead_letters()
        finally:
            view.datastore.close()
    return found


def catch_up(settings: Settings, names: Iterable[str] = PROJECTIONS,
             kinds: Mapping[str, ProjectionKind] = PROJECTIONS) -> int:
    """Processes, one event per transaction, whatever each view has not seen yet:
    exactly what the runner does, without its threads (tests, `readyz`)."""
    log = LedgerLog(env=settings.eventsourcing_env())
    processed = 0
    try:
        for name in names:
            view = open_view(settings, name, kinds)
            projection = kinds[name].projection(view)
            processed += process_each(log, projection, after=position_of(view))
            view.datastore.close()
    finally:
        log.close()
    return processed


def catch_up_unattended(settings: Settings, names: Iterable[str] = PROJECTIONS) -> bool:
    """Catches the views up here when no projector runs (a command line export on a
    stopped service); with a projector active, leaves it to it. True if it did."""
    leases = leases_for(settings, names)
    try:
        if not all(lease.try_acquire() for lease in leases.values()):
            return False
        catch_up(settings, names)
        return True
    finally:
        for lease in leases.values():
            lease.release()


def project(settings: Settings, stop: threading.Event,
            names: Iterable[str] = PROJECTIONS,
            kinds: Mapping[str, ProjectionKind] = PROJECTIONS) -> None:
    """Runs each projection whose lease this process holds until `stop` is set,
    standing by for the others (another projector is active for them, or the
    generation serving is of a shape this code does not write) and taking over
    when that changes. The active ones share one subscription to the log
    (shared_log.py), started again whenever the set changes. A runner's error
    stops them all and is raised (the supervisor restarts the projector)."""
    leases = leases_for(settings, names)
    probes = {name: open_view(settings, name, kinds) for name in leases}
    runner: SharedLogRunner | None = None
    checked = polled = 0.0
    try:
        while not stop.is_set():
            active = runner.names if runner else set()
            wanted = set(active)
            if time.monotonic() - polled >= STANDBY_POLL_SECONDS or not active:
                polled = time.monotonic()
                for name, lease in leases.items():
                    if name not in wanted and probes[name].readable() and lease.try_acquire():
                        logger.info("projection %s: this projector is active", name)
                        wanted.add(name)
            if time.monotonic() - checked >= LEASE_CHECK_SECONDS:
                checked = time.monotonic()
                for name in [n for n in wanted if not leases[n].held()]:
                    logger.warning("projection %s: lease lost; standing by", name)
                    wanted.discard(name)
                for name in [n for n in wanted if not probes[n].readable()]:
                    wanted.discard(_stand_by(name, leases[name]))
            for name in runner.upgrading if runner else ():
                wanted.discard(_stand_by(name, leases[name]))
            if wanted != active:
                if runner is not None:
                    runner.close()
                runner = SharedLogRunner(settings, {
                    name: kinds[name].projection(open_view(settings, name, kinds))
                    for name in wanted}) if wanted else None
            if runner is None:
                stop.wait(STANDBY_POLL_SECONDS)
                continue
            runner.run_forever(timeout=0.05)  # re-raises the runner's error
    finally:
        if runner is not None:
            runner.close()
        for lease in leases.values():
            lease.release()
        for probe in probes.values():
            probe.datastore.close()


def _stand_by(name: str, lease: Any) -> str:
    """Another shape serves now: a projector of the code that writes it takes over."""
    logger.warning("projection %s: its view serves another shape; standing by", name)
    lease.release()
    return name
