"""Every setting is read from the environment in one place (ledger/infra/config.py):
no module elsewhere reads a variable on its own, so `Settings` and `ServerSettings`
list everything an operator can set."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "projections", "services", "web")
ALLOWED = {ROOT / "ledger" / "infra" / "config.py"}


def reads_of_the_environment(path: Path) -> list[int]:
    """Lines that read one variable: os.environ.get / os.environ[...] / os.getenv."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        target = node.func if isinstance(node, ast.Call) else (
            node.value if isinstance(node, ast.Subscript) else None)
        text = ast.unparse(target) if target is not None else ""
        if text in ("os.environ.get", "os.getenv") or (
                text == "os.environ" and isinstance(node, ast.Subscript)):
            found.append(node.lineno)
    return found


def test_only_the_settings_read_the_environment() -> None:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    files.append(ROOT / "deploy" / "gunicorn.conf.py")
    offenders = {str(p.relative_to(ROOT)): lines for p in files if p not in ALLOWED
                 and (lines := reads_of_the_environment(p))}
    assert offenders == {}
    probe = ROOT / "tests" / "unit" / "test_settings_in_one_place.py"
    assert reads_of_the_environment(probe) == [PROBE_LINE]  # the scan does find a read


PROBE_LINE = 42
if False:  # pragma: no cover - a read for the scan to find, never run
    import os

    os.environ.get("EBBFLOW_PROBE")
