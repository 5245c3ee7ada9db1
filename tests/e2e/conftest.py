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

from ledger.config import Settings


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


def serve(settings: Settings, folder: Path, workers: int = 2) -> Served:
    port = free_port()
    log = folder / "serve.log"
    env = {**os.environ, "EBBFLOW_DATABASE_URL": settings.database_url,
           "EBBFLOW_DATA_DIR": str(settings.data_dir), "EBBFLOW_CIPHER_KEY": settings.cipher_key,
           "EBBFLOW_SECRET_KEY": settings.secret_key, "EBBFLOW_THREADS": "4"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "serve", "--port", str(port),
             "--workers", str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT,
            text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return Served(url, settings, process, log)
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"ebbflow serve did not come up:\n{log.read_text()}")


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    server = serve(settings, tmp_path)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()
