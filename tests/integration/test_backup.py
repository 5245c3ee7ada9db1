"""`ebbflow backup` / `ebbflow restore`: an encrypted copy of the instance, restored
with every erasure made since re-applied and the views equal to what they were;
damaged, cut or foreign backups refused; PostgreSQL points to pg_dump and re-applies
the erasure journal after a pg_restore."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.values import SupportType
from ledger.infra.config import Settings
from ledger.infra.sealing import partner_key_id
from projections.runner import catch_up
from tests.conftest import migrated
from tests.helpers import Couple, make_couple
from tests.integration.test_projection_properties import dump_views


@pytest.fixture
def sqlite_couple(sqlite_url: str, tmp_path: Path) -> tuple[Settings, Couple]:
    settings = migrated(sqlite_url, tmp_path)
    return settings, make_couple(LedgerApplication(settings))


@pytest.fixture
def postgres_couple(postgres_url: str, tmp_path: Path) -> Iterator[tuple[Settings, Couple]]:
    settings = migrated(postgres_url, tmp_path)
    couple = make_couple(LedgerApplication(settings))
    yield settings, couple
    couple.app.close()


def ebbflow(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EBBFLOW_DATABASE_URL": settings.database_url,
           "EBBFLOW_DATA_DIR": str(settings.data_dir), "EBBFLOW_CIPHER_KEY": settings.cipher_key,
           "EBBFLOW_SECRET_KEY": settings.secret_key}
    return subprocess.run([sys.executable, "-m", "web.cli", *args], env=env,
                           capture_output=True, text=True, timeout=120, check=False)


def need(couple: Couple, who: str, words: str) -> None:
    actor = couple.alex if who == "alex" else couple.sam
    couple.app.express_need(couple.ledger_id, actor, need=words, intensity=2,
                            support_type=SupportType.EMOTIONAL)


def test_a_restored_backup_keeps_later_erasures_and_equal_views(
    sqlite_couple: tuple[Settings, Couple], tmp_path: Path,
) -> None:
    settings, couple = sqlite_couple
    need(couple, "alex", "alex keeps these words")
    need(couple, "sam", "sam will be forgotten")
    catch_up(settings)
    views_at_backup = dump_views(settings)
    file = tmp_path / "instance.backup"
    made = ebbflow(settings, "backup", str(file))
    assert made.returncode == 0, made.stderr
    raw = file.read_bytes()
    assert b"SQLite format 3" not in raw and b"sam will be forgotten" not in raw
    assert oct(file.stat().st_mode & 0o777) == "0o600"

    need(couple, "alex", "written after the backup")
    couple.app.leave(couple.ledger_id, couple.sam, forget_me=True)  # journaled erasure
    couple.app.close()
    refused = ebbflow(settings, "restore", str(file))
    assert refused.returncode == 1 and "--replace" in refused.stderr

    restored = ebbflow(settings, "restore", str(file), "--replace")
    assert restored.returncode == 0, restored.stderr
    assert "1 key(s) destroyed again" in restored.stdout
    app = LedgerApplication(settings)
    try:
        assert not app.keys.exists(partner_key_id(couple.ledger_id, couple.sam))
        assert app.keys.exists(partner_key_id(couple.ledger_id, couple.alex))
        ledger = app.get_ledger(couple.ledger_id)
        assert couple.sam.hex in ledger.partners  # the backup predates Sam's leaving
        texts = [t for t in map(str, app.events.get(couple.ledger_id))]
        assert not any("written after the backup" in t for t in texts)
    finally:
        app.close()
    assert dump_views(settings) == views_at_backup


def test_a_damaged_cut_or_foreign_backup_is_refused_and_changes_nothing(
    sqlite_couple: tuple[Settings, Couple], tmp_path: Path,
) -> None:
    settings, couple = sqlite_couple
    need(couple, "alex", "words")
    file = tmp_path / "b"
    assert ebbflow(settings, "backup", str(file)).returncode == 0
    before = settings.sqlite_path.read_bytes()
    raw = file.read_bytes()
    damaged, cut = tmp_path / "damaged", tmp_path / "cut"
    damaged.write_bytes(raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:])
    cut.write_bytes(raw[: len(raw) // 2])
    foreign = settings.with_changes(cipher_key="A" * 43 + "=")
    for path, words, who in ((damaged, "damaged", settings), (cut, "cut short", settings),
                             (file, "another instance key", foreign)):
        answer = ebbflow(who, "restore", str(path), "--replace")
        assert answer.returncode == 1, answer.stderr
        assert words in answer.stderr
    assert settings.sqlite_path.read_bytes() == before
    couple.app.close()


@pytest.mark.postgres
def test_on_postgresql_backup_points_to_pg_dump_and_erasures_are_reapplied(
    postgres_couple: tuple[Settings, Couple],
) -> None:
    settings, couple = postgres_couple
    answer = ebbflow(settings, "backup", "/tmp/never-written")
    assert answer.returncode == 1 and "pg_dump" in answer.stderr
    key_id = partner_key_id(couple.ledger_id, couple.sam)
    [wrapped] = couple.app.recorder.get_wrapped_keys([key_id]).values()
    couple.app.leave(couple.ledger_id, couple.sam, forget_me=True)
    assert not couple.app.keys.exists(key_id)
    couple.app.recorder.insert_wrapped_key(key_id, wrapped)  # as an old pg_restore would
    assert couple.app.keys.exists(key_id)
    again = ebbflow(settings, "restore", "--erasures-only")
    assert again.returncode == 0, again.stderr
    assert not couple.app.keys.exists(key_id)
