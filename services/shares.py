"""Counsellor shares as the two partners see them: read from the history view
(labels, scope, who approved, why one ended) and the access log. Only here, for
the partners, is an active share's link shown: it is derived again, never read
from an event."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from ledger.app.application import LedgerApplication
from ledger.domain.places import share_label
from projections.encoding import open_at
from projections.read_models import ReadModels

SHARE_EVENTS = ("ShareRequested", "ShareApproved", "ShareRevoked")


def list_shares(app: LedgerApplication, reads: ReadModels, ledger_id: UUID,
                viewer: UUID) -> list[dict[str, Any]]:
    ledger = app.get_ledger(ledger_id, viewer)
    opener = app.keys.ledger_opener(ledger_id)
    accesses = app.accesses(ledger_id, viewer)
    shares: dict[str, dict[str, Any]] = {}
    for row in reads.history.events_of_types(ledger_id.hex, SHARE_EVENTS):
        data = json.loads(row["data"])
        share_id = UUID(data["share_id"])
        if row["type"] == "ShareRequested":
            shares[share_id.hex] = {
                "id": share_id,
                "label": open_at(data["label"], share_label(ledger_id, share_id), opener),
                "requested_by": UUID(row["actor"]), "approved_by": None, "url": None,
                "expires_at": datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00")),
                "sections": data["sections"], "from": data["scope_from"],
                "to": data["scope_to"], "revoked": False, "revoked_because": None,
                "private_entries_of": [UUID(row["actor"])] if data["include_private"] else [],
            }
        elif share_id.hex in shares and row["type"] == "ShareApproved":
            shares[share_id.hex]["approved_by"] = UUID(row["actor"])
            if data["include_private"]:
                shares[share_id.hex]["private_entries_of"].append(UUID(row["actor"]))
        elif share_id.hex in shares:
            shares[share_id.hex].update(revoked=True,
                                        revoked_because=data.get("reason", "revoked"))
    now = app.clock()
    for share in shares.values():
        share["status"] = ("revoked" if share["revoked"] else "expired"
                           if share["expires_at"] <= now else "active"
                           if share["approved_by"] else "pending")
        if share["status"] == "active":
            share["url"] = app.share_link(share["id"])
        times = accesses.get(share["id"].hex, [])
        share["accesses"] = len(times)
        share["last_access"] = times[-1] if times else None
    known = set(ledger.shares)
    return [s for key, s in shares.items() if key in known]
