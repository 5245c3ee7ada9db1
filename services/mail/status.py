"""How the notifier and the sender are doing, as /readyz and /metrics report it:
the notifier's position in the log and the outbox's counts, read from the database
(so they are right whichever process notifies). The view opens on first use."""

from __future__ import annotations

from typing import Any

from ledger.infra.config import Settings
from projections.notify.outbox import Outbox
from projections.notify.running import open_notifier
from projections.runner import position_of


class MailStatus:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._view: Any = None

    @property
    def view(self) -> Any:
        if self._view is None:
            self._view = open_notifier(self.settings.with_changes(create_tables=False))
        return self._view

    def position(self) -> int:
        return position_of(self.view)

    def counts(self) -> dict[str, int]:
        return Outbox(self.view).counts()

    def close(self) -> None:
        if self._view is not None:
            self._view.datastore.close()
