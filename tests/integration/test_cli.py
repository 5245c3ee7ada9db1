"""The `ebbflow` command as an operator runs it: a real process, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EBBFLOW = [sys.executable, "-m", "web.cli"]
VERIFIER = Path(__file__).parents[2] / "docs" / "verify_export.py"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*EBBFLOW, *args], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"EBBFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/var/ebbflow.db",
            "EBBFLOW_DATA_DIR": str(tmp_path / "var")}


def test_help_lists_the_commands(env: dict[str, str]) -> None:
    result = run(["--help"], env)
    assert result.returncode == 0
    assert "migrate" in result.stdout and "demo" in result.stdout


def test_bad_usage_exits_2(env: dict[str, str]) -> None:
    assert run(["frobnicate"], env).returncode == 2


def test_an_unknown_benchmark_case_is_bad_usage_and_names_the_cases(env: dict[str, str]) -> None:
    result = run(["bench", "--only", "nope"], env)
    assert result.returncode == 2
    assert "'nope' is not one of 'http_appends'" in result.stderr


def test_a_restore_without_a_file_exits_2_with_one_line(env: dict[str, str]) -> None:
    result = run(["restore"], env)
    assert result.returncode == 2
    assert result.stderr == "ebbflow: restore needs a FILE (or --erasures-only)\n"


@pytest.mark.slow
def test_the_demo_is_created_once_and_prints_logins_and_the_monthly_flow(
    env: dict[str, str],
) -> None:
    first = run(["demo", "--summary"], env)
    assert first.returncode == 0, first.stderr
    assert "created the demo ledger" in first.stdout
    assert "alex@demo.ebbflow.test / ebb-and-flow-demo" in first.stdout
    months = [line for line in first.stdout.splitlines() if line[:4].isdigit()]
    assert len(months) >= 24  # two partners × at least twelve months
    second = run(["demo"], env)
    assert second.returncode == 0 and "found the demo ledger" in second.stdout


def test_a_wrong_instance_key_exits_1_with_one_line(env: dict[str, str]) -> None:
    assert run(["migrate"], env).returncode == 0
    wrong = {**env, "EBBFLOW_CIPHER_KEY": "B" * 43 + "="}
    result = run(["migrate"], wrong)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("ebbflow: EBBFLOW_CIPHER_KEY does not match")
    assert "Traceback" not in result.stderr


def exported_file(env: dict[str, str], tmp_path: Path) -> Path:
    """A partner's JSON export of a small ledger, taken by `ebbflow export`."""
    from ledger.app.application import LedgerApplication
    from ledger.infra.config import Settings
    from projections.runner import catch_up
    from tests.helpers import make_couple

    assert run(["migrate"], env).returncode == 0
    settings = Settings.from_env(env).with_changes(argon2_time_cost=1, argon2_memory_cost=1024)
    app = LedgerApplication(settings)
    couple = make_couple(app)
    for n in range(3):
        app.express_need(couple.ledger_id, couple.alex, need=f"need {n}", intensity=2,
                         support_type="emotional")
    app.close()
    catch_up(settings)
    out = tmp_path / "export.json"
    exported = run(["export", str(couple.ledger_id), "--account", "alex@example.com",
                    "-o", str(out)], env)
    assert exported.returncode == 0, exported.stderr
    return out


def test_export_then_verify_and_a_tampered_file_names_its_first_bad_event(
    env: dict[str, str], tmp_path: Path,
) -> None:
    import json

    out = exported_file(env, tmp_path)
    verified = run(["verify", str(out)], env)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith("ok: intact and signed by ")
    document = json.loads(out.read_text())
    document["events"][3]["data"]["need"] = "rewritten"
    out.write_text(json.dumps(document))
    broken = run(["verify", str(out)], env)
    assert broken.returncode == 1
    assert "event #4" in broken.stderr


def test_the_key_command_prints_the_key_that_signs_exports_for_the_standalone_verifier(
    env: dict[str, str], tmp_path: Path,
) -> None:
    out = exported_file(env, tmp_path)
    printed = run(["key"], env)
    assert printed.returncode == 0, printed.stderr
    key_line, fingerprint_line = printed.stdout.splitlines()
    assert key_line.startswith("public key: ") and len(key_line.split()[-1]) == 44
    fingerprint = fingerprint_line.removeprefix("fingerprint: ")
    assert run(["verify", str(out)], env).stdout == f"ok: intact and signed by {fingerprint}\n"
    key_file = tmp_path / "instance-key.txt"
    key_file.write_text(printed.stdout)
    verifier = subprocess.run([sys.executable, str(VERIFIER), str(out), "--key",
                               str(key_file)], capture_output=True, text=True, timeout=60,
                              check=False)
    assert verifier.returncode == 0, verifier.stderr
    assert verifier.stdout.endswith(f"signed by {fingerprint}\n")


def test_the_demo_refuses_to_run_in_production(env: dict[str, str]) -> None:
    import base64

    production = {**env, "EBBFLOW_ENV": "production",
                  "EBBFLOW_CIPHER_KEY": base64.b64encode(os.urandom(32)).decode(),
                  "EBBFLOW_SECRET_KEY": "s" * 40}
    result = run(["demo"], production)
    assert result.returncode == 1
    assert "refused with EBBFLOW_ENV=production" in result.stderr
    assert "demo.ebbflow.test" not in result.stdout
