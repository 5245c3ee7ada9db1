"""`ebbflow notify`: the notifier following the log and the sender delivering the
outbox, in one process, each under a lease of its own (one active, a standby)."""

from __future__ import annotations

import logging
import threading

from ledger.app.application import LedgerApplication
from ledger.infra.config import Settings
from projections.notify.outbox import Outbox
from projections.notify.running import notify, open_notifier
from services.mail.compose import Letterhead
from services.mail.sender import Sender, run_sender
from services.mail.transport import transport_for

logger = logging.getLogger("ebbflow.mail")


def letterhead(settings: Settings) -> Letterhead:
    return Letterhead(settings.mail_from, settings.base_url, settings.secret_key)


def run_mail(settings: Settings, stop: threading.Event) -> None:
    """Until `stop`; an error of the notifier ends the process (its supervisor
    restarts it), the sender rides out a database that is away."""
    transport = transport_for(settings.smtp_url, settings.outbox_dir)
    logger.info("emails go to %s", transport.describe())
    app = LedgerApplication(settings)
    view = open_notifier(settings)
    sender = Sender(app, Outbox(view), transport, letterhead(settings))
    thread = threading.Thread(target=run_sender, args=(sender, stop), name="sender",
                              daemon=True)
    thread.start()
    try:
        notify(settings, stop)
    finally:
        stop.set()
        thread.join(10)
        view.datastore.close()
        app.close()
