"""gunicorn settings for Ebb & Flow: gthread workers from the CPU count (override
with EBBFLOW_WORKERS / EBBFLOW_THREADS), a JSON access log carrying the request id,
and no preloading: each worker builds the app, and connects, after the fork."""

import multiprocessing
import os

wsgi_app = "web:create_app()"
bind = os.environ.get("EBBFLOW_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("EBBFLOW_WORKERS", str(multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("EBBFLOW_THREADS", "4"))
preload_app = False
timeout = int(os.environ.get("EBBFLOW_WORKER_TIMEOUT", "30"))
graceful_timeout = 8
keepalive = 5
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s}'
)
