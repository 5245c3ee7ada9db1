"""A month-by-month count of shared needs and care per partner, read straight from
a ledger's stream. It serves the command line until the projections exist."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ledger.app.core import CoreApplication
from ledger.domain.ledger import Ledger
from ledger.domain.values import Visibility


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
