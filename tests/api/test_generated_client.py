"""A client generated from the document a real `ebbflow serve` serves (openapi-python-client,
offline: it reads only the document), type-checked with `mypy --strict` together with the
two-partner scenario, which then runs against that server: the document alone is enough
to write a correct, typed client."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ledger.infra.config import Settings
from tests.e2e.conftest import Served, serve

SCENARIO = Path(__file__).with_name("generated_client_scenario.py")
CHEAP_HASHING = {"EBBFLOW_ARGON2_TIME_COST": "1", "EBBFLOW_ARGON2_MEMORY_KIB": "1024"}
BUDGET_SECONDS = 60
# Strict throughout, but for the generator's own client.py template: it forwards
# `*args: object` to httpx's typed `__exit__`/`__aexit__`, whatever the document says.
MYPY_CONFIG = """[mypy]
strict = True

[mypy-ebbflow_client.client]
disable_error_code = arg-type
"""


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The document is under test here, not the backend: SQLite is enough."""
    return sqlite_url


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    served = serve(settings, tmp_path, **CHEAP_HASHING)
    try:
        yield served
    finally:
        if served.process.poll() is None:
            served.stop()


def run(command: list[str], folder: Path, timeout: float) -> str:
    tools = str(Path(sys.executable).parent)  # the generator formats with ruff from here
    env = {**os.environ, "PATH": f"{tools}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)}\n{output}"
    return output


@pytest.mark.slow
def test_a_generated_client_type_checks_and_runs_the_two_partner_scenario(
    server: Served, tmp_path: Path,
) -> None:
    started = time.monotonic()
    work = tmp_path / "client"
    work.mkdir()
    document = requests.get(f"{server.url}/api/v1/openapi.json", timeout=10)
    assert document.status_code == 200
    (work / "openapi.json").write_text(document.text)
    tools = Path(sys.executable).parent
    generated = run([str(tools / "openapi-python-client"), "generate", "--path", "openapi.json",
                     "--meta", "none", "--output-path", "ebbflow_client"], work, 120)
    assert "Warning" not in generated, generated  # every part of the document understood
    shutil.copy(SCENARIO, work / "scenario.py")
    (work / "mypy.ini").write_text(MYPY_CONFIG)
    run([sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir",
         str(tmp_path / "mypy"), "ebbflow_client", "scenario.py"], work, 180)
    ran = run([sys.executable, "scenario.py", server.url], work, 120)
    assert "scenario complete" in ran
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET_SECONDS, f"took {elapsed:.0f} s"
