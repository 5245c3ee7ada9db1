"""Running the notifier: its tables (created by `ebbflow migrate`), and following
the log with the projectors' runner, tracking and lease under a name of its own."""

from __future__ import annotations

import threading
from datetime import time
from typing import Any

from eventsourcing.persistence import Tracking

from ledger.infra.config import APP_NAME, Settings
from ledger.infra.log import LedgerLog
from projections.notify.projection import NotifierProjection
from projections.notify.store import PostgresNotifierView, SQLiteNotifierView
from projections.runner import ProjectionKind, catch_up, open_view, position_of, project

NAME = "notifier"


def notifier_kind(settings: Settings) -> ProjectionKind:
    """The notifier's projection, told the instance's digest time."""
    digest_time = time.fromisoformat(settings.digest_time)
    projection = type("NotifierProjection", (NotifierProjection,),
                      {"digest_time": digest_time, "name": NAME})
    return ProjectionKind(projection, SQLiteNotifierView, PostgresNotifierView)


def open_notifier(settings: Settings) -> Any:
    return open_view(settings, NAME, {NAME: notifier_kind(settings)})


def migrate_notifier(settings: Settings) -> None:
    """Creates the notifier's tables. A new notifier on a log with history starts at
    its head: what happened before email existed is not news to anyone."""
    view = open_notifier(settings.with_changes(create_tables=True))
    log = LedgerLog(env=settings.with_changes(create_tables=True).eventsourcing_env())
    try:
        head = log.recorder.max_notification_id() or 0
        if view.stored_version() != view.SCHEMA_VERSION:
            if position_of(view) == 0 and head > 0:
                with view.write() as cursor:
                    view._insert_tracking(cursor, Tracking(APP_NAME, head))
            view.mark_version()
    finally:
        view.datastore.close()
        log.close()


def notify(settings: Settings, stop: threading.Event) -> None:
    """Follows the log until `stop`, active while it holds the notifier's lease."""
    project(settings, stop, [NAME], {NAME: notifier_kind(settings)})


def notifier_position(settings: Settings) -> int:
    view = open_notifier(settings)
    try:
        return position_of(view)
    finally:
        view.datastore.close()


def notify_once(settings: Settings) -> int:
    """What the running notifier does, without its threads: for tests."""
    return catch_up(settings, [NAME], {NAME: notifier_kind(settings)})
