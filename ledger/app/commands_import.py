"""Importing a complete export as a new ledger, all or nothing.

The importing account takes the exporting partner's place; the other partner becomes
a placeholder (an id without credentials) that a new invite lets someone claim. The
file has already been checked (signed by a trusted key, every value validated like an
API request: `web.imports`); here each event is replayed through the domain, so every
rule holds again, keeping the time it was first recorded as data
(`originally_recorded_at`). Nothing is saved until the whole history has replayed:
one transaction, or nothing at all. Entry ids are mapped deterministically (uuid5
within the new ledger), so importing twice never collides.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ledger.app.core import CoreApplication, Recorded
from ledger.domain import places
from ledger.domain.aggregate import importing
from ledger.domain.exceptions import Invalid, LedgerError
from ledger.domain.kinds import REQUIRED_TEXTS
from ledger.domain.ledger import Ledger
from ledger.domain.places import (
    AMENDMENT_REASON,
    ENTRY_TEXTS,
    RESOLUTION_NOTE,
    RETRACTION_REASON,
    Place,
)
from ledger.domain.values import Outcome, SealedText
from ledger.infra.sealing import Sealer, fingerprint, ledger_key_id, partner_key_id

ERASED = "(these words were erased before the export)"


@dataclass(frozen=True)
class ImportedEvent:
    """One validated event of the file: its type, the exporting ledger's actor (hex),
    when it was first recorded, and its data as typed values (texts as str or None)."""

    type: str
    actor: str
    recorded_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True)
class ImportPlan:
    """A validated export: who exported it, the other partner (hex id, display
    name), and the events to replay, oldest first (Opened first)."""

    exporter: str
    other: tuple[str, str | None] | None
    events: list[ImportedEvent]


class ImportCommands(CoreApplication):
    def export_key_fingerprint(self) -> str:
        """What a partner compares with a file's key, read out of band."""
        return fingerprint(self.trusted_export_keys()[0])

    def trusted_export_keys(self) -> list[str]:
        """The public keys whose exports this instance imports: its own, and those the
        operator lists (EBBFLOW_TRUSTED_EXPORT_KEYS, base64 Ed25519)."""
        own = self.keys.signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return [base64.b64encode(own).decode(), *self.settings.trusted_export_keys]

    def import_export(self, plan: ImportPlan, account_id: UUID) -> Recorded:
        account = self.get_account(account_id)
        ledger_id, placeholder = uuid4(), uuid4()
        people = {plan.exporter: account_id, **({plan.other[0]: placeholder} if plan.other
                                                 else {})}
        keys = [ledger_key_id(ledger_id), partner_key_id(ledger_id, account_id),
                partner_key_id(ledger_id, placeholder)]
        for key in keys:
            self.keys.ensure_key(key)
        try:
            replay = Replay(self, ledger_id, people, plan)
            ledger = replay.run()
            account.add_ledger(ledger_id, self.clock())
            recordings = self.save(ledger, account)
        except BaseException:
            for key in keys:  # nothing was recorded with them
                self.keys.destroy(key)
            raise
        return Recorded(ledger_id, recordings[-1].notification.id, ledger.version)


class Replay:
    """Turns validated events back into domain commands on a new ledger, in memory."""

    def __init__(self, app: ImportCommands, ledger_id: UUID, people: dict[str, UUID],
                 plan: ImportPlan) -> None:
        self.app, self.ledger_id, self.people, self.plan = app, ledger_id, people, plan
        self.importer = people[plan.exporter]
        self.placeholder = people.get(plan.other[0]) if plan.other else None
        self.sealer: Sealer = app.keys.sealer()

    def run(self) -> Ledger:
        events = self.plan.events
        if not events or events[0].type != "Opened":
            raise Invalid.field("events", "the export holds no Opened event")
        ledger = self.open(events[0])
        for index, event in enumerate(events[1:], start=2):
            try:
                self.apply(ledger, event)
            except LedgerError as error:
                raise Invalid.field("events", f"event #{index} ({event.type}) could not be "
                                              f"imported: {error}") from None
        return ledger

    def entry(self, old: UUID) -> UUID:
        return uuid5(self.ledger_id, str(old))

    def seal(self, actor: UUID, place: Place, text: str | None) -> SealedText:
        return self.sealer.seal(partner_key_id(self.ledger_id, actor), text or ERASED, place)

    def seal_optional(self, actor: UUID, place: Place, text: str | None) -> SealedText | None:
        return self.seal(actor, place, text) if text else None

    def entry_text(self, actor: UUID, entry_id: UUID, field: str,
                   text: str | None) -> SealedText:
        return self.seal(actor, places.entry_text(self.ledger_id, entry_id, field), text)

    def optional_text(self, actor: UUID, entry_id: UUID, field: str,
                      text: str | None) -> SealedText | None:
        return self.seal_optional(actor, places.entry_text(self.ledger_id, entry_id, field),
                                  text)

    def open(self, opened: ImportedEvent) -> Ledger:
        now, data = self.app.clock(), opened.data
        with importing(opened.recorded_at):
            ledger = Ledger.open(
                ledger_id=self.ledger_id, actor=self.importer,
                name=self.sealer.seal(ledger_key_id(self.ledger_id),
                                      data.get("name") or "Imported ledger",
                                      places.ledger_name(self.ledger_id)),
                timezone=data["timezone"],
                display_name=self.seal(self.importer,
                                       places.display_name(self.ledger_id, self.importer),
                                       data.get("display_name") or "Partner"),
                invite_hash=secrets.token_hex(32), invite_expires_at=now, now=now)
            if self.placeholder is not None and self.plan.other is not None:
                name = self.plan.other[1] or "Partner"
                ledger.add_placeholder(self.importer, self.placeholder, self.seal(
                    self.placeholder, places.display_name(self.ledger_id, self.placeholder),
                    name), now)
        return ledger

    def apply(self, ledger: Ledger, event: ImportedEvent) -> None:
        handler: Callable[[Ledger, UUID, dict[str, Any], datetime], None] | None = getattr(
            self, f"on_{event.type}", None)
        actor = self.people.get(event.actor)
        if handler is None or actor is None:
            return  # invites, pauses, shares, exports: the original ledger's life
        with importing(event.recorded_at):
            handler(ledger, actor, event.data, self.app.clock())

    def on_NeedExpressed(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                         now: datetime) -> None:
        entry = self.entry(d["entry_id"])
        ledger.express_need(actor, entry_id=entry, occurred_at=d["occurred_at"],
                            need=self.entry_text(actor, entry, "need", d["need"]),
                            feeling=self.optional_text(actor, entry, "feeling", d.get("feeling")),
                            situation=self.optional_text(actor, entry, "situation",
                                                         d.get("situation")),
                            support_type=d["support_type"], intensity=d["intensity"],
                            recurring=d["recurring"], visibility=d["visibility"], now=now)

    def on_CareOffered(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                       now: datetime) -> None:
        entry, answered = self.entry(d["entry_id"]), d.get("in_response_to")
        ledger.offer_care(actor, entry_id=entry, occurred_at=d["occurred_at"],
                          description=self.entry_text(actor, entry, "description",
                                                      d["description"]),
                          support_type=d["support_type"],
                          in_response_to=self.entry(answered) if answered else None,
                          quiet=d["quiet"], visibility=d["visibility"], now=now)

    def on_CareAcknowledged(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                            now: datetime) -> None:
        entry = self.entry(d["entry_id"])
        ledger.acknowledge_care(actor, entry_id=entry, care_id=self.entry(d["care_id"]),
                                adequacy=d["adequacy"],
                                note=self.optional_text(actor, entry, "note", d.get("note")),
                                now=now)

    def on_NeedMet(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                   now: datetime) -> None:
        self.resolve(ledger, actor, d, Outcome.MET, now)

    def on_NeedWithdrawn(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                         now: datetime) -> None:
        self.resolve(ledger, actor, d, Outcome.WITHDRAWN, now)

    def resolve(self, ledger: Ledger, actor: UUID, d: dict[str, Any], outcome: Outcome,
                now: datetime) -> None:
        need = self.entry(d["need_id"])
        ledger.resolve_need(actor, need_id=need, outcome=outcome,
                            note=self.optional_text(actor, need, RESOLUTION_NOTE, d.get("note")),
                            now=now)

    def on_CheckedIn(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                     now: datetime) -> None:
        entry = self.entry(d["entry_id"])
        ledger.check_in(actor, entry_id=entry, week=d["week"], felt_supported=d["felt_supported"],
                        note=self.optional_text(actor, entry, "note", d.get("note")), now=now)

    def on_MomentShared(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                        now: datetime) -> None:
        entry = self.entry(d["entry_id"])
        ledger.share_moment(actor, entry_id=entry, occurred_at=d["occurred_at"], kind=d["kind"],
                            text=self.entry_text(actor, entry, "text", d["text"]),
                            visibility=d["visibility"], now=now)

    def on_EntryAmended(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                        now: datetime) -> None:
        entry = self.entry(d["entry_id"])
        changes = {name: (self.entry_text(actor, entry, name, value) if name in REQUIRED_TEXTS
                          else self.optional_text(actor, entry, name, value)
                          if name in ENTRY_TEXTS else value)
                   for name, value in d["changes"].items()}
        ledger.amend_entry(actor, entry_id=entry, changes=changes,
                           reason=self.entry_text(actor, entry, AMENDMENT_REASON, d["reason"]),
                           now=now)

    def on_EntryRetracted(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                          now: datetime) -> None:
        entry = self.entry(d["entry_id"])
        ledger.retract_entry(actor, entry_id=entry,
                             reason=self.entry_text(actor, entry, RETRACTION_REASON, d["reason"]),
                             now=now)
