"""Exports as files an operator handles: taking one for a partner, verifying one,
printing the key that signs them, and importing one as a new ledger."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

import click

from ledger.domain.exceptions import LedgerError
from ledger.domain.weeks import zone
from ledger.infra.config import Settings
from projections.export import chain
from projections.runner import catch_up_unattended
from projections.scope import SECTIONS, ReadScope
from services.bootstrap import bootstrap
from services.exports import partner_export
from web.imports import import_plan


@click.command("export")
@click.argument("ledger_id", type=click.UUID)
@click.option("--account", required=True,
              help="the partner whose view is exported (consent: theirs)")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "pdf"]), default="json",
              show_default=True)
@click.option("--from", "start", help="date or RFC 3339 time")
@click.option("--to", "end", help="date or RFC 3339 time (exclusive)")
@click.option("--sections", default=",".join(SECTIONS), show_default=True)
@click.option("--include-private", is_flag=True, help="add the partner's own private entries")
@click.option("-o", "--output", help="file to write (default: stdout)")
def export(ledger_id: UUID, account: str, fmt: str, start: str | None, end: str | None,
           sections: str, include_private: bool, output: str | None) -> int:
    """export what a partner may see, as verifiable JSON or CSV

    The export is recorded in the ledger like any other."""
    settings = Settings.from_env()
    with closing(bootstrap(settings)) as services:
        app = services.ledger
        actor = app.account_id_for_email(account)
        timezone = app.get_ledger(ledger_id, actor).timezone
        scope = ReadScope.partner(ledger_id, actor, own_private=include_private,
                                  sections=tuple(sections.split(",")),
                                  start=_moment(start, timezone), end=_moment(end, timezone))
        file = partner_export(app, services.reading, ledger_id, actor, fmt, scope,
                              catch_up=lambda: catch_up_unattended(settings))
        with click.open_file(output or "-", "wb") as out:
            for chunk in file.chunks:
                out.write(chunk)
    if output:
        click.echo(f"wrote {output}", err=True)
    return 0


@click.command("verify")
@click.argument("file")
@click.option("--trust-embedded-key", is_flag=True,
              help="check against the key the file carries, not this instance's (prints its "
                   "fingerprint)")
@click.option("--trust", multiple=True, metavar="KEY",
              help="also accept files signed by this public key (base64 Ed25519; "
                   "EBBFLOW_TRUSTED_EXPORT_KEYS lists them for every command)")
def verify(file: str, trust_embedded_key: bool, trust: tuple[str, ...]) -> int:
    """check an export's hash chain and signature

    Exits 0 only for an intact export signed by this instance or a key the operator
    trusts (or, asked, by the key it carries: for looking, never for trusting)."""
    settings = Settings.from_env()
    document = _read_export(file)
    if document is None:
        return 1
    trusted: list[str] | None = None
    if not trust_embedded_key:
        with closing(bootstrap(settings)) as services:
            trusted = [*services.ledger.trusted_export_keys(), *trust]
    verdict = chain.verify(document, trusted)
    click.echo(("ok: " if verdict.ok else "ebbflow: ") + verdict.message, err=not verdict.ok)
    return 0 if verdict.ok else 1


@click.command("key")
def key() -> int:
    """print this instance's export signing key and its fingerprint

    For checking exports out of band: hand both to whoever receives a file (the
    output, saved, is what `docs/verify_export.py --key` reads)."""
    with closing(bootstrap(Settings.from_env())) as services:
        public = services.ledger.trusted_export_keys()[0]
    click.echo(f"public key: {public}")
    click.echo(f"fingerprint: {chain.fingerprint(public)}")
    return 0


@click.command("import")
@click.argument("file")
@click.option("--account", required=True,
              help="the account that takes the exporting partner's place")
def import_export(file: str, account: str) -> int:
    """restore a complete export as a new ledger of an account

    The export must be complete, intact and signed by this instance (or a trusted
    key); otherwise it is refused whole, with the reason. Prints the new ledger's id."""
    settings = Settings.from_env()
    document = _read_export(file)
    if document is None:
        return 1
    with closing(bootstrap(settings)) as services:
        app = services.ledger
        try:
            plan = import_plan(document, app.trusted_export_keys(), settings.import_max_events)
            recorded = app.import_export(plan, app.account_id_for_email(account))
        except LedgerError as error:
            click.echo(f"ebbflow: not imported: {error}", err=True)
            return 1
    click.echo(recorded.id)
    return 0


def _read_export(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as source:
            return json.load(source)
    except (OSError, ValueError) as error:
        click.echo(f"ebbflow: cannot read {path}: {error}", err=True)
        return None


def _moment(value: str | None, timezone: str) -> datetime | None:
    if not value:
        return None
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=zone(timezone))
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
