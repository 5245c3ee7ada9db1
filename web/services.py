"""The services a request uses: the composition root's (`services.bootstrap`) plus
the web's own rate limits, built once per process by `create_app`, kept on
`app.extensions` and read through `current_app`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from ledger.infra.config import Settings
from services.bootstrap import Services, bootstrap
from web.ratelimit import RateLimits

EXTENSION = "ebbflow"


@dataclass
class WebServices(Services):
    limits: RateLimits

    @classmethod
    def build(cls, settings: Settings, storage_url: str,
              clock: Callable[[], datetime] | None = None) -> WebServices:
        core = bootstrap(settings, clock)
        return cls(**vars(core), limits=RateLimits(storage_url))


def services() -> WebServices:
    found: Any = current_app.extensions[EXTENSION]
    return found  # type: ignore[no-any-return]
