"""What ships is what was tested: the wheel, built from the inputs the image builds from
and installed into a fresh virtualenv outside the source tree, serves pages and static
files with the deployed gunicorn settings, not only /healthz."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import free_port

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("ledger", "projections", "web", "bench")
LANDING = "web/templates/pages/landing.html"


def build_inputs() -> list[str]:
    """What deploy/Dockerfile copies into its build stage (each to the same path), so
    the wheel tested here is the one the image installs."""
    stages = (REPO / "deploy" / "Dockerfile").read_text().split("\nFROM ")
    copies = [line.split()[1:-1] for line in stages[1].splitlines() if line.startswith("COPY ")]
    return [source for sources in copies for source in sources]


@dataclass(frozen=True)
class Installed:
    venv: Path
    site_packages: Path
    home: Path  # a folder outside the source tree: cwd and data
    cipher_key: str = field(
        default_factory=lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def env(self) -> dict[str, str]:
        """The environment of a production instance on SQLite, with nothing from the
        source tree or the project's own virtualenv."""
        keep = {name: value for name, value in os.environ.items()
                if not name.startswith(("EBBFLOW_", "PYTHON", "VIRTUAL_ENV", "PROMETHEUS_"))}
        return {**keep, "PATH": f"{self.venv / 'bin'}:{keep.get('PATH', '/usr/bin:/bin')}",
                "EBBFLOW_ENV": "production",
                "EBBFLOW_DATABASE_URL": f"sqlite:///{self.home / 'data' / 'ebbflow.db'}",
                "EBBFLOW_DATA_DIR": str(self.home / "data"),
                "EBBFLOW_CIPHER_KEY": self.cipher_key, "EBBFLOW_SECRET_KEY": self.secret_key}

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.venv / "bin" / args[0]), *args[1:]], cwd=self.home,
                              env={**self.env(), **env}, capture_output=True, text=True,
                              timeout=120, check=False)

    def healthcheck(self, url: str) -> subprocess.CompletedProcess[str]:
        """The image's HEALTHCHECK script, asking the address `url` serves on."""
        return self.run("python", str(REPO / "deploy" / "healthcheck.py"),
                        EBBFLOW_BIND=url.removeprefix("http://"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a clean copy of the build inputs: no stale build/ folder can leak in."""
    source = tmp_path_factory.mktemp("source")
    for name in build_inputs():
        target = source / name
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "--wheel-dir", str(dist), str(source)], cwd=dist, check=True, timeout=300)
    (built,) = dist.glob("ebbflow-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    home = tmp_path_factory.mktemp("installed")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], cwd=home, check=True)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                    str(wheel)], cwd=home, check=True, timeout=600)
    (site_packages,) = (venv / "lib").glob("python3*/site-packages")
    result = Installed(venv, site_packages, home)
    migrated = result.run("ebbflow", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    return result


@contextlib.contextmanager
def serving(copy: Installed, name: str) -> Iterator[str]:
    """`ebbflow serve` from the installed copy, cwd outside the source tree."""
    port = free_port()
    log = copy.home / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(copy.venv / "bin" / "ebbflow"), "serve", "--port", str(port), "--workers", "1"],
            cwd=copy.home, env=copy.env(), stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not answers(f"{url}/healthz"):
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def check_the_site(url: str) -> None:
    """What the audit found broken behind a green /healthz: the landing page is HTML
    naming the product, the stylesheet is this tree's, and /readyz agrees."""
    page = requests.get(f"{url}/", timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Ebb &amp; Flow" in page.text
    style = requests.get(f"{url}/static/style.css", timeout=10)
    assert style.status_code == 200
    assert style.headers["Content-Type"].startswith("text/css")
    assert style.content == (REPO / "web" / "static" / "style.css").read_bytes()
    assert requests.get(f"{url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_the_wheel_holds_every_module_template_and_static_file_of_the_source(
        wheel: Path) -> None:
    shipped = set(zipfile.ZipFile(wheel).namelist())
    source = {path.relative_to(REPO).as_posix() for package in PACKAGES
              for path in (REPO / package).rglob("*")
              if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".md"}
    assert LANDING in source
    assert sorted(source - shipped) == []
    assert "deploy/gunicorn.conf.py" in shipped
    assert not [name for name in shipped if name.startswith("tests/")]


def test_an_installed_wheel_outside_the_source_tree_serves_pages_and_static_files(
        installed: Installed) -> None:
    imported = installed.run("python", "-c", "import web; print(web.__file__)")
    assert Path(imported.stdout.strip()).is_relative_to(installed.site_packages), imported
    with serving(installed, "serve") as url:
        check_the_site(url)
        assert installed.healthcheck(url).returncode == 0
    # deploy/gunicorn.conf.py was found beside the installed package: its JSON access log.
    assert '"route": "/static/<path:filename>", "status": 200' in (
        installed.home / "serve.log").read_text()


def test_an_installed_copy_missing_a_template_is_alive_but_not_ready_nor_healthy(
        installed: Installed) -> None:
    landing = installed.site_packages / LANDING
    aside = installed.home / "landing.html"
    landing.rename(aside)
    try:
        with serving(installed, "broken") as url:
            assert requests.get(f"{url}/healthz", timeout=10).status_code == 200
            ready = requests.get(f"{url}/readyz", timeout=10)
            assert ready.status_code == 503
            assert "the pages cannot be rendered (TemplateNotFound)" in ready.json()["detail"]
            check = installed.healthcheck(url)
            assert check.returncode == 1
            assert "503 the pages cannot be rendered (TemplateNotFound)" in check.stdout
    finally:
        aside.rename(landing)
