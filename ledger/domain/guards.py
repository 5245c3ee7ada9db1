"""The Ledger's rules, as named guards that raise before anything changes."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from ledger.domain.aggregate import is_importing
from ledger.domain.entries import Entry, Flag, Share
from ledger.domain.exceptions import AlreadyJoined, Conflict, Invalid, NoRoom, NotAllowed, NotFound
from ledger.domain.values import (
    FELT_SUPPORTED_RANGE,
    INTENSITY_RANGE,
    Adequacy,
    EntryKind,
    SealedText,
    SupportType,
    Visibility,
)
from ledger.domain.weeks import monday_of, week_of

CLOCK_SKEW = timedelta(minutes=5)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
SECTIONS = ("timeline", "balance", "turns", "check_ins", "raw_events")
MAX_PARTNERS = 2
MAX_SHARE_LIFETIME = timedelta(days=90)  # one bound for the API and the pages


def check_occurred_at(occurred_at: datetime, now: datetime, field: str = "occurred_at") -> None:
    if occurred_at.tzinfo is None:
        raise Invalid.field(field, "must carry a UTC offset")
    if occurred_at > now + CLOCK_SKEW:
        raise Invalid.field(field, "cannot be in the future")
    if occurred_at < EARLIEST:
        raise Invalid.field(field, "cannot be before 2000-01-01")


AMENDED_TYPES: dict[str, type | tuple[type, ...]] = {
    "need": SealedText, "feeling": SealedText, "situation": SealedText,
    "description": SealedText, "note": SealedText, "text": SealedText,
    "support_type": SupportType, "visibility": Visibility, "adequacy": Adequacy,
    "intensity": int, "felt_supported": int, "recurring": bool, "occurred_at": datetime,
}


def check_amended_type(name: str, value: object) -> None:
    """Every amended value has its field's type, so no reader ever meets a stranger
    (a `recurring` of "yes" once stopped every couple's timeline)."""
    expected = AMENDED_TYPES.get(name)
    if value is None or expected is None:
        return
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise Invalid.field(name, "has the wrong type")


ONLY_WHILE_PAUSED = (
    "the ledger is paused: only resuming, leaving, revoking a share or recording an export"
)


class LedgerGuards:
    """What every part of the Ledger shares: its state, and the named guards that
    read it and raise before anything changes. The parts (partnership, recording,
    corrections, consent) and the aggregate itself build on it."""

    if TYPE_CHECKING:
        id: UUID
        version: int
        modified_on: datetime

        def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None: ...

    name: SealedText
    display_names: dict[str, SealedText]
    paused_by: str | None
    check_ins: dict[str, int]
    opened_at: datetime | None
    timezone: str
    partners: list[str]
    departed: list[str]
    placeholders: list[str]
    invite_hash: str | None
    invite_expires_at: datetime | None
    entries: dict[str, list[Any]]
    shares: dict[str, list[Any]]
    created_on: datetime

    @property
    def is_erased(self) -> bool:
        """Everyone has left: the ledger is gone for all purposes."""
        active = [p for p in self.partners if p not in self.placeholders]
        return bool(active) and all(p in self.departed for p in active)

    def is_active_partner(self, actor: UUID) -> bool:
        hex_id = actor.hex
        placeholder_ok = is_importing() or hex_id not in self.placeholders
        return hex_id in self.partners and hex_id not in self.departed and placeholder_ok

    def active_partners(self) -> list[UUID]:
        return [UUID(p) for p in self.partners
                if p not in self.departed and p not in self.placeholders]

    def check_can_write(self, actor: UUID) -> None:
        self.check_is_partner(actor)
        self.check_not_paused()

    def check_not_paused(self) -> None:
        if self.paused_by is not None:
            raise Conflict(ONLY_WHILE_PAUSED)

    def check_is_partner(self, actor: UUID) -> None:
        if not self.is_active_partner(actor):
            raise NotFound("ledger not found")

    def check_has_room(self) -> None:
        """Someone may still join: a free place, or a placeholder to claim."""
        if len(self.partners) >= MAX_PARTNERS and not self.placeholders:
            raise NoRoom("this ledger already has two partners")

    def check_has_free_place(self) -> None:
        if len(self.partners) >= MAX_PARTNERS:
            raise NoRoom("this ledger already has two partners")

    def check_invite(self, invite_hash: str, now: datetime) -> None:
        if (self.is_erased or self.invite_hash is None or self.invite_expires_at is None
                or not hmac.compare_digest(self.invite_hash, invite_hash)
                or now >= self.invite_expires_at):
            raise NotFound("unknown, used or expired invite code")

    def check_can_join(self, actor: UUID) -> None:
        if actor.hex in self.partners:
            raise AlreadyJoined("you are already a partner in this ledger")
        if len(self.partners) >= MAX_PARTNERS and not self.placeholders:
            raise NoRoom("this ledger already has two partners")

    def check_other_partner(self, actor: UUID) -> UUID:
        """The receiver of care: the other partner, who must have joined and stayed."""
        others = [p for p in self.partners if p != actor.hex]
        if not others or (others[0] in self.placeholders and not is_importing()):
            raise Conflict("your partner has not joined yet")
        if others[0] in self.departed:
            raise Conflict("your partner has left this ledger")
        return UUID(others[0])

    def check_new_entry(self, entry_id: UUID) -> None:
        if entry_id.hex in self.entries:
            raise Conflict("an entry with this id already exists")

    @staticmethod
    def check_intensity(value: int) -> None:
        low, high = INTENSITY_RANGE
        if not low <= value <= high:
            raise Invalid.field("intensity", f"must be between {low} and {high}")

    @staticmethod
    def check_felt_supported(value: int) -> None:
        low, high = FELT_SUPPORTED_RANGE
        if not low <= value <= high:
            raise Invalid.field("felt_supported", f"must be between {low} and {high}")

    def visible_entry(self, actor: UUID, entry_id: UUID, kind: EntryKind | None = None,
                      *, include_retracted: bool = False) -> list[Any]:
        """The entry if this actor may see it; otherwise 'not found', whatever the reason."""
        entry = self.entries.get(entry_id.hex)
        if entry is None or (kind is not None and Entry.kind(entry) is not kind):
            raise NotFound("entry not found")
        flags = Entry.flags(entry)
        mine = Entry.author(entry) == self.partners.index(actor.hex)
        if not (flags & Flag.SHARED or mine):
            raise NotFound("entry not found")
        if flags & Flag.RETRACTED and not include_retracted:
            raise NotFound("entry not found")
        return entry

    def check_is_author(self, actor: UUID, entry: list[Any], message: str) -> None:
        if Entry.author(entry) != self.partners.index(actor.hex):
            raise NotAllowed(message)

    def check_need_is_answerable(self, need_id: UUID, actor: UUID, occurred_at: datetime) -> None:
        need = self.entries.get(need_id.hex)
        if (need is None or Entry.kind(need) is not EntryKind.NEED
                or not Entry.flags(need) & Flag.SHARED or Entry.flags(need) & Flag.RETRACTED):
            raise NotFound("the need this care answers was not found")
        if Entry.author(need) == self.partners.index(actor.hex):
            raise Invalid.field("in_response_to", "care answers your partner's needs, not yours")
        flags = Entry.flags(need)
        if flags & (Flag.MET | Flag.WITHDRAWN) and not flags & Flag.RECURRING:
            raise Conflict("that need is already resolved")
        if occurred_at.timestamp() < Entry.when(need):
            raise Invalid.field("occurred_at", "care cannot come before the need it answers")

    def check_can_acknowledge(self, actor: UUID, care_id: UUID) -> None:
        care = self.visible_entry(actor, care_id, EntryKind.CARE)
        if Entry.author(care) == self.partners.index(actor.hex):
            raise NotAllowed("care is acknowledged by the partner who received it")
        if Entry.flags(care) & Flag.ACKNOWLEDGED:
            raise Conflict("this care is already acknowledged; amend the acknowledgement")

    def check_week_allowed(self, week: str, now: datetime) -> None:
        monday = monday_of(week)
        if monday > monday_of(week_of(now, self.timezone)):
            raise Invalid.field("week", "cannot check in for a future week")
        opened = getattr(self, "opened_at", None) or self.created_on
        if monday < monday_of(week_of(opened, self.timezone)):
            raise Invalid.field("week", "is before this ledger was opened")

    def check_share_scope(self, share_id: UUID, scope_from: datetime | None,
                          scope_to: datetime | None, sections: list[str],
                          expires_at: datetime, now: datetime) -> None:
        if share_id.hex in self.shares:
            raise Conflict("a share with this id already exists")
        if scope_from and scope_to and scope_from >= scope_to:
            raise Invalid.field("to", "must be after from")
        unknown = sorted(set(sections) - set(SECTIONS))
        if not sections or unknown:
            raise Invalid.field("sections", f"choose among {', '.join(SECTIONS)}")
        if expires_at <= now:
            raise Invalid.field("expires_at", "must be in the future")
        if expires_at > now + MAX_SHARE_LIFETIME:
            raise Invalid.field("expires_at", f"can be at most {MAX_SHARE_LIFETIME.days} days "
                                              "from now; ask again for a new share after that")

    def known_share(self, share_id: UUID) -> list[Any]:
        share = self.shares.get(share_id.hex)
        if share is None:
            raise NotFound("share not found")
        return share

    def pending_share(self, actor: UUID, share_id: UUID, now: datetime) -> list[Any]:
        share = self.known_share(share_id)
        if Share.revoked(share):
            raise Conflict("this share was revoked")
        if Share.approved(share):
            raise Conflict("this share is already active")
        if now.timestamp() >= Share.expires_at(share):
            raise Conflict("this share has expired")
        return share

    def check_amended_values(self, entry: list[Any], changes: dict[str, Any],
                             now: datetime) -> None:
        if "intensity" in changes:
            self.check_intensity(changes["intensity"])
        if "felt_supported" in changes:
            self.check_felt_supported(changes["felt_supported"])
        visibility = changes.get("visibility")
        if visibility is Visibility.PRIVATE and Entry.flags(entry) & Flag.SHARED:
            raise Invalid.field("visibility", "a shared entry cannot be made private again")
        if "occurred_at" in changes:
            self.check_amended_time(entry, changes["occurred_at"], now)

    def check_amended_time(self, entry: list[Any], occurred_at: datetime, now: datetime) -> None:
        check_occurred_at(occurred_at, now)
        when = occurred_at.timestamp()
        kind = Entry.kind(entry)
        if kind is EntryKind.CARE and Entry.link(entry):
            need = self.entries[Entry.link(entry)]
            if when < Entry.when(need):
                raise Invalid.field("occurred_at", "care cannot come before the need it answers")
        if kind is EntryKind.NEED and Entry.link(entry) is not None and when > Entry.link(entry):
            raise Invalid.field("occurred_at", "a need cannot come after the care that answered it")
