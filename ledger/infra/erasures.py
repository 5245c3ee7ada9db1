"""The erasure journal: every destroyed key id, appended (and fsynced) before the
key row is deleted, in a file outside the database. A restored backup predates
some erasures; re-applying the journal destroys those keys again, so an old
backup never brings erased words back. Key ids name a ledger, partner or account
and hold no words. Path: EBBFLOW_ERASURE_LOG, else `erasures.log` in the data
folder (on several hosts, point it at shared storage)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path


class ErasureJournal:
    def __init__(self, path: Path) -> None:
        self.path = path

    def record(self, key_id: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = f"{datetime.now(UTC).isoformat()} {key_id}\n".encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def key_ids(self) -> list[str]:
        if not self.path.exists():
            return []
        return [line.split(" ", 1)[1] for line in self.path.read_text().splitlines()
                if " " in line]
