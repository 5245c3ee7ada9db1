"""A real `ebbflow serve` (or a bare gunicorn app) for the HTTP benchmarks, and
couples created through the API like real ones."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import requests

from bench.workspace import environment
from ledger.infra.config import Settings
from services.bootstrap import bootstrap

GUNICORN_CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"
PASSWORD = "benchmark horse battery staple"


@dataclass(frozen=True)
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass(frozen=True)
class BenchCouple:
    ledger_id: str
    tokens: tuple[str, str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], port: int,
            ready_path: str = "/healthz") -> Iterator[Served]:
    log = Path(tempfile.mkstemp(prefix="ebbflow-bench-serve-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(url + ready_path, timeout=1).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Served(url, process, log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.unlink(missing_ok=True)


def ebbflow_serve(settings: Settings, workers: int) -> contextlib.AbstractContextManager[Served]:
    port = free_port()
    command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port),
               "--workers", str(workers)]
    return serving(command, environment(settings), port)


def bare_gunicorn(workers: int) -> contextlib.AbstractContextManager[Served]:
    """The baseline: a bare Flask JSON endpoint under the same gunicorn settings."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONFIG),
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "bench.baseline_app:create_app()"]
    return serving(command, dict(os.environ), port)


def make_couples(url: str, settings: Settings, count: int, tag: str) -> list[BenchCouple]:
    """Two partners per couple (accounts made in-process: sign-up is rate-limited per
    address), who sign in, open a ledger and join it over HTTP."""
    emails = [f"{tag}-{n}-{who}@bench.example" for n in range(count) for who in ("a", "b")]
    with closing(bootstrap(settings)) as services:
        for email in emails:
            services.ledger.sign_up(email, PASSWORD, email[0].upper())
    couples = []
    for n in range(count):
        tokens = []
        for email in emails[2 * n: 2 * n + 2]:
            token = requests.post(f"{url}/api/v1/tokens", json={
                "email": email, "password": PASSWORD}, timeout=30)
            token.raise_for_status()
            tokens.append(token.json()["token"])
        first = {"Authorization": f"Bearer {tokens[0]}"}
        opened = requests.post(f"{url}/api/v1/ledgers", json={"name": f"Bench {n}"},
                               headers=first, timeout=30)
        opened.raise_for_status()
        ledger = opened.json()
        joined = requests.post(f"{url}/api/v1/ledgers/join", json={
            "invite_code": ledger["invite_code"]},
            headers={"Authorization": f"Bearer {tokens[1]}"}, timeout=30)
        joined.raise_for_status()
        couples.append(BenchCouple(ledger["id"], (tokens[0], tokens[1])))
    return couples
