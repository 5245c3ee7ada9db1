"""Read-your-writes on PostgreSQL without polling: each view's write transaction
sends `NOTIFY` with the view's name and position (delivered at its commit, never
before), and one listening connection per process wakes the reads waiting for
that position. A read checks the view's own position first and again whenever it
wakes, so a missed notification costs at most one safety interval, never a wrong
answer; a listener that loses its connection reconnects.

The same channel carries "the view registry changed" (a switch to another
generation, a new version): each process then forgets the serving generation it
cached (projections.views.generations), so view reads skip the registry lookup
while nothing changes, and a process that is not listening does not cache."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

import psycopg

SAFETY_SECONDS = 0.05  # a read re-checks the view this often even without a wake-up
POLL_SECONDS = 0.002  # while the listener is (re)connecting, as before it existed
RECONNECT_SECONDS = 1.0
logger = logging.getLogger(__name__)


def channel_of(schema: str, prefix: str) -> str:
    """One channel per instance (its schema and views' prefix), a valid identifier."""
    return f"{schema}_{prefix}_commits"[:63]


REGISTRY_CHANGED = "registry"  # a payload of its own: no view is named so


def payload(view: str, position: int) -> str:
    return f"{view}:{position}"


class CommitWaiter:
    """Positions the views have committed, as heard on the instance's channel."""

    def __init__(self, connect_kwargs: dict[str, Any], channel: str) -> None:
        self.connect_kwargs = {k: v for k, v in connect_kwargs.items() if k != "row_factory"}
        self.channel = channel
        self.heard: dict[str, int] = {}
        self.changed = threading.Condition()
        self.listening = threading.Event()
        self.pid = -1
        self.stopped = False
        self.epoch = 0  # registry changes heard, and (re)connections, in this process

    def ensure_listening(self) -> bool:
        """Starts this process's listener (after a fork too); True once it listens."""
        self.ensure_listening_soon()
        return self.listening.wait(timeout=1.0)

    def registry_epoch(self) -> tuple[int, int] | None:
        """Changes the view registry may have had, as this process has heard them;
        None while not listening (a change could go unheard: nothing may be cached).
        Read before the registry, it tells whether what was read then still holds."""
        if self.pid != os.getpid():
            self.ensure_listening_soon()
            return None
        return (self.pid, self.epoch) if self.listening.is_set() else None

    def ensure_listening_soon(self) -> None:
        """Starts the listener without waiting for it."""
        if self.pid != os.getpid():
            with self.changed:
                if self.pid != os.getpid():
                    self.pid, self.heard, self.epoch = os.getpid(), {}, 0
                    self.listening = threading.Event()
                    threading.Thread(target=self._listen, name="view-commits",
                                     daemon=True).start()

    def wait(self, view: str, position: int, committed: Any, timeout: float) -> bool:
        """Until `committed()` (the view's own position) reaches `position`."""
        deadline = time.monotonic() + timeout
        self.ensure_listening()
        while committed() < position:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            step = SAFETY_SECONDS if self.listening.is_set() else POLL_SECONDS
            with self.changed:
                if self.heard.get(view, 0) < position:
                    self.changed.wait(min(left, step))
        return True

    def _listen(self) -> None:
        pid = os.getpid()
        while not self.stopped and self.pid == pid:
            try:
                with psycopg.connect(**self.connect_kwargs, autocommit=True) as conn:
                    conn.execute(f'LISTEN "{self.channel}"')
                    self._registry_changed()  # what changed while not listening is unknown
                    self.listening.set()
                    while not self.stopped and self.pid == pid:
                        for note in conn.notifies(timeout=1.0):
                            self._heard(note.payload)
                    return
            except psycopg.Error as error:
                logger.warning("view commits: listener lost its connection (%s)", error)
                self.listening.clear()
                self._registry_changed()
                time.sleep(RECONNECT_SECONDS)

    def stop(self) -> None:
        """The listener closes its connection within a second."""
        self.stopped = True

    def _registry_changed(self) -> None:
        with self.changed:
            self.epoch += 1
            self.changed.notify_all()  # waiting reads look again, at the new generation

    def _heard(self, text: str) -> None:
        if text == REGISTRY_CHANGED:
            self._registry_changed()
            return
        view, _, position = text.rpartition(":")
        with self.changed:
            if int(position) > self.heard.get(view, 0):
                self.heard[view] = int(position)
            self.changed.notify_all()
