"""Counsellor shares (asked by one partner, approved by the other) and the record
of every export a partner takes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from ledger.core import CoreApplication, Recorded
from ledger.domainmodel import Ledger
from ledger.sealing import ledger_key_id

SHARE_TOKEN_BYTES = 32


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
        """Answers the share's url path; only its hash and a sealed copy are stored."""
        token = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
        url = f"/share/{token}"
        sealed_url = self.keys.seal(ledger_key_id(ledger_id), url)

        def command(ledger: Ledger) -> None:
            ledger.approve_share(actor, share_id=share_id, include_private=include_private,
                                 token_hash=share_token_hash(token), url=sealed_url,
                                 now=self.clock())

        recorded = self.change_ledger(ledger_id, actor, command, **save_kwargs)
        return replace(recorded, id=share_id), url

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
