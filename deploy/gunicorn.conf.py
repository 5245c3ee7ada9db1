"""gunicorn settings for Ebb & Flow: gthread workers and threads from the CPU count
(override with EBBFLOW_WORKERS / EBBFLOW_THREADS), a JSON access log carrying the
request id, JSON application logs, Prometheus multiprocess files cleaned up per
worker, and no preloading: each worker builds the app, and connects, after the fork."""

import multiprocessing
import os

CPUS = multiprocessing.cpu_count()

wsgi_app = "web:create_app()"
bind = os.environ.get("EBBFLOW_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("EBBFLOW_WORKERS", str(CPUS * 2)))
threads = int(os.environ.get("EBBFLOW_THREADS", str(max(4, CPUS * 2))))
preload_app = False
timeout = int(os.environ.get("EBBFLOW_WORKER_TIMEOUT", "30"))
graceful_timeout = 8  # `ebbflow serve` must be down within 10 s of SIGTERM
keepalive = 5
max_requests = 20000
max_requests_jitter = 2000
# Behind nginx on the same host: trust its X-Forwarded-Proto (nginx.conf sets it).
forwarded_allow_ips = os.environ.get("EBBFLOW_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# JSON lines naming the route template, never the path: no share token reaches a log.
logger_class = "web.access_log.JsonAccessLogger"


def on_starting(server):  # noqa: ANN001, ANN201
    """A fresh folder for Prometheus' multiprocess files: stale ones from an earlier
    run would add old counts to the new."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))


def when_ready(server):  # noqa: ANN001, ANN201
    """Says at start-up when rate limits are counted per worker (memory://)."""
    from web.ratelimit import warn_if_counted_per_process

    warn_if_counted_per_process(os.environ.get("EBBFLOW_RATELIMIT_STORAGE_URL", "memory://"),
                                server.cfg.workers, server.log)


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    from web.logs import configure_logging

    configure_logging(os.environ.get("EBBFLOW_LOG_LEVEL", "INFO"))


def child_exit(server, worker):  # noqa: ANN001, ANN201
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
