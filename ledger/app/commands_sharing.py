"""Counsellor shares (asked by one partner, approved by the other) and the record
of every export a partner takes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ledger.app.core import CoreApplication, Recorded
from ledger.domain.entries import Share
from ledger.domain.exceptions import NotFound
from ledger.domain.indexes import ShareIndex
from ledger.domain.ledger import Ledger
from ledger.domain.places import share_label
from ledger.domain.sharing import AccessLog


def share_token_hash(token: str) -> str:
    """Share tokens carry 256 random bits, so a plain SHA-256 is a safe stored form."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class ShareAccess:
    """A counsellor's access: the ledger, the share, and the log position it was
    recorded at."""

    ledger: Ledger
    share_id: UUID
    position: int


class SharingCommands(CoreApplication):
    def request_share(
        self, ledger_id: UUID, actor: UUID, *, label: str, expires_at: datetime,
        sections: list[str], scope_from: datetime | None = None,
        scope_to: datetime | None = None, include_private: bool = False,
        **save_kwargs: Any,
    ) -> Recorded:
        share_id = uuid4()
        sealed_label = self.seal_for(ledger_id, actor, share_label(ledger_id, share_id), label)
        if not sections:
            sections = ["timeline", "balance", "turns", "check_ins", "raw_events"]

        def command(ledger: Ledger) -> None:
            ledger.request_share(
                actor, share_id=share_id, label=sealed_label, scope_from=scope_from,
                scope_to=scope_to, sections=list(sections), include_private=include_private,
                expires_at=expires_at, now=self.clock(),
            )

        recorded = self.change_ledger(ledger_id, actor, command, **save_kwargs)
        return replace(recorded, id=share_id)

    def approve_share(
        self, ledger_id: UUID, actor: UUID, *, share_id: UUID, include_private: bool = False,
        **save_kwargs: Any,
    ) -> tuple[Recorded, str]:
        """Answers the share's url path. Only its token's hash is stored: the token is
        derived from the share id with the instance's index key, so the partners'
        share list can show the link again without any event holding it."""
        token = self.share_token(share_id)

        def command(ledger: Ledger) -> list[Aggregate]:
            now = self.clock()
            ledger.approve_share(actor, share_id=share_id, include_private=include_private,
                                 token_hash=share_token_hash(token), now=now)
            return [ShareIndex.issue(share_token_hash(token), ledger_id, share_id, actor, now)]

        recorded = self.change([ledger_id], lambda: [self.get_ledger(ledger_id, actor)], command,
                               **save_kwargs)
        return replace(recorded, id=share_id), f"/share/{token}"

    def share_token(self, share_id: UUID) -> str:
        return self.keys.link_token("share", share_id.hex)

    def share_link(self, share_id: UUID) -> str | None:
        """An approved share's link, derived again; None for a share approved before
        links were derived (its random token was never kept, only its hash)."""
        token = self.share_token(share_id)
        try:
            self._get(ShareIndex.id_for(share_token_hash(token)), ShareIndex)
        except NotFound:
            return None
        return f"/share/{token}"

    def open_share(self, token: str, what: str) -> ShareAccess:
        """The ledger and share a counsellor's token opens, if the share is active;
        the access is recorded in the ledger's access log, not in the ledger, and
        its log position answered (what the counsellor's read must include)."""
        try:
            index = self._get(ShareIndex.id_for(share_token_hash(token)), ShareIndex)
        except NotFound:
            raise NotFound("share not found") from None
        ledger = self._get(index.ledger_id, Ledger)
        share = ledger.shares.get(index.share_id.hex)
        now = self.clock()
        if ledger.is_erased or share is None or not Share.is_active(share, now.timestamp()):
            raise NotFound("share not found")

        def command(log: AccessLog | None) -> list[Aggregate]:
            created = AccessLog.start(ledger.id, now) if log is None else None
            (created or log).record(index.share_id, what, now)  # type: ignore[union-attr]
            return [created] if created else []

        log_id = AccessLog.id_for(ledger.id)
        recorded = self.change([log_id], lambda: [self._access_log(log_id)], command)
        return ShareAccess(ledger, index.share_id, recorded.position)

    def accesses(self, ledger_id: UUID, actor: UUID) -> dict[str, list[str]]:
        self.get_ledger(ledger_id, actor)
        log = self._access_log(AccessLog.id_for(ledger_id))
        return dict(log.accesses) if log else {}

    def _access_log(self, log_id: UUID) -> AccessLog | None:
        return self.find(lambda: self._get(log_id, AccessLog))

    def revoke_share(self, ledger_id: UUID, actor: UUID, *, share_id: UUID) -> Recorded:
        return self.change_ledger(
            ledger_id, actor,
            lambda ledger: ledger.revoke_share(actor, share_id=share_id, now=self.clock()),
        )

    def record_export(self, ledger_id: UUID, actor: UUID, *, format: str,
                      scope: dict[str, Any], include_private: bool) -> Recorded:
        return self.change_ledger(
            ledger_id, actor,
            lambda ledger: ledger.record_export(actor, format=format, scope=scope,
                                                include_private=include_private,
                                                now=self.clock()),
        )
