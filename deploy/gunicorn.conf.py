"""gunicorn settings for Ebb & Flow: gthread workers and threads from the CPU count
(override with EBBFLOW_WORKERS / EBBFLOW_THREADS), a JSON access log carrying the
request id, JSON application logs, Prometheus multiprocess files cleaned up per
worker, and no preloading: each worker builds the app, and connects, after the fork.
Every value comes from `ServerSettings`, where the environment is read."""

import os

from ledger.infra.config import ServerSettings

SERVER = ServerSettings.from_env()

wsgi_app = "web:create_app()"
bind = SERVER.bind
worker_class = "gthread"
workers = SERVER.workers
threads = SERVER.threads
preload_app = False
timeout = SERVER.worker_timeout
graceful_timeout = 8  # `ebbflow serve` must be down within 10 s of SIGTERM
keepalive = 5
max_requests = 20000
max_requests_jitter = 2000
# Behind nginx on the same host: trust its X-Forwarded-Proto (nginx.conf sets it).
forwarded_allow_ips = SERVER.forwarded_allow_ips
accesslog = "-"
errorlog = "-"
# JSON lines naming the route template, never the path: no share token reaches a log.
logger_class = "web.access_log.JsonAccessLogger"


def on_starting(server):  # noqa: ANN001, ANN201
    """A fresh folder for Prometheus' multiprocess files: stale ones from an earlier
    run would add old counts to the new."""
    path = SERVER.metrics_dir
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))


def when_ready(server):  # noqa: ANN001, ANN201
    """Says at start-up when rate limits are counted per worker (memory://)."""
    from web.ratelimit import warn_if_counted_per_process

    warn_if_counted_per_process(SERVER.ratelimit_storage_url, server.cfg.workers, server.log)


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    from web.logs import configure_logging

    configure_logging(SERVER.log_level)


def child_exit(server, worker):  # noqa: ANN001, ANN201
    if SERVER.metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
