"""`ebbflow`: the command line, the outermost layer that wires the others.

Exit codes: 0 success, 1 failure (one line on stderr), 2 bad usage.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ledger.application import LedgerApplication, migrate
from ledger.config import Settings
from ledger.demo import create_demo
from ledger.exceptions import LedgerError
from ledger.summary import monthly_flow
from projections.runner import PROJECTIONS, migrate_views, project, rebuild
from web.supervisor import Supervisor


def migrate_all(settings: Settings) -> None:
    migrate(settings)
    migrate_views(settings)


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
    print(f"projecting {', '.join(PROJECTIONS)} from {_where(settings)}", flush=True)
    project(settings, stop)
    print("projector stopped", flush=True)
    return 0


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    names = list(PROJECTIONS) if args.view == "all" else [args.view]
    with Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True)) as progress:
        tasks = {name: progress.add_task(name, total=None) for name in names}

        def report(name: str, done: int, end: int) -> None:
            progress.update(tasks[name], completed=done, total=end)

        replayed = rebuild(settings, names, report)
    for name, count in replayed.items():
        print(f"rebuilt {name}: {count} events")
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Migrates, then runs gunicorn and the projector as supervised children."""
    migrate_all(settings)
    children = Supervisor(args.host, args.port, args.workers)
    print(f"Ebb & Flow is at http://{args.host}:{args.port}/", flush=True)
    return children.run()


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


COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace, Settings], int]]] = {
    "migrate": ("create the tables and the instance's keys (run once per deployment)",
                cmd_migrate),
    "demo": ("create two demo accounts and a ledger with a year of history", cmd_demo),
    "project": ("run every projection, following the log, until stopped", cmd_project),
    "rebuild": ("drop views and replay the whole log into them, with progress", cmd_rebuild),
    "serve": ("migrate, then serve the app with gunicorn and run the projector", cmd_serve),
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
        if name == "rebuild":
            command.add_argument("view", nargs="?", default="all",
                                 choices=[*PROJECTIONS, "all"], help="which view (default all)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return COMMANDS[args.command][1](args, settings)
    except LedgerError as error:
        print(f"ebbflow: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
