"""The topics that stored events and snapshots carry name the modules their
aggregates lived in before the ledger package was split into domain, app and
infra. Those topics must keep resolving: each old module path is registered for
the class that moved, and nested event classes resolve through it."""

from __future__ import annotations

from eventsourcing.utils import register_topic

from ledger.domain.accounts import Account
from ledger.domain.indexes import EmailIndex, InviteIndex, ShareIndex
from ledger.domain.ledger import Ledger
from ledger.domain.sharing import AccessLog

MOVED: dict[str, type] = {
    "ledger.domainmodel:Ledger": Ledger,
    "ledger.accounts:Account": Account,
    "ledger.accounts:EmailIndex": EmailIndex,
    "ledger.accounts:InviteIndex": InviteIndex,
    "ledger.sharing:ShareIndex": ShareIndex,
    "ledger.sharing:AccessLog": AccessLog,
}


def register_moved_topics() -> None:
    for topic, cls in MOVED.items():
        register_topic(topic, cls)
