"""Instance backups on SQLite: an online copy of the event store (SQLite's backup
API, consistent while the service runs), encrypted in chunks with a key derived
from the instance key (AES-GCM; each chunk bound to the header, its index and
whether it is the last, so a cut, reordered or altered file is refused).

A restore puts the copy in place, re-applies the erasure journal (an old backup
never brings back words erased after it was taken) and rebuilds the views from
the restored log. On PostgreSQL use pg_dump/pg_restore, then
`ebbflow restore --erasures-only` (deploy/README.md).
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger.domain.exceptions import ConfigurationError, LedgerError
from ledger.infra.config import Settings
from ledger.infra.erasures import ErasureJournal
from ledger.infra.sealing import derive_key

FORMAT = "ebbflow.backup/1"
MAGIC = b"EBBFLOW-BACKUP\n"
CHUNK = 1 << 20
NONCE = 12
Progress = Callable[[int, int], object]


class BadBackup(LedgerError):
    pass


def backup_key(settings: Settings) -> bytes:
    return derive_key(base64.b64decode(settings.cipher_key), b"ebbflow backups v1")


def backup(settings: Settings, target: Path,
           progress: Progress | None = None) -> dict[str, object]:
    """Writes an encrypted copy of the event store to `target`; answers its header."""
    if not settings.is_sqlite:
        raise ConfigurationError(
            "on PostgreSQL back up with pg_dump -Fc; after pg_restore run "
            "`ebbflow restore --erasures-only` (see deploy/README.md)")
    header = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
              "database": "sqlite",
              "erasures": len(ErasureJournal(settings.erasure_log).key_ids())}
    with tempfile.TemporaryDirectory(dir=target.parent) as folder:
        copy = Path(folder) / "copy.db"
        source, destination = sqlite3.connect(settings.sqlite_path), sqlite3.connect(copy)
        try:
            source.backup(destination, pages=256, progress=lambda _, left, total:
                          progress(total - left, total) if progress else None)
        finally:
            destination.close()
            source.close()
        _seal_file(copy, target, backup_key(settings), header)
    return header


def restore(settings: Settings, source: Path, replace: bool = False) -> dict[str, object]:
    """Puts the backup in place of the event store (which must not exist unless
    `replace`); the caller then re-applies erasures and rebuilds the views."""
    if not settings.is_sqlite:
        raise ConfigurationError("on PostgreSQL restore with pg_restore, then run "
                                 "`ebbflow restore --erasures-only`")
    target = settings.sqlite_path
    if target.exists() and not replace:
        raise ConfigurationError(f"{target} exists: stop the service and pass --replace")
    key = backup_key(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, suffix=".restoring")
    try:
        with os.fdopen(handle, "wb") as out:
            header = _open_file(source, out, key)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return header


def _chunks(path: Path) -> Iterator[tuple[bytes, bool]]:
    with path.open("rb") as data:
        chunk = data.read(CHUNK)
        while True:
            following = data.read(CHUNK)
            yield chunk, not following
            if not following:
                return
            chunk = following


def _aad(header_line: bytes, index: int, last: bool) -> bytes:
    return header_line + struct.pack(">Q?", index, last)


def _seal_file(plain: Path, target: Path, key: bytes, header: dict[str, object]) -> None:
    cipher = AESGCM(key)
    header_line = json.dumps(header, sort_keys=True).encode() + b"\n"
    handle, name = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    with os.fdopen(handle, "wb") as out:
        out.write(MAGIC + header_line)
        for index, (chunk, last) in enumerate(_chunks(plain)):
            nonce = os.urandom(NONCE)
            sealed = cipher.encrypt(nonce, chunk, _aad(header_line, index, last))
            out.write(struct.pack(">I?", len(sealed), last) + nonce + sealed)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(name, 0o600)
    os.replace(name, target)


def _open_file(source: Path, out: BinaryIO, key: bytes) -> dict[str, object]:
    cipher = AESGCM(key)
    with source.open("rb") as data:
        if data.read(len(MAGIC)) != MAGIC:
            raise BadBackup("not an Ebb & Flow backup")
        header_line = data.readline()
        header = json.loads(header_line)
        if header.get("format") != FORMAT:
            raise BadBackup(f"unknown backup format {header.get('format')!r}")
        index, last = 0, False
        while not last:
            frame = data.read(5)
            if len(frame) < 5:
                raise BadBackup("the backup is cut short")
            size, last = struct.unpack(">I?", frame)
            nonce, sealed = data.read(NONCE), data.read(size)
            if len(nonce) < NONCE or len(sealed) < size:
                raise BadBackup("the backup is cut short")
            try:
                out.write(cipher.decrypt(nonce, sealed, _aad(header_line, index, last)))
            except InvalidTag:
                raise BadBackup(f"chunk {index} is damaged, out of place, or the backup "
                                "was made with another instance key") from None
            index += 1
        if data.read(1):
            raise BadBackup("the backup has data after its last chunk")
    return dict(header)
