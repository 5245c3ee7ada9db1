"""Counsellor shares (asked by one partner, approved by the other) and the record
of every export a partner takes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ledger.core import CoreApplication, Recorded
from ledger.domainmodel import Ledger
from ledger.exceptions import NotFound
from ledger.sealing import ledger_key_id
from ledger.sharing import AccessLog, ShareIndex

SHARE_TOKEN_BYTES = 32


def new_share_token() -> str:
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


def share_token_hash(token: str) -> str:
    """Share tokens carry 256 random bits, so a plain SHA-256 is a safe stored form."""
    return hashlib.sha256(token.encode()).hexdigest()


class SharingCommands(CoreApplication):
    def request_share(
        self, ledger_id: UUID, actor: UUID, *, label: str, expires_at: datetime,
        sections: list[str], scope_from: datetime | None = None,
        scope_to: datetime | None = None, include_private: bool = False,
        **save_kwargs: Any,
    ) -> Recorded:
        share_id = uuid4()
        sealed_label = self.seal_for(ledger_id, actor, "label", label)
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
        token: str | None = None, **save_kwargs: Any,
    ) -> tuple[Recorded, str]:
        """Answers the share's url path; only its hash and a sealed copy are stored."""
        token = token or new_share_token()
        url = f"/share/{token}"
        sealed_url = self.keys.seal(ledger_key_id(ledger_id), url)

        def command(ledger: Ledger) -> list[Aggregate]:
            now = self.clock()
            ledger.approve_share(actor, share_id=share_id, include_private=include_private,
                                 token_hash=share_token_hash(token), url=sealed_url, now=now)
            return [ShareIndex.issue(share_token_hash(token), ledger_id, share_id, actor, now)]

        recorded = self.change([ledger_id], lambda: [self.get_ledger(ledger_id, actor)], command,
                               **save_kwargs)
        return replace(recorded, id=share_id), url

    def open_share(self, token: str, what: str) -> tuple[Ledger, UUID]:
        """The ledger and share a counsellor's token opens, if the share is active;
        the access is recorded in the ledger's access log, not in the ledger."""
        try:
            index = self._get(ShareIndex.id_for(share_token_hash(token)), ShareIndex)
        except NotFound:
            raise NotFound("share not found") from None
        ledger = self._get(index.ledger_id, Ledger)
        share = ledger.shares.get(index.share_id.hex)
        now = self.clock()
        if ledger.is_erased or share is None or not share[1] or share[2] \
                or now.timestamp() >= share[3]:
            raise NotFound("share not found")

        def command(log: AccessLog | None) -> list[Aggregate]:
            created = AccessLog.start(ledger.id, now) if log is None else None
            (created or log).record(index.share_id, what, now)  # type: ignore[union-attr]
            return [created] if created else []

        log_id = AccessLog.id_for(ledger.id)
        self.change([log_id], lambda: [self._access_log(log_id)], command)
        return ledger, index.share_id

    def accesses(self, ledger_id: UUID, actor: UUID) -> dict[str, list[str]]:
        self.get_ledger(ledger_id, actor)
        log = self._access_log(AccessLog.id_for(ledger_id))
        return dict(log.accesses) if log else {}

    def _access_log(self, log_id: UUID) -> AccessLog | None:
        try:
            return self._get(log_id, AccessLog)
        except NotFound:
            return None

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
