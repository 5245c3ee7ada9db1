"""`ebbflow serve`: gunicorn, the projector and the notifier (with its sender) as
supervised child processes.

The projector and the notifier are restarted if they die; SIGTERM or SIGINT stops both gracefully
and together within STOP_TIMEOUT (gunicorn lets in-flight requests finish within
its graceful timeout, 8 s). Prometheus' multiprocess files go to a fresh folder
unless PROMETHEUS_MULTIPROC_DIR is set.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ledger.infra.config import ServerSettings

GUNICORN_CONFIG = Path(ServerSettings.from_env().gunicorn_config or
                       Path(__file__).resolve().parents[1] / "deploy" / "gunicorn.conf.py")
RESTART_DELAY = 1.0
STOP_TIMEOUT = 10.0
logger = logging.getLogger("ebbflow.serve")


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
        env.setdefault("EBBFLOW_BASE_URL", f"http://{self.host}:{self.port}")  # emailed links
        if not env.get("PROMETHEUS_MULTIPROC_DIR"):
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ebbflow-metrics-")
        web = subprocess.Popen(self.gunicorn_command(), env=env)  # noqa: S603
        projector = self.start_projector(env)
        notifier = self.start_child(env, "notify")
        try:
            while not self.stopping.wait(0.2):
                if web.poll() is not None:
                    logger.error("gunicorn exited with %s", web.returncode)
                    return 1
                if projector.poll() is not None:
                    logger.warning("the projector stopped (%s); restarting it",
                                   projector.returncode)
                    time.sleep(RESTART_DELAY)
                    projector = self.start_projector(env)
                if notifier.poll() is not None:
                    logger.warning("the notifier stopped (%s); restarting it",
                                   notifier.returncode)
                    time.sleep(RESTART_DELAY)
                    notifier = self.start_child(env, "notify")
        finally:
            self.stop(web, projector, notifier)
        logger.info("stopped")
        return 0

    @staticmethod
    def stop(*children: subprocess.Popen[bytes]) -> None:
        """SIGTERM to all, then waits for all against one deadline; kills stragglers."""
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.error("pid %s did not stop in time; killed", child.pid)
                child.kill()
                child.wait()

    @staticmethod
    def start_projector(env: dict[str, str]) -> subprocess.Popen[bytes]:
        return Supervisor.start_child(env, "project")

    @staticmethod
    def start_child(env: dict[str, str], command: str) -> subprocess.Popen[bytes]:
        """`ebbflow project` or `ebbflow notify` (the notifier and its sender)."""
        return subprocess.Popen([sys.executable, "-m", "web.cli", command], env=env)  # noqa: S603
