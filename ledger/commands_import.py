"""Importing a complete export as a new ledger.

The importing account takes the exporting partner's place; the other partner becomes
a placeholder (an id without credentials) that a new invite lets someone claim. Each
event is replayed through the domain, so every rule holds again, and keeps the time
it was first recorded as data (`originally_recorded_at`). Entry ids are mapped
deterministically (uuid5 within the new ledger), so importing twice never collides.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4, uuid5

from ledger.aggregate import importing
from ledger.core import CoreApplication, Recorded
from ledger.domainmodel import Ledger
from ledger.exceptions import Invalid, LedgerError
from ledger.sealing import ledger_key_id, partner_key_id
from ledger.values import Adequacy, MomentKind, Outcome, SealedText, SupportType, Visibility

SECTIONS = {"timeline", "balance", "turns", "check_ins", "raw_events"}
TEXT = ("need", "feeling", "situation", "description", "note", "text")
ERASED = "(these words were erased before the export)"
SAVE_EVERY = 500


def is_complete(scope: dict[str, Any]) -> bool:
    return (scope.get("from") is None and scope.get("to") is None
            and set(scope.get("sections") or ()) == SECTIONS
            and scope.get("include_private") is True)


class ImportCommands(CoreApplication):
    def import_export(self, document: dict[str, Any], account_id: UUID) -> Recorded:
        if not is_complete(document.get("scope") or {}):
            raise Invalid.field("scope", "only a complete export (no dates, every section, "
                                         "private entries included) can be imported")
        account = self.get_account(account_id)
        exporter = str(document["exported_by"])
        others = [p for p in document.get("partners", []) if str(p["id"]) != exporter]
        ledger_id, placeholder = uuid4(), uuid4()
        people = {exporter: account_id, **({str(others[0]["id"]): placeholder} if others else {})}
        for key in (ledger_key_id(ledger_id), partner_key_id(ledger_id, account_id),
                    partner_key_id(ledger_id, placeholder)):
            self.keys.ensure_key(key)
        replay = Replay(self, ledger_id, people, document)
        events = document.get("events") or []
        opened = next((e for e in events if e["type"] == "Opened"), None)
        if opened is None:
            raise Invalid.field("events", "the export holds no Opened event")
        ledger = replay.open(opened, others[0] if others else None)
        for index, event in enumerate(events):
            try:
                replay.apply(ledger, event)
            except LedgerError as error:
                raise Invalid.field("events", f"event #{index + 1} ({event.get('type')}) could "
                                              f"not be imported: {error}") from None
            if len(ledger.pending_events) >= SAVE_EVERY:
                self.save(ledger)
        account.add_ledger(ledger_id, self.clock())
        recordings = self.save(ledger, account)
        return Recorded(ledger_id, recordings[-1].notification.id, ledger.version)


class Replay:
    """Turns exported events back into domain commands on the new ledger."""

    def __init__(self, app: ImportCommands, ledger_id: UUID, people: dict[str, UUID],
                 document: dict[str, Any]) -> None:
        self.app, self.ledger_id, self.people = app, ledger_id, people
        self.placeholder = next((v for k, v in people.items()
                                 if k != str(document["exported_by"])), None)

    def entry(self, old: Any) -> UUID:
        return uuid5(self.ledger_id, str(old))

    def seal(self, actor: UUID, text: Any) -> SealedText:
        return self.app.keys.seal(partner_key_id(self.ledger_id, actor),
                                  str(text) if text else ERASED)

    def seal_optional(self, actor: UUID, text: Any) -> SealedText | None:
        return self.seal(actor, text) if text else None

    def open(self, opened: dict[str, Any], other: dict[str, Any] | None) -> Ledger:
        now, data = self.app.clock(), opened["data"]
        importer = next(iter(self.people.values()))
        with importing(parse(opened["recorded_at"])):
            ledger = Ledger.open(
                ledger_id=self.ledger_id, actor=importer,
                name=self.app.keys.seal(ledger_key_id(self.ledger_id),
                                        data.get("name") or "Imported ledger"),
                timezone=data.get("timezone") or "UTC",
                display_name=self.seal(importer, self.display_name(importer, data)),
                invite_hash=secrets.token_hex(32), invite_expires_at=now, now=now)
            if self.placeholder is not None:
                name = (other or {}).get("display_name") or "Partner"
                ledger.add_placeholder(importer, self.placeholder,
                                       self.seal(self.placeholder, name), now)
        return ledger

    def display_name(self, importer: UUID, data: dict[str, Any]) -> str:
        return str(data.get("display_name") or "Partner")

    def apply(self, ledger: Ledger, event: dict[str, Any]) -> None:
        handler: Callable[[Ledger, UUID, dict[str, Any], datetime], None] | None = getattr(
            self, f"on_{event['type']}", None)
        if handler is None:
            return  # invites, pauses, shares, exports: the original ledger's life, not its history
        actor = self.people.get(str(event["actor"]))
        if actor is None:
            return
        with importing(parse(event["recorded_at"])):
            handler(ledger, actor, event["data"], self.app.clock())

    def on_NeedExpressed(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                         now: datetime) -> None:
        ledger.express_need(actor, entry_id=self.entry(d["entry_id"]),
                            occurred_at=parse(d["occurred_at"]), need=self.seal(actor, d["need"]),
                            feeling=self.seal_optional(actor, d.get("feeling")),
                            situation=self.seal_optional(actor, d.get("situation")),
                            support_type=SupportType(d["support_type"]),
                            intensity=int(d["intensity"]), recurring=bool(d["recurring"]),
                            visibility=Visibility(d["visibility"]), now=now)

    def on_CareOffered(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                       now: datetime) -> None:
        answered = d.get("in_response_to")
        ledger.offer_care(actor, entry_id=self.entry(d["entry_id"]),
                          occurred_at=parse(d["occurred_at"]),
                          description=self.seal(actor, d["description"]),
                          support_type=SupportType(d["support_type"]),
                          in_response_to=self.entry(answered) if answered else None,
                          quiet=bool(d["quiet"]), visibility=Visibility(d["visibility"]), now=now)

    def on_CareAcknowledged(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                            now: datetime) -> None:
        ledger.acknowledge_care(actor, entry_id=self.entry(d["entry_id"]),
                                care_id=self.entry(d["care_id"]),
                                adequacy=Adequacy(d["adequacy"]),
                                note=self.seal_optional(actor, d.get("note")), now=now)

    def on_NeedMet(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                   now: datetime) -> None:
        ledger.resolve_need(actor, need_id=self.entry(d["need_id"]), outcome=Outcome.MET,
                            note=self.seal_optional(actor, d.get("note")), now=now)

    def on_NeedWithdrawn(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                         now: datetime) -> None:
        ledger.resolve_need(actor, need_id=self.entry(d["need_id"]), outcome=Outcome.WITHDRAWN,
                            note=self.seal_optional(actor, d.get("note")), now=now)

    def on_CheckedIn(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                     now: datetime) -> None:
        ledger.check_in(actor, entry_id=self.entry(d["entry_id"]), week=d["week"],
                        felt_supported=int(d["felt_supported"]),
                        note=self.seal_optional(actor, d.get("note")), now=now)

    def on_MomentShared(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                        now: datetime) -> None:
        ledger.share_moment(actor, entry_id=self.entry(d["entry_id"]),
                            occurred_at=parse(d["occurred_at"]), kind=MomentKind(d["kind"]),
                            text=self.seal(actor, d["text"]),
                            visibility=Visibility(d["visibility"]), now=now)

    def on_EntryAmended(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                        now: datetime) -> None:
        kinds: dict[str, Callable[[Any], Any]] = {
            "support_type": SupportType, "visibility": Visibility, "adequacy": Adequacy,
            "occurred_at": parse}
        changes = {name: (self.seal_optional(actor, value) if name in TEXT
                          else kinds[name](value) if name in kinds else value)
                   for name, value in d["changes"].items()}
        ledger.amend_entry(actor, entry_id=self.entry(d["entry_id"]), changes=changes,
                           reason=self.seal(actor, d["reason"]), now=now)

    def on_EntryRetracted(self, ledger: Ledger, actor: UUID, d: dict[str, Any],  # noqa: N802
                          now: datetime) -> None:
        ledger.retract_entry(actor, entry_id=self.entry(d["entry_id"]),
                             reason=self.seal(actor, d["reason"]), now=now)


def parse(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
