"""The image as it ships: built by deploy/build-image.sh with podman (no Docker daemon,
base image made locally), then run on the host network with SQLite. Its commands start
(libpq is there), it serves pages and static files, and its HEALTHCHECK says healthy,
or unhealthy when the templates are gone although the process answers."""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.conftest import cannot_run
from tests.e2e.conftest import free_port
from tests.e2e.test_wheel import answers, check_the_site

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("EBBFLOW_IMAGE", "localhost/ebbflow:test")
DATA = "/var/lib/ebbflow"
TEMPLATES = "/opt/ebbflow/lib/python3.11/site-packages/web/templates"


def podman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EBBFLOW_IMAGE": IMAGE,
           "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF",
                                             str(REPO / "deploy" / "containers.conf"))}
    return subprocess.run(["podman", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def image() -> str:
    """Built from this tree; a rebuild of an unchanged tree is a few seconds of cache."""
    for tool in ("podman", "mmdebstrap"):
        if shutil.which(tool) is None:
            cannot_run(f"{tool} is not installed (Debian package {tool}; see .ci/run)")
    env = {**os.environ, "EBBFLOW_IMAGE": IMAGE}
    built = subprocess.run([str(REPO / "deploy" / "build-image.sh")], env=env,
                           capture_output=True, text=True, timeout=900, check=False)
    assert built.returncode == 0, built.stdout + built.stderr[-5000:]
    assert built.stdout.strip() == IMAGE
    return IMAGE


@dataclass(frozen=True)
class Instance:
    image: str
    env_file: Path
    data: Path

    def run(self, *command: str) -> subprocess.CompletedProcess[str]:
        """A one-off command in a fresh container of the image."""
        return podman("run", "--rm", "--no-healthcheck", "--network", "host", "--env-file",
                      str(self.env_file), "-v", f"{self.data}:{DATA}", self.image, *command)

    @contextlib.contextmanager
    def serving(self, *options: str) -> Iterator[tuple[str, str]]:
        """`ebbflow serve` in a detached container; yields its name and URL."""
        name, port = f"ebbflow-test-{uuid.uuid4().hex[:12]}", free_port()
        started = podman("run", "-d", "--name", name, "--network", "host",
                         "--env-file", str(self.env_file), "-e", f"EBBFLOW_BIND=127.0.0.1:{port}",
                         "-v", f"{self.data}:{DATA}", *options, self.image,
                         "ebbflow", "serve", "--host", "127.0.0.1", "--port", str(port))
        assert started.returncode == 0, started.stderr
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not answers(f"{url}/healthz"):
                logs = podman("logs", name)
                assert time.monotonic() < deadline, logs.stdout + logs.stderr
                time.sleep(0.3)
            yield name, url
        finally:
            podman("rm", "--force", "--time", "10", name)


@pytest.fixture
def instance(image: str, tmp_path: Path) -> Instance:
    """A migrated SQLite instance: its data folder on the host, owned by the image's user."""
    data = tmp_path / "data"
    data.mkdir()
    os.chown(data, 10001, 10001)
    env_file = tmp_path / "ebbflow.env"
    env_file.write_text(
        f"EBBFLOW_CIPHER_KEY={base64.b64encode(secrets.token_bytes(32)).decode()}\n"
        f"EBBFLOW_SECRET_KEY={secrets.token_urlsafe(32)}\n"
        f"EBBFLOW_DATABASE_URL=sqlite:///{DATA}/ebbflow.db\n")
    result = Instance(image, env_file, data)
    migrated = result.run("ebbflow", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert f"migrated {DATA}/ebbflow.db" in migrated.stdout
    return result


def test_every_ebbflow_command_starts_in_the_image_and_libpq_and_pango_are_there(
        image: str) -> None:
    helped = podman("run", "--rm", "--no-healthcheck", image, "ebbflow", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "migrate" in helped.stdout and "serve" in helped.stdout
    libpq = podman("run", "--rm", "--no-healthcheck", image, "python", "-c",
                   "import psycopg; print(psycopg.pq.__impl__, psycopg.pq.version())")
    assert libpq.returncode == 0, libpq.stderr
    assert libpq.stdout.startswith("binary ")  # psycopg's C implementation, its own libpq
    # WeasyPrint is imported at the first PDF (projections/report/pdf.py): its Pango too
    pdf = podman("run", "--rm", "--no-healthcheck", image, "python", "-c",
                 "import sys; from weasyprint import HTML; "
                 "sys.stdout.buffer.write(HTML(string='<p>Us</p>').write_pdf()[:5])")
    assert pdf.returncode == 0, pdf.stderr
    assert pdf.stdout == "%PDF-"


def test_the_image_migrates_serves_pages_and_static_files_and_is_healthy(
        instance: Instance) -> None:
    with instance.serving() as (name, url):
        check_the_site(url)
        check = podman("healthcheck", "run", name)
        assert check.returncode == 0, check.stdout + check.stderr
        assert podman("inspect", "--format", "{{.State.Health.Status}}", name).stdout.strip() \
            == "healthy"


def test_a_container_whose_templates_are_gone_is_alive_but_unhealthy(
        instance: Instance, tmp_path: Path) -> None:
    empty = tmp_path / "no-templates"
    empty.mkdir()
    with instance.serving("-v", f"{empty}:{TEMPLATES}:ro") as (name, url):
        assert requests.get(f"{url}/healthz", timeout=10).status_code == 200
        assert requests.get(f"{url}/readyz", timeout=10).status_code == 503
        check = podman("healthcheck", "run", name)
        assert check.returncode == 1
        assert check.stdout.strip() == "unhealthy"
        log = podman("inspect", "--format", "{{range .State.Health.Log}}{{.Output}}{{end}}",
                     name).stdout
        assert "503 the pages cannot be rendered (TemplateNotFound)" in log
