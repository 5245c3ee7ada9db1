"""Opening a ledger, inviting and joining, pausing, leaving and erasure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ledger.app.core import CoreApplication, Recorded
from ledger.domain import places
from ledger.domain.accounts import Account
from ledger.domain.exceptions import Invalid, NotFound
from ledger.domain.indexes import InviteIndex
from ledger.domain.ledger import Ledger
from ledger.domain.places import account_field
from ledger.domain.texts import clean_name
from ledger.domain.weeks import is_time_zone
from ledger.infra.sealing import ledger_key_id, partner_key_id

INVITE_LIFETIME = timedelta(days=7)
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O or 1/I
INVITE_SYMBOLS = 12  # 60 bits


@dataclass(frozen=True)
class Invite:
    code: str
    expires_at: datetime


def normalise_invite_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class PartnershipCommands(CoreApplication):
    def open_ledger(self, actor: UUID, name: str, timezone: str = "UTC",
                    display_name: str | None = None, code: str | None = None,
                    **save_kwargs: Any) -> tuple[Recorded, Invite]:
        name = clean_name("name", name)
        if not is_time_zone(timezone):
            raise Invalid.field("timezone", "must be an IANA time zone such as Europe/Paris")
        account = self.get_account(actor)
        shown_name = display_name or self.keys.account_opener(actor).open(
            account.display_name, account_field(actor, "display_name")) or "Partner"
        ledger_id = uuid4()
        self.keys.ensure_key(ledger_key_id(ledger_id))
        self.keys.ensure_key(partner_key_id(ledger_id, actor))
        invite, digest = self._new_invite(ledger_id, code)
        sealed_name = self.keys.seal(ledger_key_id(ledger_id), name, places.ledger_name(ledger_id))
        sealed_display = self.seal_for(ledger_id, actor, places.display_name(ledger_id, actor),
                                       clean_name("display_name", shown_name))

        def command(account: Account) -> list[Aggregate]:
            now = self.clock()
            ledger = Ledger.open(
                ledger_id=ledger_id, actor=actor, name=sealed_name, timezone=timezone,
                display_name=sealed_display, invite_hash=digest,
                invite_expires_at=invite.expires_at, now=now,
            )
            account.add_ledger(ledger_id, now)
            return [ledger, InviteIndex.issue(digest, ledger_id, actor, now)]

        recorded = self.change([actor], lambda: [self.get_account(actor)], command, **save_kwargs)
        return recorded, invite

    def issue_invite(self, ledger_id: UUID, actor: UUID, expected_version: int | None = None,
                     code: str | None = None, **save_kwargs: Any) -> tuple[Recorded, Invite]:
        invite, digest = self._new_invite(ledger_id, code)

        def command(ledger: Ledger) -> list[Aggregate]:
            now = self.clock()
            ledger.issue_invite(actor, digest, invite.expires_at, now)
            return [InviteIndex.issue(digest, ledger_id, actor, now)]

        recorded = self.change([ledger_id], lambda: [self.get_ledger(ledger_id, actor)], command,
                               expected_version=expected_version, **save_kwargs)
        return recorded, invite

    def open_invite(self, ledger_id: UUID, actor: UUID) -> Invite | None:
        """The ledger's open invite, shown again to a partner (a reloaded page, a second
        look): its code is derived, not stored. None when there is none, it expired, or
        its code was chosen by hand or made before codes were derived."""
        ledger = self.get_ledger(ledger_id, actor)
        expires_at = ledger.invite_expires_at
        if ledger.invite_hash is None or expires_at is None or expires_at <= self.clock():
            return None
        code = self.derived_invite_code(ledger_id, expires_at)
        if self.keys.index_id("invite", code) != ledger.invite_hash:
            return None
        return Invite(code, expires_at)

    def revoke_invite(self, ledger_id: UUID, actor: UUID, **save_kwargs: Any) -> Recorded:
        return self.change_ledger(ledger_id, actor,
                                  lambda ledger: ledger.revoke_invite(actor, self.clock()),
                                  **save_kwargs)

    def join(self, actor: UUID, code: str, display_name: str | None = None,
             **save_kwargs: Any) -> Recorded:
        digest = self.keys.index_id("invite", normalise_invite_code(code))
        try:
            ledger_id = self._get(InviteIndex.id_for(digest), InviteIndex).ledger_id
        except NotFound:
            raise NotFound("unknown, used or expired invite code") from None
        account = self.get_account(actor)
        shown = display_name or self.keys.account_opener(actor).open(
            account.display_name, account_field(actor, "display_name")) or "Partner"
        self.keys.ensure_key(partner_key_id(ledger_id, actor))
        sealed = self.seal_for(ledger_id, actor, places.display_name(ledger_id, actor),
                               clean_name("display_name", shown))

        def command(ledger: Ledger, account: Account) -> None:
            ledger.join(actor, sealed, digest, self.clock())
            account.add_ledger(ledger_id, self.clock())

        return self.change(
            [ledger_id, actor], lambda: [self._get_joinable(ledger_id), self.get_account(actor)],
            command, **save_kwargs,
        )

    def pause(self, ledger_id: UUID, actor: UUID, expected_version: int | None = None,
              **save_kwargs: Any) -> Recorded:
        return self.change_ledger(ledger_id, actor,
                                  lambda ledger: ledger.pause(actor, self.clock()),
                                  expected_version, **save_kwargs)

    def resume(self, ledger_id: UUID, actor: UUID, expected_version: int | None = None,
               **save_kwargs: Any) -> Recorded:
        return self.change_ledger(ledger_id, actor,
                                  lambda ledger: ledger.resume(actor, self.clock()),
                                  expected_version, **save_kwargs)

    def leave(self, ledger_id: UUID, actor: UUID, forget_me: bool,
              **save_kwargs: Any) -> Recorded:
        """The actor leaves; with forget_me their words become unreadable everywhere.
        When nobody is left, every key of the ledger is destroyed: it is gone."""

        def command(ledger: Ledger, account: Account | None) -> None:
            ledger.leave(actor, forget_me, self.clock())
            if account is not None:
                account.remove_ledger(ledger_id, self.clock())

        recorded = self.change(
            [ledger_id, actor],
            lambda: [self.get_ledger(ledger_id, actor), self.find(lambda: self.get_account(actor))],
            command, **save_kwargs,
        )
        ledger = self._get(ledger_id, Ledger)
        if forget_me:
            self.forget_partner(ledger_id, actor)
        if ledger.is_erased:
            for partner in ledger.partners:
                self.keys.destroy(partner_key_id(ledger_id, UUID(partner)))
            self.keys.destroy(ledger_key_id(ledger_id))
            self.purge_replies(ledger_id=ledger_id.hex)
        return recorded

    def forget_partner(self, ledger_id: UUID, account_id: UUID) -> None:
        """Erases one partner's words in one ledger: their key destroyed (journaled
        first), and the ledger's stored replies, which may hold them, emptied."""
        self.keys.destroy(partner_key_id(ledger_id, account_id))
        erase = getattr(self.recorder, "erase_idempotency", None)
        if erase is not None:
            erase(ledger_id.hex)

    def forget_me_later(self, ledger_id: UUID, account_id: UUID) -> None:
        """"Forget me" for a ledger this account already left without it."""
        ledger = self._get(ledger_id, Ledger)
        if account_id.hex not in ledger.departed:
            raise NotFound("ledger not found")
        self.forget_partner(ledger_id, account_id)

    def left_ledgers(self, account_id: UUID) -> list[UUID]:
        """Ledgers this account left whose words of theirs can still be read."""
        current = set(self.get_account(account_id).ledgers)
        found = []
        for key_id in self.keys.partner_keys_of(account_id):
            ledger_hex = key_id.split(":")[1]
            if ledger_hex not in current:
                found.append(UUID(ledger_hex))
        return found

    def purge_replies(self, **which: str) -> None:
        """Stored replies (idempotent retries) hold words under the instance key: an
        erasure deletes and scrubs them too."""
        purge = getattr(self.recorder, "purge_idempotency", None)
        if purge is not None:
            purge(**which)

    # ---------------------------------------------------------------- helpers

    def _get_joinable(self, ledger_id: UUID) -> Ledger:
        ledger = self._get(ledger_id, Ledger)
        if ledger.is_erased:
            raise NotFound("unknown, used or expired invite code")
        return ledger

    def _new_invite(self, ledger_id: UUID, code: str | None = None) -> tuple[Invite, str]:
        expires_at = self.clock() + INVITE_LIFETIME
        code = (normalise_invite_code(code) if code
                else self.derived_invite_code(ledger_id, expires_at))
        return Invite(code, expires_at), self.keys.index_id("invite", code)

    def derived_invite_code(self, ledger_id: UUID, expires_at: datetime) -> str:
        """60 bits only this instance can compute, from what the ledger keeps (its id
        and the invite's expiry), so a page can show an open invite again; the events
        keep only the code's keyed hash."""
        bits = int(self.keys.index_id("invite-code", f"{ledger_id.hex}:{expires_at.isoformat()}"),
                   16)
        raw = "".join(INVITE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(INVITE_SYMBOLS))
        return "-".join(raw[i : i + 4] for i in range(0, INVITE_SYMBOLS, 4))
