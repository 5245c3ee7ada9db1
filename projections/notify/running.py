"""Running the notifier: its tables (created by `ebbflow migrate`), and following
the log with the projectors' runner, tracking and lease under a name of its own."""

from __future__ import annotations

import threading
from datetime import time
from typing import Any

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
    """Creates the notifier's tables. A new notifier on a log with history learns
    from it who is who (ledgers, partners, choices, verified addresses) without
    sending anything: what happened before it existed is not news to anyone.
    Run while no notifier runs (`ebbflow migrate`, `serve` before its children)."""
    creating = settings.with_changes(create_tables=True)
    view = open_notifier(creating)
    try:
        if view.stored_version() == view.SCHEMA_VERSION:
            return
        view.learn_until(_head(creating))
        view.mark_version()
    finally:
        view.datastore.close()
    catch_up(creating, [NAME], {NAME: notifier_kind(settings)})


def restart_at_head(settings: Settings) -> None:
    """After a restore the log is older than the notifier's position: it learns the
    restored log again and follows it from its end (what the restored events caused
    was sent, or is moot now); else it would pass over every event until the log
    grew back to where it was."""
    creating = settings.with_changes(create_tables=True)
    view = open_notifier(creating)
    try:
        view.drop(APP_NAME)
        view.learn_until(_head(creating))
    finally:
        view.datastore.close()
    catch_up(creating, [NAME], {NAME: notifier_kind(settings)})


def _head(settings: Settings) -> int:
    log = LedgerLog(env=settings.eventsourcing_env())
    try:
        return int(log.recorder.max_notification_id() or 0)
    finally:
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
