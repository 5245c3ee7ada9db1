"""The services a request uses, built once per process by `create_app` and kept on
`app.extensions`; small accessors read them through `current_app`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from ledger.app.application import LedgerApplication
from ledger.infra.config import Settings
from ledger.infra.tokens import Tokens
from projections.read_models import ReadModels
from projections.scope import Reading
from web.ratelimit import RateLimits

EXTENSION = "ebbflow"


@dataclass
class Services:
    settings: Settings
    ledger: LedgerApplication
    reads: ReadModels
    reading: Reading
    tokens: Tokens
    limits: RateLimits

    @classmethod
    def build(cls, settings: Settings, storage_url: str,
              clock: Callable[[], datetime] | None = None) -> Services:
        ledger = LedgerApplication(settings, clock) if clock else LedgerApplication(settings)
        reads = ReadModels(settings)
        return cls(settings=settings, ledger=ledger, reads=reads,
                   reading=Reading(reads, ledger.keys),
                   tokens=ledger.tokens,
                   limits=RateLimits(storage_url))

    def close(self) -> None:
        self.reads.close()
        self.ledger.close()


def services() -> Services:
    found: Any = current_app.extensions[EXTENSION]
    return found  # type: ignore[no-any-return]
