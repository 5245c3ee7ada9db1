"""In-process locks per aggregate, so threads of one worker never share a cached
aggregate mid-command. The cache hands out the live object (no deep copy, which
cost 22 ms per command on a 10,000-entry ledger), so each change holds the lock of
every aggregate it loads from load to save. Other processes are kept apart by the
event store's version check instead."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from uuid import UUID

STRIPES = 256


class AggregateLocks:
    def __init__(self, stripes: int = STRIPES) -> None:
        self._locks = [threading.RLock() for _ in range(stripes)]

    @contextmanager
    def hold(self, *aggregate_ids: UUID) -> Iterator[None]:
        """Holds the stripes of these ids, taken in one global order (no deadlock)."""
        stripes = sorted({aggregate_id.int % len(self._locks) for aggregate_id in aggregate_ids})
        with ExitStack() as stack:
            for stripe in stripes:
                stack.enter_context(self._locks[stripe])
            yield
