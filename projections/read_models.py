"""The read side as the web and the command line use it: the three views, their
readers, and read-your-writes (wait until every view has reached a position)."""

from __future__ import annotations

from typing import Any

from ledger.infra.config import Settings
from projections.balance_query import BalanceReader
from projections.runner import PROJECTIONS, open_view, position_of, wait_for
from projections.timeline_query import TimelineReader


class ReadModels:
    def __init__(self, settings: Settings) -> None:
        self.views: dict[str, Any] = {name: open_view(settings, name) for name in PROJECTIONS}
        self.history = self.views["history"]
        self.timeline = TimelineReader(self.views["timeline"])
        self.balance = BalanceReader(self.views["balance"])

    def position(self) -> int:
        """The log position every view has reached."""
        return min(position_of(view) for view in self.views.values())

    def wait_for(self, position: int, timeout: float, view: str | None = None) -> bool:
        """Until every view (or the one named) includes `position`. A view of another
        shape than this code reads will not get there here: ViewUpgrading at once."""
        chosen = [self.views[view]] if view else list(self.views.values())
        for one in chosen:
            if position > position_of(one):
                one.check_readable()
        return all(wait_for(one, position, timeout) for one in chosen)

    def position_of(self, view: str) -> int:
        return position_of(self.views[view])

    def dead_letters(self) -> dict[str, list[Any]]:
        """Per view, the events it could not apply (position, error class, when)."""
        return {name: view.dead_letters() for name, view in self.views.items()}

    def close(self) -> None:
        for view in self.views.values():
            view.datastore.close()
