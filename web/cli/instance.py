"""The instance's own commands: its tables and keys, serving, following the log,
rebuilding the views, their dead letters, and backing up and restoring the store."""

from __future__ import annotations

import logging
import signal
import threading
from contextlib import closing
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from ledger.app import application
from ledger.app.housekeeping import keep_house
from ledger.infra import backup as backups
from ledger.infra.config import Settings
from projections import online, runner
from projections.notify.running import migrate_notifier, restart_at_head
from services.bootstrap import bootstrap
from services.mail.running import run_mail
from services.mail.transport import transport_for
from web.logs import configure_logging
from web.supervisor import Supervisor

logger = logging.getLogger("ebbflow")


def migrate_all(settings: Settings, keep_stale: bool = False) -> None:
    """The event store's tables and keys, then the views: any whose rows are of
    another shape than this release reads is rebuilt online (the old one serves
    meanwhile), or with `keep_stale` left for `ebbflow rebuild --online`."""
    application.migrate(settings)
    migrate_notifier(settings)
    progress = _progress()
    try:
        stale = runner.migrate_views(settings, _reporting(progress, {}),
                                     online.rebuild_views_online, keep_stale)
    finally:
        if progress.live.is_started:  # shown once a view reports: else nothing printed
            progress.stop()
    for name in stale:
        click.echo(f"the {name} view's rows were of another shape: " + (
            f"left serving; run `ebbflow rebuild --online {name}`" if keep_stale
            else "rebuilt online"), err=True)


def where(settings: Settings) -> str:
    if settings.is_sqlite:
        return str(settings.sqlite_path)
    return settings.database_url.split("@")[-1]


@click.command("migrate")
@click.option("--keep-stale", is_flag=True,
              help="leave views of an older shape serving for `ebbflow rebuild --online`")
def migrate(keep_stale: bool) -> int:
    """create the tables and the instance's keys (run once per deployment)"""
    settings = Settings.from_env()
    migrate_all(settings, keep_stale)
    click.echo(f"migrated {where(settings)}")
    return 0


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--workers", type=int, default=None,
              help="gunicorn workers (default: from the CPU count)")
def serve(host: str, port: int, workers: int | None) -> int:
    """migrate, then serve the app with gunicorn and run the projector

    Both run as supervised child processes; SIGTERM or SIGINT stops them."""
    settings = Settings.from_env()
    configure_logging()
    migrate_all(settings)
    children = Supervisor(host, port, workers)
    click.echo(f"Ebb & Flow is at http://{host}:{port}/")
    click.echo(f"Emails go to {transport_for(settings.smtp_url, settings.outbox_dir).describe()}")
    return children.run()


@click.command("project")
def project() -> int:
    """run every projection, following the log, until stopped

    SIGTERM or SIGINT stops it cleanly."""
    settings = Settings.from_env()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    configure_logging()
    logger.info("projector for %s on %s", ", ".join(runner.PROJECTIONS), where(settings))
    housekeeper = threading.Thread(target=keep_house, args=(settings, stop),
                                   name="housekeeping", daemon=True)
    housekeeper.start()
    runner.project(settings, stop)
    housekeeper.join(5)
    logger.info("projector stopped")
    return 0


@click.command("notify")
def notify() -> int:
    """send the emails partners chose, following the log, until stopped

    SIGTERM or SIGINT stops it cleanly. Without EBBFLOW_SMTP_URL the emails are
    written as .eml files to the data folder's outbox/."""
    settings = Settings.from_env()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    configure_logging()
    run_mail(settings, stop)
    logger.info("notifier stopped")
    return 0


@click.command("rebuild")
@click.argument("view", default="all", type=click.Choice([*runner.PROJECTIONS, "all"]))
@click.option("--online", "is_online", is_flag=True,
              help="build the new generation beside the serving one, then switch")
def rebuild(view: str, is_online: bool) -> int:
    """replay the whole log into views, with progress

    VIEW is which view (default all). Without --online each view is dropped first
    (its readers wait meanwhile); with it the old one serves until the switch."""
    settings = Settings.from_env()
    names = list(runner.PROJECTIONS) if view == "all" else [view]
    if is_online:
        with _progress() as progress:
            serving = online.rebuild_views_online(settings, names, _reporting(progress, {}))
        for name, generation in serving.items():
            click.echo(f"rebuilt {name} online: generation {generation} serves")
        return 0
    rebuild_with_progress(settings, names)
    return 0



def rebuild_with_progress(settings: Settings, names: list[str]) -> None:
    with _progress() as progress:
        replayed = runner.rebuild(settings, names, _reporting(progress, {}))
    for name, count in replayed.items():
        click.echo(f"rebuilt {name}: {count} events")


def _reporting(progress: Progress, tasks: dict[str, TaskID]) -> runner.Progress:
    """A progress bar per view, added when the view reports first."""

    def report(name: str, done: int, end: int) -> None:
        if name not in tasks:
            progress.start()
            tasks[name] = progress.add_task(name, total=None)
        progress.update(tasks[name], completed=done, total=end)

    return report


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True))


@click.command("dead-letters")
def dead_letters() -> int:
    """list the events a view could not apply (a rebuild retries them)"""
    found = runner.dead_letters(Settings.from_env())
    for name, rows in found.items():
        for row in rows:
            click.echo(f"{name}\tposition {row['position']}\t{row['error']}")
    total = sum(len(rows) for rows in found.values())
    click.echo(f"{total} dead letter(s)" + ("; `ebbflow rebuild` retries them" if total else ""),
               err=True)
    return 0


@click.command("backup")
@click.argument("file")
def backup(file: str) -> int:
    """write an encrypted copy of the instance's event store (SQLite)

    FILE is where to write the backup: an online copy (see deploy/README.md)."""
    settings = Settings.from_env()
    with _progress() as progress:
        task = progress.add_task("backup", total=None)
        header = backups.backup(settings, Path(file),
                                lambda done, total: progress.update(task, completed=done,
                                                                    total=total))
    click.echo(f"backed up to {file} ({Path(file).stat().st_size:,} bytes, "
               f"{header['erasures']} erasures journaled so far)")
    return 0


@click.command("restore")
@click.argument("file", required=False)
@click.option("--replace", is_flag=True,
              help="replace an existing database (stop the service first)")
@click.option("--erasures-only", is_flag=True,
              help="only re-apply the erasure journal (after pg_restore)")
def restore(file: str | None, replace: bool, erasures_only: bool) -> int:
    """restore a backup, re-apply erasures since, rebuild the views

    FILE is the backup to restore; every erasure journaled since it was taken is
    applied again, then the views are rebuilt from the restored log."""
    settings = Settings.from_env()
    if not erasures_only:
        if not file:
            click.echo("ebbflow: restore needs a FILE (or --erasures-only)", err=True)
            return 2
        header = backups.restore(settings, Path(file), replace=replace)
        click.echo(f"restored the backup of {header['created_at']}")
    with closing(bootstrap(settings)) as services:
        again = services.ledger.keys.reapply_erasures()
    click.echo(f"re-applied the erasure journal: {again} key(s) destroyed again")
    if not erasures_only:
        rebuild_with_progress(settings, list(runner.PROJECTIONS))
        restart_at_head(settings)
        click.echo("the notifier starts again at the restored log's end")
    return 0
