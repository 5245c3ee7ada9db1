"""One subscription to the log for every view this projector is active for.

The library's runner subscribes once per projection, so each event was read and
decoded three times (three selects per commit on PostgreSQL, three decryptions
and decompressions). Here each event is decoded once and applied to each view
that has not got it yet, in its own transaction as before, the timeline first:
it is what a read-your-writes after a write most often waits for. A view whose
serving generation turns out to be of another shape is left out (and reported,
so the projector stands by for it) while the others go on; any other error
stops the runner and is raised by `run_forever`, like the library's.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from eventsourcing.projection import ApplicationSubscription

from ledger.infra.config import APP_NAME, Settings
from ledger.infra.log import LedgerLog
from projections.base import LedgerProjection
from projections.views.generations import ViewUpgrading

FIRST = ("timeline", "history", "balance")  # the order views get each event in


class SharedLogRunner:
    def __init__(self, settings: Settings, projections: Mapping[str, LedgerProjection[Any]]
                 ) -> None:
        """`projections`, each on its own view (closed with the runner)."""
        ordered = sorted(projections, key=lambda n: (FIRST.index(n) if n in FIRST
                                                     else len(FIRST), n))
        self.projections = {name: projections[name] for name in ordered}
        self.positions = {name: int(p.view.max_tracking_id(APP_NAME) or 0)
                          for name, p in self.projections.items()}
        self.upgrading: set[str] = set()  # views of another shape: the projector stands by
        self.error: BaseException | None = None
        self.stopped = threading.Event()
        self.log = LedgerLog(env=settings.eventsourcing_env())
        self.subscription = ApplicationSubscription(
            self.log, gt=min(self.positions.values(), default=0))
        self.subscription.__enter__()
        self.thread = threading.Thread(target=self._process, name="projector", daemon=True)
        self.thread.start()

    @property
    def names(self) -> set[str]:
        return set(self.projections)

    def _process(self) -> None:
        try:
            for event, tracking in self.subscription:
                at = tracking.notification_id
                for name, projection in self.projections.items():
                    if name in self.upgrading or at <= self.positions[name]:
                        continue
                    try:
                        projection.process_event(event, tracking)
                    except ViewUpgrading:
                        self.upgrading.add(name)
                        continue
                    self.positions[name] = at
        except BaseException as error:  # raised in the projector's own thread
            self.error = error
        finally:
            self.stopped.set()

    def run_forever(self, timeout: float) -> None:
        """Waits up to `timeout`; raises the processing thread's error, once."""
        if self.stopped.wait(timeout) and self.error is not None:
            error, self.error = self.error, None
            raise error

    def close(self) -> None:
        self.subscription.stop()
        self.thread.join(10)
        self.subscription.__exit__(None, None, None)
        self.log.close()
        for projection in self.projections.values():
            projection.view.datastore.close()
