"""What the running service does on a schedule, beside the projections: stored
idempotent replies are kept 24 hours (API.md: "at least 24 h") and then deleted
and scrubbed, so no reply, and no word in one, lives on for good."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from ledger.app.application import LedgerApplication
from ledger.infra.config import Settings
from ledger.infra.encoding_time import micros

REPLY_LIFETIME = timedelta(hours=24)
EVERY_SECONDS = 600.0
logger = logging.getLogger(__name__)


def expire_replies(app: LedgerApplication) -> None:
    """Claims are stamped with the wall clock (web.api.replies), so expiry uses it too."""
    app.recorder.purge_idempotency(  # type: ignore[attr-defined]
        older_than=micros(datetime.now(UTC) - REPLY_LIFETIME))


def keep_house(settings: Settings, stop: threading.Event,
               every: float = EVERY_SECONDS) -> None:
    """Until `stop`: expire stored replies now, then every `every` seconds. Any
    projector process runs it; the work is idempotent, so a standby may too."""
    app = LedgerApplication(settings)
    try:
        while not stop.is_set():
            try:
                expire_replies(app)
            except Exception:  # the database may be away for a while: try again later
                logger.exception("housekeeping failed; trying again later")
            stop.wait(every)
    finally:
        app.close()
