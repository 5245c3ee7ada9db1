"""Recording entries: needs, care, acknowledgements, resolutions, check-ins,
moments, and their amendments and retractions. Text is sealed with the author's
key here, before the domain ever sees it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from ledger.app.core import CoreApplication, Recorded
from ledger.domain.exceptions import Invalid
from ledger.domain.ledger import Ledger
from ledger.domain.places import (
    AMENDMENT_REASON,
    ENTRY_TEXTS,
    RESOLUTION_NOTE,
    RETRACTION_REASON,
    entry_text,
)
from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from ledger.domain.weeks import week_of


class EntryCommands(CoreApplication):
    def express_need(
        self, ledger_id: UUID, actor: UUID, *, need: str, support_type: SupportType,
        intensity: int, feeling: str | None = None, situation: str | None = None,
        recurring: bool = False, visibility: Visibility = Visibility.SHARED,
        occurred_at: datetime | None = None, expected_version: int | None = None,
        **save_kwargs: Any,
    ) -> Recorded:
        entry_id = uuid4()
        sealed = self.seal_for(ledger_id, actor, entry_text(ledger_id, entry_id, "need"), need)
        sealed_feeling = self.seal_optional(
            ledger_id, actor, entry_text(ledger_id, entry_id, "feeling"), feeling)
        sealed_situation = self.seal_optional(
            ledger_id, actor, entry_text(ledger_id, entry_id, "situation"), situation)

        def command(ledger: Ledger) -> None:
            now = self.clock()
            ledger.express_need(
                actor, entry_id=entry_id, occurred_at=occurred_at or now, need=sealed,
                feeling=sealed_feeling, situation=sealed_situation,
                support_type=SupportType(support_type), intensity=intensity,
                recurring=recurring, visibility=Visibility(visibility), now=now,
            )

        return self._entry(ledger_id, actor, entry_id, command, expected_version, save_kwargs)

    def offer_care(
        self, ledger_id: UUID, actor: UUID, *, description: str, support_type: SupportType,
        in_response_to: UUID | None = None, quiet: bool = False,
        visibility: Visibility = Visibility.SHARED, occurred_at: datetime | None = None,
        expected_version: int | None = None, **save_kwargs: Any,
    ) -> Recorded:
        entry_id = uuid4()
        sealed = self.seal_for(ledger_id, actor, entry_text(ledger_id, entry_id, "description"),
                               description)

        def command(ledger: Ledger) -> None:
            now = self.clock()
            ledger.offer_care(
                actor, entry_id=entry_id, occurred_at=occurred_at or now, description=sealed,
                support_type=SupportType(support_type), in_response_to=in_response_to,
                quiet=quiet, visibility=Visibility(visibility), now=now,
            )

        return self._entry(ledger_id, actor, entry_id, command, expected_version, save_kwargs)

    def acknowledge_care(
        self, ledger_id: UUID, actor: UUID, *, care_id: UUID, adequacy: Adequacy,
        note: str | None = None, expected_version: int | None = None, **save_kwargs: Any,
    ) -> Recorded:
        entry_id = uuid4()
        sealed = self.seal_optional(ledger_id, actor, entry_text(ledger_id, entry_id, "note"), note)

        def command(ledger: Ledger) -> None:
            ledger.acknowledge_care(actor, entry_id=entry_id, care_id=care_id,
                                    adequacy=Adequacy(adequacy), note=sealed, now=self.clock())

        return self._entry(ledger_id, actor, entry_id, command, expected_version, save_kwargs)

    def resolve_need(
        self, ledger_id: UUID, actor: UUID, *, need_id: UUID, outcome: Outcome,
        note: str | None = None, expected_version: int | None = None, **save_kwargs: Any,
    ) -> Recorded:
        sealed = self.seal_optional(
            ledger_id, actor, entry_text(ledger_id, need_id, RESOLUTION_NOTE), note, "note")

        def command(ledger: Ledger) -> None:
            ledger.resolve_need(actor, need_id=need_id, outcome=Outcome(outcome), note=sealed,
                                now=self.clock())

        return self._entry(ledger_id, actor, need_id, command, expected_version, save_kwargs)

    def check_in(
        self, ledger_id: UUID, actor: UUID, *, felt_supported: int, week: str | None = None,
        note: str | None = None, expected_version: int | None = None, **save_kwargs: Any,
    ) -> Recorded:
        entry_id = uuid4()
        sealed = self.seal_optional(ledger_id, actor, entry_text(ledger_id, entry_id, "note"), note)

        def command(ledger: Ledger) -> None:
            now = self.clock()
            ledger.check_in(actor, entry_id=entry_id, week=week or week_of(now, ledger.timezone),
                            felt_supported=felt_supported, note=sealed, now=now)

        return self._entry(ledger_id, actor, entry_id, command, expected_version, save_kwargs)

    def share_moment(
        self, ledger_id: UUID, actor: UUID, *, kind: MomentKind, text: str,
        visibility: Visibility = Visibility.SHARED, occurred_at: datetime | None = None,
        expected_version: int | None = None, **save_kwargs: Any,
    ) -> Recorded:
        entry_id = uuid4()
        sealed = self.seal_for(ledger_id, actor, entry_text(ledger_id, entry_id, "text"), text)

        def command(ledger: Ledger) -> None:
            now = self.clock()
            ledger.share_moment(actor, entry_id=entry_id, occurred_at=occurred_at or now,
                                kind=MomentKind(kind), text=sealed,
                                visibility=Visibility(visibility), now=now)

        return self._entry(ledger_id, actor, entry_id, command, expected_version, save_kwargs)

    def amend_entry(
        self, ledger_id: UUID, actor: UUID, *, entry_id: UUID, changes: dict[str, Any],
        reason: str, expected_version: int | None = None, **save_kwargs: Any,
    ) -> Recorded:
        sealed_changes = {name: self._sealed_change(ledger_id, actor, entry_id, name, value)
                          for name, value in changes.items()}
        sealed_reason = self.seal_for(
            ledger_id, actor, entry_text(ledger_id, entry_id, AMENDMENT_REASON), reason, "reason")

        def command(ledger: Ledger) -> None:
            ledger.amend_entry(actor, entry_id=entry_id, changes=sealed_changes,
                               reason=sealed_reason, now=self.clock())

        return self._entry(ledger_id, actor, entry_id, command, expected_version, save_kwargs)

    def retract_entry(
        self, ledger_id: UUID, actor: UUID, *, entry_id: UUID, reason: str,
        expected_version: int | None = None, **save_kwargs: Any,
    ) -> Recorded:
        sealed_reason = self.seal_for(
            ledger_id, actor, entry_text(ledger_id, entry_id, RETRACTION_REASON), reason, "reason")

        def command(ledger: Ledger) -> None:
            ledger.retract_entry(actor, entry_id=entry_id, reason=sealed_reason, now=self.clock())

        return self._entry(ledger_id, actor, entry_id, command, expected_version, save_kwargs)

    def _entry(self, ledger_id: UUID, actor: UUID, entry_id: UUID, command: Any,
               expected_version: int | None, save_kwargs: dict[str, Any]) -> Recorded:
        recorded = self.change_ledger(ledger_id, actor, command, expected_version, **save_kwargs)
        return replace(recorded, id=entry_id)

    def _sealed_change(self, ledger_id: UUID, actor: UUID, entry_id: UUID, name: str,
                       value: Any) -> Any:
        """Text is sealed where the amended field sits; enums are coerced so the event
        always holds typed values."""
        if name in ENTRY_TEXTS:
            return self.seal_optional(ledger_id, actor, entry_text(ledger_id, entry_id, name),
                                      value)
        coerce = {"support_type": SupportType, "visibility": Visibility, "adequacy": Adequacy}
        if name in coerce and value is not None:
            try:
                return coerce[name](value)
            except ValueError:
                raise Invalid.field(name, "is not one of the allowed values") from None
        return value
