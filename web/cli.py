"""`ebbflow`: the command line, the outermost layer that wires the others.

Exit codes: 0 success, 1 failure (one line on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from uuid import UUID

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bench.runner import CASES as BENCH_CASES
from bench.runner import main as run_bench
from ledger.app.application import LedgerApplication, migrate
from ledger.app.demo import create_demo
from ledger.app.housekeeping import keep_house
from ledger.app.summary import monthly_flow
from ledger.domain.exceptions import LedgerError
from ledger.domain.weeks import zone
from ledger.infra.backup import backup, restore
from ledger.infra.config import Settings
from projections.export.chain import verify
from projections.read_models import ReadModels
from projections.runner import (
    PROJECTIONS,
    catch_up_unattended,
    dead_letters,
    migrate_views,
    project,
    rebuild,
)
from projections.scope import SECTIONS, Reading, ReadScope
from services.exports import partner_export
from web.imports import import_plan
from web.logs import configure_logging
from web.supervisor import Supervisor

logger = logging.getLogger("ebbflow")

def migrate_all(settings: Settings) -> None:
    """The event store's tables and keys, then the views (rebuilding any whose rows
    are of an older shape than this release reads)."""
    migrate(settings)
    for name in migrate_views(settings):
        print(f"rebuilt the {name} view: its rows were of an older shape", file=sys.stderr)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    migrate_all(settings)
    print(f"migrated {_where(settings)}")
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    migrate_all(settings)
    demo = create_demo(settings)
    print(("created" if demo.created else "found") + f" the demo ledger {demo.ledger_id}")
    for email, password in demo.logins:
        print(f"  log in as {email} / {password}")
    if args.summary:
        _print_summary(settings, demo.ledger_id)
    return 0


def cmd_project(args: argparse.Namespace, settings: Settings) -> int:
    """Runs every projection until SIGTERM or SIGINT, then stops cleanly."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    configure_logging()
    logger.info("projector for %s on %s", ", ".join(PROJECTIONS), _where(settings))
    housekeeper = threading.Thread(target=keep_house, args=(settings, stop),
                                   name="housekeeping", daemon=True)
    housekeeper.start()
    project(settings, stop)
    housekeeper.join(5)
    logger.info("projector stopped")
    return 0


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    names = list(PROJECTIONS) if args.view == "all" else [args.view]
    rebuild_with_progress(settings, names)
    return 0


def rebuild_with_progress(settings: Settings, names: list[str]) -> None:
    with _progress() as progress:
        tasks = {name: progress.add_task(name, total=None) for name in names}

        def report(name: str, done: int, end: int) -> None:
            progress.update(tasks[name], completed=done, total=end)

        replayed = rebuild(settings, names, report)
    for name, count in replayed.items():
        print(f"rebuilt {name}: {count} events")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True))


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    """An encrypted online copy of the event store (SQLite; see deploy/README.md)."""
    with _progress() as progress:
        task = progress.add_task("backup", total=None)
        header = backup(settings, Path(args.file),
                        lambda done, total: progress.update(task, completed=done, total=total))
    print(f"backed up to {args.file} ({Path(args.file).stat().st_size:,} bytes, "
          f"{header['erasures']} erasures journaled so far)")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Restores a backup, re-applies every erasure since, rebuilds the views."""
    if not args.erasures_only:
        if not args.file:
            print("ebbflow: restore needs a FILE (or --erasures-only)", file=sys.stderr)
            return 2
        header = restore(settings, Path(args.file), replace=args.replace)
        print(f"restored the backup of {header['created_at']}")
    app = LedgerApplication(settings)
    try:
        again = app.keys.reapply_erasures()
    finally:
        app.close()
    print(f"re-applied the erasure journal: {again} key(s) destroyed again")
    if not args.erasures_only:
        rebuild_with_progress(settings, list(PROJECTIONS))
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Migrates, then runs gunicorn and the projector as supervised children."""
    configure_logging()
    migrate_all(settings)
    children = Supervisor(args.host, args.port, args.workers)
    print(f"Ebb & Flow is at http://{args.host}:{args.port}/", flush=True)
    return children.run()


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Exports what the named partner may see, recorded in the ledger like any export."""
    app, reads = LedgerApplication(settings), ReadModels(settings)
    try:
        actor = app.account_id_for_email(args.account)
        timezone = app.get_ledger(args.ledger_id, actor).timezone
        scope = ReadScope.partner(args.ledger_id, actor, own_private=args.include_private,
                                  sections=tuple(args.sections.split(",")),
                                  start=_moment(args.start, timezone),
                                  end=_moment(args.end, timezone))
        file = partner_export(app, Reading(reads, app.keys), args.ledger_id, actor,
                              args.format, scope, catch_up=lambda: catch_up_unattended(settings))
        out = open(args.output, "wb") if args.output else sys.stdout.buffer  # noqa: SIM115
        try:
            for chunk in file.chunks:
                out.write(chunk)
        finally:
            if out is not sys.stdout.buffer:
                out.close()
    finally:
        reads.close()
        app.close()
    if args.output:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Exit 0 only for an intact export signed by this instance or a key the operator
    trusts (or, asked, by the key it carries: for looking, never for trusting)."""
    document = _read_export(args.file)
    if document is None:
        return 1
    trusted: list[str] | None = None
    if not args.trust_embedded_key:
        app = LedgerApplication(settings)
        try:
            trusted = [*app.trusted_export_keys(), *args.trust]
        finally:
            app.close()
    verdict = verify(document, trusted)
    print(("ok: " if verdict.ok else "ebbflow: ") + verdict.message,
          file=sys.stdout if verdict.ok else sys.stderr)
    return 0 if verdict.ok else 1


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """Restores a complete, intact export signed by this instance (or a trusted key) as
    a new ledger of the named account; refused whole, with the reason, otherwise."""
    document = _read_export(args.file)
    if document is None:
        return 1
    app = LedgerApplication(settings)
    try:
        plan = import_plan(document, app.trusted_export_keys(), settings.import_max_events)
        recorded = app.import_export(plan, app.account_id_for_email(args.account))
    except LedgerError as error:
        print(f"ebbflow: not imported: {error}", file=sys.stderr)
        return 1
    finally:
        app.close()
    print(recorded.id)
    return 0


def _read_export(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as source:
            return json.load(source)
    except (OSError, ValueError) as error:
        print(f"ebbflow: cannot read {path}: {error}", file=sys.stderr)
        return None


def _moment(value: str | None, timezone: str) -> datetime | None:
    if not value:
        return None
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=zone(timezone))
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _print_summary(settings: Settings, ledger_id: object) -> None:
    app = LedgerApplication(settings)
    try:
        ledger = app.describe(app.get_ledger(ledger_id))  # type: ignore[arg-type]
        names = {p.id: p.display_name or "(erased)" for p in ledger.partners}
        rows = monthly_flow(app, ledger.id, names)
    finally:
        app.close()
    print(f"\n{'month':<8} {'partner':<10} {'needs':>5} {'care':>5}  care given")
    for row in rows:
        print(f"{row.month:<8} {row.partner:<10} {row.needs:>5} {row.care:>5}  {'█' * row.care}")


def _where(settings: Settings) -> str:
    if settings.is_sqlite:
        return str(settings.sqlite_path)
    return settings.database_url.split("@")[-1]


def cmd_dead_letters(args: argparse.Namespace, settings: Settings) -> int:
    """Lists the events each view could not apply; `ebbflow rebuild` retries them."""
    found = dead_letters(settings)
    for name, rows in found.items():
        for row in rows:
            print(f"{name}\tposition {row['position']}\t{row['error']}")
    total = sum(len(rows) for rows in found.values())
    print(f"{total} dead letter(s)" + ("; `ebbflow rebuild` retries them" if total else ""),
          file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace, settings: Settings | None) -> int:
    return run_bench(quick=args.quick, only=args.only, write=args.write or None)


COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace, Settings], int]]] = {
    "migrate": ("create the tables and the instance's keys (run once per deployment)",
                cmd_migrate),
    "demo": ("create two demo accounts and a ledger with a year of history", cmd_demo),
    "project": ("run every projection, following the log, until stopped", cmd_project),
    "rebuild": ("drop views and replay the whole log into them, with progress", cmd_rebuild),
    "dead-letters": ("list the events a view could not apply (a rebuild retries them)",
                     cmd_dead_letters),
    "serve": ("migrate, then serve the app with gunicorn and run the projector", cmd_serve),
    "export": ("export what a partner may see, as verifiable JSON or CSV", cmd_export),
    "verify": ("check an export's hash chain and signature", cmd_verify),
    "import": ("restore a complete export as a new ledger of an account", cmd_import),
    "backup": ("write an encrypted copy of the instance's event store (SQLite)", cmd_backup),
    "restore": ("restore a backup, re-apply erasures since, rebuild the views", cmd_restore),
    "bench": ("run the benchmarks on throwaway instances; print and record the results",
              cmd_bench),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ebbflow", description="Ebb & Flow: a shared-needs ledger for couples.",
        epilog="Configured by EBBFLOW_DATABASE_URL, EBBFLOW_CIPHER_KEY, EBBFLOW_SECRET_KEY.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (help_text, _) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == "demo":
            command.add_argument("--summary", action="store_true",
                                 help="print shared needs and care per partner per month")
        if name == "serve":
            command.add_argument("--host", default="127.0.0.1")
            command.add_argument("--port", type=int, default=8000)
            command.add_argument("--workers", type=int, default=None,
                                 help="gunicorn workers (default: from the CPU count)")
        if name == "export":
            command.add_argument("ledger_id", type=UUID)
            command.add_argument("--account", required=True,
                                 help="the partner whose view is exported (consent: theirs)")
            command.add_argument("--format", choices=["json", "csv", "pdf"], default="json")
            command.add_argument("--from", dest="start", help="date or RFC 3339 time")
            command.add_argument("--to", dest="end", help="date or RFC 3339 time (exclusive)")
            command.add_argument("--sections", default=",".join(SECTIONS))
            command.add_argument("--include-private", action="store_true",
                                 help="add the partner's own private entries")
            command.add_argument("-o", "--output", help="file to write (default: stdout)")
        if name == "verify":
            command.add_argument("file")
            command.add_argument("--trust-embedded-key", action="store_true",
                                 help="check against the key the file carries, not this "
                                      "instance's (prints its fingerprint)")
            command.add_argument("--trust", action="append", default=[], metavar="KEY",
                                 help="also accept files signed by this public key "
                                      "(base64 Ed25519; EBBFLOW_TRUSTED_EXPORT_KEYS lists "
                                      "them for every command)")
        if name == "import":
            command.add_argument("file")
            command.add_argument("--account", required=True,
                                 help="the account that takes the exporting partner's place")
        if name == "backup":
            command.add_argument("file", help="where to write the backup")
        if name == "restore":
            command.add_argument("file", nargs="?", help="the backup to restore")
            command.add_argument("--replace", action="store_true",
                                 help="replace an existing database (stop the service first)")
            command.add_argument("--erasures-only", action="store_true",
                                 help="only re-apply the erasure journal (after pg_restore)")
        if name == "bench":
            command.add_argument("--quick", action="store_true",
                                 help="a scaled-down run (a smoke test, about a minute)")
            command.add_argument("--only", action="append", choices=BENCH_CASES,
                                 help="run only this case (repeatable)")
            command.add_argument("--write", action="store_true",
                                 help="write bench/RESULTS.md even for a quick or partial run")
        if name == "rebuild":
            command.add_argument("view", nargs="?", default="all",
                                 choices=[*PROJECTIONS, "all"], help="which view (default all)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "bench":  # its own throwaway instances: no settings, no keys
        return cmd_bench(args, None)
    try:
        settings = Settings.from_env()
        return COMMANDS[args.command][1](args, settings)
    except LedgerError as error:
        print(f"ebbflow: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
