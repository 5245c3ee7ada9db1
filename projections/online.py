"""`ebbflow rebuild --online VIEW`: a view's next generation built beside the one
serving (blue/green), then switched to in one transaction.

The old generation keeps serving and the live projector keeps updating it while
the new one replays the log in batches with its own tracking position. The
switch locks the registry row (the live projector's transactions wait for it),
applies the few events the new generation still lacks up to the old one's
position, and names the new generation in that row: the live projector's next
transaction writes the new generation from the next event on, with no gap and
nothing applied twice. The old tables are dropped a moment later. Stopped at any
point, the old generation still serves; run again, it resumes the new one.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.domain.exceptions import Conflict
from ledger.infra.config import APP_NAME, Settings
from ledger.infra.log import LedgerLog
from projections.base import INFRASTRUCTURE
from projections.leases import leases_for
from projections.runner import (
    PROJECTIONS,
    REBUILD_BATCH,
    Progress,
    log_batches,
    open_view,
    position_of,
    replay,
    reporter,
)

SWITCH_TAIL = 1000  # at most this many (or one batch) are applied inside the switch
MAX_ROUNDS = 20  # catch-up rounds before switching whatever the tail
DROP_GRACE_SECONDS = 2.0  # reads that resolved the old generation finish meanwhile
logger = logging.getLogger(__name__)


def rebuild_online(settings: Settings, name: str, progress: Progress | None = None,
                   batch: int = REBUILD_BATCH, grace: float = DROP_GRACE_SECONDS) -> int:
    """Builds, switches to and answers the new generation of one view."""
    guard = leases_for(settings, [f"{name}.rebuild"])[f"{name}.rebuild"]
    if not guard.try_acquire():
        guard.release()  # closes what the attempt opened
        raise Conflict(f"an online rebuild of the {name} view is already running")
    projector = leases_for(settings, [name])[name]
    log = LedgerLog(env=settings.eventsourcing_env())
    serving = open_view(settings, name)
    building = open_view(settings, name)
    try:
        owned = projector.try_acquire()  # no live projector: build up to the head
        building.pinned = prepare(serving)
        projection = PROJECTIONS[name].projection(building)
        for _ in range(MAX_ROUNDS):
            target = _target(log, serving, owned)
            start = position_of(building)
            if target - start <= min(batch, SWITCH_TAIL):
                break
            replay(log, projection, building, target, batch,
                   reporter(progress, name, target), after=start, settings=settings)
        switch(serving, building.pinned, projection, log, owned)
        if progress is not None:
            progress(name, position_of(building), position_of(building))
        projector.release()  # a live projector may take over the new generation now
        time.sleep(grace)
        retire(serving)
        return int(building.pinned)
    finally:
        projector.release()
        guard.release()
        for view in (serving, building):
            view.datastore.close()
        log.close()


def _target(log: LedgerLog, serving: Any, owned: bool) -> int:
    """How far the new generation may go: the head when no projector runs, else
    the old generation's position (the live projector goes on from there)."""
    if owned:
        return int(log.recorder.max_notification_id() or 0)
    return position_of(serving)


def prepare(serving: Any) -> int:
    """Drops what a failed run left behind, and names the generation to build:
    the one an interrupted run of this code began (resumed), else a new one."""
    with serving.transaction(commit=True) as cursor, serving.using(1):
        serving.begin_write(cursor)
        found = serving.registry(cursor)
        if found.retired is not None:
            serving.drop_generation(cursor, APP_NAME, found.retired)
        if found.building is not None and found.building_version == serving.SCHEMA_VERSION:
            generation = int(found.building)
        else:
            if found.building is not None:
                serving.drop_generation(cursor, APP_NAME, found.building)
            generation = found.number + 1
        with serving.using(generation):
            for statement in serving.create_statements():
                cursor.execute(statement)
            serving.run(cursor, "DELETE FROM {schema_version}")
            serving.run(cursor, "INSERT INTO {schema_version} (version) VALUES (?)",
                        (serving.SCHEMA_VERSION,))
        serving.run(cursor, "UPDATE {generations} SET building = ?, building_version = ?, "
                    "retired = NULL WHERE view = ?",
                    (generation, serving.SCHEMA_VERSION, serving.NAME))
    logger.info("view %s: building generation %s", serving.NAME, generation)
    return generation


def switch(serving: Any, generation: int, projection: Any, log: LedgerLog,
           owned: bool, attempts: int = 3) -> None:
    """One transaction: the registry row locked, the new generation brought to the
    old one's position, the row naming the new generation. An event the tail cannot
    apply is left to a batch replay (which makes it a dead letter), then retried."""
    for _ in range(attempts):
        try:
            _switch_once(serving, generation, projection, log, owned)
            return
        except (*INFRASTRUCTURE, Conflict):
            raise
        except Exception:  # an event of the tail: replay it outside the switch
            target = _target(log, serving, owned)
            replay(log, projection, projection.view, target, REBUILD_BATCH,
                   lambda _: None, after=position_of(projection.view))
    _switch_once(serving, generation, projection, log, owned)


def _switch_once(serving: Any, generation: int, projection: Any, log: LedgerLog,
                 owned: bool) -> None:
    with serving.transaction(commit=True) as cursor, serving.using(1):
        serving.begin_write(cursor)
        serving.run(cursor, "UPDATE {generations} SET building = building WHERE view = ?",
                    (serving.NAME,))  # the lock: live writers wait from here on
        found = serving.registry(cursor)
        if found.building != generation:
            raise Conflict(f"the {serving.NAME} view's rebuild was taken over")
        old_at = serving.position_in(cursor, APP_NAME, found.number)
        new_at = serving.position_in(cursor, APP_NAME, generation)
        target = int(log.recorder.max_notification_id() or 0) if owned else old_at
        if target > new_at:
            changes = [change for notifications in log_batches(log, new_at, target)
                       for notification in notifications
                       for change in projection.changes_for(
                           log.mapper.to_domain_event(notification), notification.id)]
            with serving.using(generation):
                serving.apply_in(cursor, changes, Tracking(APP_NAME, target))
        serving.run(cursor, "UPDATE {generations} SET generation = ?, version = ?, "
                    "building = NULL, building_version = NULL, retired = ? WHERE view = ?",
                    (generation, found.building_version, found.number, serving.NAME))
        serving.announce(cursor)
    logger.info("view %s: generation %s serves from position %s", serving.NAME,
                generation, max(target, new_at))


def retire(serving: Any) -> None:
    """Drops the generation that served before the switch."""
    with serving.transaction(commit=True) as cursor, serving.using(1):
        serving.begin_write(cursor)
        found = serving.registry(cursor)
        if found.retired is not None:
            serving.drop_generation(cursor, APP_NAME, found.retired)
            serving.run(cursor, "UPDATE {generations} SET retired = NULL WHERE view = ?",
                        (serving.NAME,))


def rebuild_views_online(settings: Settings, names: list[str],
                         progress: Progress | None = None) -> dict[str, int]:
    """Each view rebuilt online in turn; answers the generation now serving each."""
    return {name: rebuild_online(settings, name, progress) for name in names}
