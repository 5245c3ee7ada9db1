"""The one composition root: `bootstrap(settings)` builds what every entry point
runs on. The web app adds its rate limits; the command line, the benchmarks and
the tests use it as it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ledger.app.application import LedgerApplication
from ledger.app.core import utc_now
from ledger.infra.config import Settings
from ledger.infra.tokens import Tokens
from projections.read_models import ReadModels
from projections.scope import Reading
from services.mail.status import MailStatus


@dataclass
class Services:
    settings: Settings
    ledger: LedgerApplication
    reads: ReadModels
    reading: Reading
    mail: MailStatus

    @property
    def tokens(self) -> Tokens:
        return self.ledger.tokens

    def close(self) -> None:
        self.mail.close()
        self.reads.close()
        self.ledger.close()


def bootstrap(settings: Settings | None = None,
              clock: Callable[[], datetime] | None = None) -> Services:
    """Everything an instance runs on, from its settings (by default the environment's)."""
    settings = settings or Settings.from_env()
    ledger = LedgerApplication(settings, clock or utc_now)
    reads = ReadModels(settings)
    return Services(settings=settings, ledger=ledger, reads=reads,
                    reading=Reading(reads, ledger.keys), mail=MailStatus(settings))
