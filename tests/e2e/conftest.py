"""A real `ebbflow serve` (gunicorn with 2+ workers and the projector) per test module."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from ledger.infra.config import Settings

GUNICORN_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    url: str
    settings: Settings
    process: subprocess.Popen[str]
    log: Path

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=30)


def instance_env(settings: Settings, **extra: str) -> dict[str, str]:
    return {**os.environ, "EBBFLOW_DATABASE_URL": settings.database_url,
            "EBBFLOW_DATA_DIR": str(settings.data_dir), "EBBFLOW_CIPHER_KEY": settings.cipher_key,
            "EBBFLOW_SECRET_KEY": settings.secret_key, "EBBFLOW_THREADS": "4", **extra}


def launch(command: list[str], settings: Settings, log: Path, port: int,
           **extra_env: str) -> Served:
    """Starts a server process and waits for /healthz."""
    with log.open("w") as out:
        process = subprocess.Popen(command, env=instance_env(settings, **extra_env), stdout=out,
                                   stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return Served(url, settings, process, log)
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"the server did not come up:\n{log.read_text()}")


def serve(settings: Settings, folder: Path, workers: int = 2, **extra_env: str) -> Served:
    """`ebbflow serve`: gunicorn and its supervised projector."""
    port = free_port()
    return launch([sys.executable, "-m", "web.cli", "serve", "--port", str(port),
                   "--workers", str(workers)], settings, folder / "serve.log", port, **extra_env)


def gunicorn(settings: Settings, folder: Path, **extra_env: str) -> Served:
    """The web tier alone, as a scaled-out host runs it (projectors run elsewhere)."""
    port = free_port()
    return launch([sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG),
                   "--bind", f"127.0.0.1:{port}", "--workers", "2"], settings,
                  folder / "gunicorn.log", port, EBBFLOW_CREATE_TABLES="no", **extra_env)


def projector(settings: Settings, log: Path) -> subprocess.Popen[str]:
    with log.open("w") as out:
        return subprocess.Popen([sys.executable, "-m", "web.cli", "project"],
                                env=instance_env(settings), stdout=out,
                                stderr=subprocess.STDOUT, text=True)


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    server = serve(settings, tmp_path)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()
