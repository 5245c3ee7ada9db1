"""`ebbflow serve`: gunicorn and the projector as supervised child processes.

The projector is restarted if it dies; SIGTERM or SIGINT stops both gracefully
(gunicorn lets in-flight requests finish within its graceful timeout).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

GUNICORN_CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py"
RESTART_DELAY = 1.0
STOP_TIMEOUT = 10.0


class Supervisor:
    def __init__(self, host: str, port: int, workers: int | None) -> None:
        self.host, self.port, self.workers = host, port, workers
        self.stopping = threading.Event()

    def gunicorn_command(self) -> list[str]:
        command = [sys.executable, "-m", "gunicorn", "--bind", f"{self.host}:{self.port}"]
        if GUNICORN_CONFIG.exists():
            command += ["--config", str(GUNICORN_CONFIG)]
        else:  # installed without the repository's deploy/ folder
            command += ["--worker-class", "gthread", "--threads", "4", "web:create_app()"]
        if self.workers:
            command += ["--workers", str(self.workers)]
        return command

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stopping.set())
        env = {**os.environ, "EBBFLOW_CREATE_TABLES": "no"}
        web = subprocess.Popen(self.gunicorn_command(), env=env)  # noqa: S603
        projector = self.start_projector(env)
        try:
            while not self.stopping.wait(0.2):
                if web.poll() is not None:
                    print(f"ebbflow: gunicorn exited with {web.returncode}", file=sys.stderr)
                    return 1
                if projector.poll() is not None:
                    print("ebbflow: the projector stopped; restarting it", file=sys.stderr)
                    time.sleep(RESTART_DELAY)
                    projector = self.start_projector(env)
        finally:
            for child in (web, projector):
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in (web, projector):
                try:
                    child.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    child.kill()
        return 0

    @staticmethod
    def start_projector(env: dict[str, str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "web.cli", "project"], env=env)
