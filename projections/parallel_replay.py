"""A long replay on both cores: a reader process reads the log, decodes each event
and turns it into row changes (the projection's own handlers), while this process
writes each batch with its position.

Reading and decoding alone take about as long as writing, so one process doing both
left a core idle during `ebbflow rebuild` and online rebuilds. The reader runs ahead
by at most `AHEAD` batches (memory stays bounded); batches are written in log order.
A batch whose changes the reader could not make, or that the view refuses, is
replayed here one event at a time (as `runner.replay` does), so only the event at
fault becomes a dead letter. Short replays stay in one process (`PARALLEL_FROM`).
"""

from __future__ import annotations

import multiprocessing
import resource
from collections.abc import Callable
from queue import Empty
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.infra.config import APP_NAME, Settings
from ledger.infra.log import LedgerLog
from projections.base import INFRASTRUCTURE, LedgerProjection
from projections.catalog import PROJECTIONS, log_batches, open_view, process_each
from projections.views.batching import RowChange

PARALLEL_FROM = 50_000  # events to replay before a reader process pays for itself
AHEAD = 2  # batches the reader may have made that are not yet written


def read_changes(settings: Settings, name: str, pinned: int | None, after: int, end: int,
                 batch: int, out: Any) -> None:
    """The reader process: (position, count, changes) per batch, ("unmade", position,
    count) for a batch whose changes could not be made, ("error", text) on failure."""
    log = view = None
    try:
        log = LedgerLog(env=settings.eventsourcing_env())
        view = open_view(settings, name)
        view.pinned = pinned
        projection = PROJECTIONS[name].projection(view)
        for notifications in log_batches(log, after=after, stop=end, batch=batch):
            position, count = notifications[-1].id, len(notifications)
            try:
                changes = [(change.op, change.args) for n in notifications
                           for change in projection.changes_for(
                               log.mapper.to_domain_event(n), n.id)]
            except INFRASTRUCTURE:
                raise
            except Exception:
                out.put(("unmade", position, count))
                continue
            out.put(("made", position, count, changes))
        out.put(("done",))
    except BaseException as error:
        out.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        if view is not None:
            view.datastore.close()
        if log is not None:
            log.close()


def replay_in_parallel(settings: Settings, log: LedgerLog, projection: LedgerProjection[Any],
                       end: int, batch: int, progress: Callable[[int], object],
                       after: int = 0) -> int:
    """Replays (after, end] into the projection's view with a reader process (`log`
    serves the batches replayed here one event at a time); answers how many events."""
    view, name = projection.view, projection.name
    context = multiprocessing.get_context("spawn")  # no locks or connections inherited
    queue = context.Queue(maxsize=AHEAD)
    reader = context.Process(target=read_changes, name=f"{name}-reader", daemon=True,
                             args=(settings, name, view.pinned, after, end, batch, queue))
    reader.start()
    count, done_to = 0, after
    try:
        while True:
            item = _next(queue, reader, name)
            if item[0] == "done":
                break
            if item[0] == "error":
                raise RuntimeError(f"the {name} view's reader failed: {item[1]}")
            position = item[1]
            if item[0] == "unmade" or not _applied(view, item[3], position):
                process_each(log, projection, after=done_to, stop=position)
            count += item[2]
            done_to = position
            progress(position)
    finally:
        reader.join(timeout=10)
        if reader.is_alive():
            reader.kill()
    return count


def _next(queue: Any, reader: Any, name: str) -> Any:
    """The reader's next message; a reader that died without one fails the replay."""
    while True:
        try:
            return queue.get(timeout=1.0)
        except Empty:
            if not reader.is_alive():
                raise RuntimeError(f"the {name} view's reader stopped "
                                   f"(exit code {reader.exitcode})") from None


def reader_peak_mb() -> float:
    """The largest resident memory of a reader this process has waited for."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _applied(view: Any, changes: list[tuple[str, dict[str, Any]]], position: int) -> bool:
    try:
        view.apply([RowChange(op, args) for op, args in changes], Tracking(APP_NAME, position))
    except INFRASTRUCTURE:
        raise
    except Exception:
        return False
    return True
