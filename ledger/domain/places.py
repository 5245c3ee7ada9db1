"""Where every sealed word belongs, declared once.

Commands seal each text at its `Place` (ledger, item, field) and readers open it
only there: the place is the value's associated data, so words copied into
another couple's ledger, another entry or another field do not open. The table
`TEXT_POSITIONS` says, per event, where its sealed texts sit in the event's data
and which place each belongs to; readers open those positions and no others.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from ledger.domain.kinds import ENTRY_TEXTS, KINDS

__all__ = ["ENTRY_TEXTS", "TEXT_POSITIONS", "Place", "TextPosition"]


@dataclass(frozen=True)
class Place:
    """Where a sealed value belongs: its owner (a ledger or an account, hex id), the
    item within it (an entry, a share, a partner; hex id or None) and the field.
    A value sealed for one place is bound to it (AES-GCM associated data): read
    anywhere else, in another couple's ledger, another entry or another field, it
    does not open."""

    owner: str
    item: str | None
    field: str

    def associated_data(self, key_id: str) -> bytes:
        return f"ebbflow sealed v2|{key_id}|{self.owner}|{self.item or ''}|{self.field}".encode()


AMENDMENT_REASON = "amendment_reason"
RETRACTION_REASON = "retraction_reason"
RESOLUTION_NOTE = "resolution_note"


def entry_text(ledger_id: UUID | str, entry_id: UUID | str, field: str) -> Place:
    return Place(_hex(ledger_id), _hex(entry_id), field)


def ledger_name(ledger_id: UUID | str) -> Place:
    return Place(_hex(ledger_id), None, "name")


def display_name(ledger_id: UUID | str, partner_id: UUID | str) -> Place:
    return Place(_hex(ledger_id), _hex(partner_id), "display_name")


def share_label(ledger_id: UUID | str, share_id: UUID | str) -> Place:
    return Place(_hex(ledger_id), _hex(share_id), "label")


def account_field(account_id: UUID | str, field: str) -> Place:
    return Place(_hex(account_id), None, field)


@dataclass(frozen=True)
class TextPosition:
    """A sealed text in an event's data: its path, the data field naming its item
    ('actor' for the event's actor, None for the ledger itself), its place's field."""

    path: tuple[str, ...]
    item: str | None
    field: str


def _entry(*names: str, item: str = "entry_id") -> tuple[TextPosition, ...]:
    return tuple(TextPosition((name,), item, name) for name in names)


TEXT_POSITIONS: dict[str, tuple[TextPosition, ...]] = {
    "Opened": (TextPosition(("name",), None, "name"),
               TextPosition(("display_name",), "actor", "display_name")),
    "PartnerJoined": (TextPosition(("display_name",), "partner_id", "display_name"),),
    "PartnerClaimed": (TextPosition(("display_name",), "partner_id", "display_name"),),
    **{kind.event: _entry(*kind.texts) for kind in KINDS.values()},
    "NeedMet": (TextPosition(("note",), "need_id", RESOLUTION_NOTE),),
    "NeedWithdrawn": (TextPosition(("note",), "need_id", RESOLUTION_NOTE),),
    "EntryAmended": (*(TextPosition(("changes", name), "entry_id", name) for name in ENTRY_TEXTS),
                     TextPosition(("reason",), "entry_id", AMENDMENT_REASON)),
    "EntryRetracted": (TextPosition(("reason",), "entry_id", RETRACTION_REASON),),
    "ShareRequested": (TextPosition(("label",), "share_id", "label"),),
}


def _hex(value: UUID | str) -> str:
    return value.hex if isinstance(value, UUID) else UUID(value).hex
