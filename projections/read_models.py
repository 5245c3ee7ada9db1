"""The read side as the web and the command line use it: the three views, their
readers, and read-your-writes (wait until every view has reached a position)."""

from __future__ import annotations

from typing import Any

from ledger.infra.config import Settings
from projections.balance_query import BalanceReader
from projections.commit_wake import CommitWaiter
from projections.runner import PROJECTIONS, open_view, position_of, wait_for
from projections.timeline_query import TimelineReader


class ReadModels:
    def __init__(self, settings: Settings) -> None:
        self.views: dict[str, Any] = {name: open_view(settings, name) for name in PROJECTIONS}
        self.history = self.views["history"]
        self.timeline = TimelineReader(self.views["timeline"])
        self.balance = BalanceReader(self.views["balance"])
        first = self.history
        self.commits = None if settings.is_sqlite else CommitWaiter(
            first.datastore.pool.kwargs, first.commits_channel)
        for view in self.views.values():  # reads remember the registry while it is quiet
            view.watch = self.commits

    def position(self) -> int:
        """The log position every view has reached."""
        return min(position_of(view) for view in self.views.values())

    def wait_for(self, position: int, timeout: float, view: str | None = None) -> bool:
        """Until every view (or the one named) includes `position`. A view of another
        shape than this code reads will not get there here: ViewUpgrading at once."""
        chosen = [view] if view else list(self.views)
        for name in chosen:
            if position > position_of(self.views[name]):
                self.views[name].check_readable()
        if self.commits is None:
            return all(wait_for(self.views[name], position, timeout) for name in chosen)
        return all(self.commits.wait(self.views[name].prefix, position,
                                     lambda name=name: position_of(self.views[name]), timeout)
                   for name in chosen)

    def position_of(self, view: str) -> int:
        return position_of(self.views[view])

    def dead_letters(self) -> dict[str, list[Any]]:
        """Per view, the events it could not apply (position, error class, when)."""
        return {name: view.dead_letters() for name, view in self.views.items()}

    def close(self) -> None:
        if self.commits is not None:
            self.commits.stop()
        for view in self.views.values():
            view.datastore.close()
