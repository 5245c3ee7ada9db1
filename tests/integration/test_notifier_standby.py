"""Two `ebbflow notify` at once, as compose runs them: one notifier and one sender
active, the other standing by; when the active one stops, the standby takes over and
nothing is decided or sent twice."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.notifications import Preferences
from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from services.mail.running import run_mail
from tests.helpers import Couple
from tests.integration.mail_helpers import Mailroom


class Notify:
    def __init__(self, settings: Settings) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=run_mail, args=(settings, self.stop), daemon=True)
        self.thread.start()

    def end(self) -> None:
        self.stop.set()
        self.thread.join(15)


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def wait_for(count: int, folder: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while len(files(folder)) < count:
        assert time.monotonic() < deadline, len(files(folder))
        time.sleep(0.1)


def test_a_standby_notifier_takes_over_and_nothing_is_sent_twice(
        settings: Settings, app: LedgerApplication, couple: Couple,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="ebbflow.mail")
    room = Mailroom(settings, app)
    try:
        room.verify(couple.alex, couple.sam)
    finally:
        room.close()
    app.choose_notifications(couple.sam, Preferences(needs=True))
    outbox = settings.outbox_dir
    first = Notify(settings)
    time.sleep(1.5)
    second = Notify(settings)
    try:
        for _ in range(3):
            app.express_need(couple.ledger_id, couple.alex, need="n", intensity=1,
                             support_type=SupportType.EMOTIONAL)
        wait_for(3, outbox)
        first.end()
        for _ in range(3):
            app.express_need(couple.ledger_id, couple.alex, need="n", intensity=1,
                             support_type=SupportType.EMOTIONAL)
        wait_for(6, outbox)
        time.sleep(1.0)
        written = [r.getMessage() for r in caplog.records if "written to" in r.getMessage()]
        assert len(written) == len(set(written)) == len(files(outbox)) == 6
    finally:
        first.end()
        second.end()
