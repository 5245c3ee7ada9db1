"""`ebbflow demo --summary`: shared needs and care per partner per month, counted
straight from the ledger's stream."""

from __future__ import annotations

from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import click

from ledger.app.core import CoreApplication
from ledger.domain.ledger import Ledger
from ledger.domain.values import Visibility
from ledger.infra.config import Settings
from services.bootstrap import bootstrap


@dataclass(frozen=True)
class MonthRow:
    month: str
    partner: str
    needs: int
    care: int


def monthly_flow(app: CoreApplication, ledger_id: UUID, names: dict[UUID, str]) -> list[MonthRow]:
    needs: Counter[tuple[str, UUID]] = Counter()
    care: Counter[tuple[str, UUID]] = Counter()
    event: Any
    for event in app.events.get(ledger_id):
        if getattr(event, "visibility", None) is not Visibility.SHARED:
            continue
        month = event.occurred_at.strftime("%Y-%m")
        if isinstance(event, Ledger.NeedExpressed):
            needs[month, event.actor] += 1
        elif isinstance(event, Ledger.CareOffered):
            care[month, event.actor] += 1
    months = sorted({month for month, _ in needs | care})
    return [
        MonthRow(month, names.get(partner, "?"), needs[month, partner], care[month, partner])
        for month in months
        for partner in names
    ]


def print_summary(settings: Settings, ledger_id: UUID) -> None:
    with closing(bootstrap(settings)) as services:
        app = services.ledger
        ledger = app.describe(app.get_ledger(ledger_id))
        names = {p.id: p.display_name or "(erased)" for p in ledger.partners}
        rows = monthly_flow(app, ledger.id, names)
    click.echo(f"\n{'month':<8} {'partner':<10} {'needs':>5} {'care':>5}  care given")
    for row in rows:
        click.echo(f"{row.month:<8} {row.partner:<10} {row.needs:>5} {row.care:>5}  "
                   f"{'█' * row.care}")
