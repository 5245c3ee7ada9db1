"""Lighthouse (npm `lighthouse`, pinned in .tools/, with Debian's Chromium) on the landing
page and on the demo couple's home with a year of history, signed in as Alex (issue 16):
accessibility 100, best practices and performance 95 or more.

One Lighthouse run per page, with the **desktop preset** (no CPU throttling): on this
shared two-core machine the mobile preset's 4x CPU slowdown makes the performance score
of the home swing between 92 and 99 from one run to the next with the load of other
work, which would make the test fail at random. Reports (JSON and HTML) are saved in
var/screenshots/lighthouse/. `make lighthouse` runs this module alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.browser.a11y import SCREENSHOTS
from tests.browser.conftest import CHROMIUM
from tests.conftest import cannot_run, migrated
from tests.e2e.conftest import Served, instance_env, serve
from web.cli.demo import DEMO_PASSWORD, DEMO_PEOPLE

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / ".tools" / "node_modules" / "lighthouse" / "cli" / "index.js"
REPORTS = SCREENSHOTS / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "performance")
AT_LEAST = {"accessibility": 1.0, "best-practices": 0.95, "performance": 0.95}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# Lighthouse's own "please run Lighthouse again" failures to record a trace (NO_NAVSTART,
# NO_FCP...): they come from the tracing of a loaded machine, not from the page. Retried,
# at most ATTEMPTS runs; any other failure is asserted at once, and the scores of the run that recorded.
TRACE_FAILURE = re.compile(r"Runtime error encountered: .*\((NO_[A-Z_]+)\)")
ATTEMPTS = 3


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`ebbflow demo` (the couple with a year of history), then `ebbflow serve`."""
    folder = tmp_path_factory.mktemp("lighthouse")
    settings = migrated(f"sqlite:///{folder}/ebbflow.db", folder)
    subprocess.run([sys.executable, "-m", "web.cli", "demo"], env=instance_env(settings),
                   check=True, capture_output=True, timeout=300)
    server = serve(settings, folder)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


def signed_in_as_alex(site: Served) -> tuple[str, str]:
    """The Cookie header of Alex's real session, and the path of their home."""
    http = requests.Session()
    token = CSRF.search(http.get(f"{site.url}/login", timeout=30).text)
    assert token, "the login page has no form"
    answer = http.post(f"{site.url}/login", timeout=30, data={
        "csrf_token": token.group(1), "email": DEMO_PEOPLE[0][1], "password": DEMO_PASSWORD})
    assert answer.url.endswith("/ledgers"), answer.url
    home = re.search(r'href="(/ledgers/[0-9a-f-]{36})"', answer.text)
    assert home, "Alex has no notes"
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies), home.group(1)


def lighthouse(url: str, name: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """One run on `url`; the report saved as <name>.report.json and .html."""
    node = shutil.which("node")
    if node is None or not LIGHTHOUSE.exists() or not os.path.exists(CHROMIUM):
        cannot_run(f"Lighthouse needs node, {LIGHTHOUSE} (make install) and {CHROMIUM}")
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [str(node), str(LIGHTHOUSE), url, "--quiet", "--preset=desktop",
               f"--only-categories={','.join(CATEGORIES)}", "--output=json", "--output=html",
               f"--output-path={REPORTS / name}", f"--chrome-flags={CHROME_FLAGS}"]
    if headers:
        header_file = REPORTS / f".{name}-headers.json"  # a session: not on a command line
        header_file.write_text(json.dumps(headers))
        command.append(f"--extra-headers={header_file}")
    try:
        for _ in range(ATTEMPTS):
            run = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM},
                                 capture_output=True, text=True, timeout=240)
            if run.returncode == 0 or not TRACE_FAILURE.search(run.stderr):
                break
    finally:
        if headers:
            header_file.unlink(missing_ok=True)
    assert run.returncode == 0, run.stderr[-3000:]
    for kind in ("json", "html"):  # the reports repeat the headers: no session kept in them
        saved = REPORTS / f"{name}.report.{kind}"
        text = saved.read_text()
        for value in (headers or {}).values():
            text = text.replace(value, "(removed)")
        saved.write_text(text)
    report: dict[str, Any] = json.loads((REPORTS / f"{name}.report.json").read_text())
    assert "session=" not in json.dumps(report["configSettings"])
    return report


def assert_scores(report: dict[str, Any]) -> None:
    """Each category at its bar, or the audits that cost it points."""
    problems = []
    for category in CATEGORIES:
        found = report["categories"][category]
        if found["score"] < AT_LEAST[category]:
            lost = [f"{ref['id']} ({report['audits'][ref['id']]['score']})"
                    for ref in found["auditRefs"] if ref["weight"] > 0
                    and (report["audits"][ref["id"]]["score"] or 0) < 1]
            problems.append(f"{category} {found['score']:.2f} < {AT_LEAST[category]}: "
                            + ", ".join(lost))
    assert not problems, f"{report['finalDisplayedUrl']}:\n  " + "\n  ".join(problems)


def test_the_landing_page_scores_100_accessibility_and_95_best_practices_and_performance(
    demo: Served,
) -> None:
    report = lighthouse(f"{demo.url}/", "landing")
    assert report["finalDisplayedUrl"] == f"{demo.url}/"
    assert_scores(report)


def test_the_couples_home_scores_100_accessibility_and_95_best_practices_and_performance(
    demo: Served,
) -> None:
    cookie, home = signed_in_as_alex(demo)
    report = lighthouse(f"{demo.url}{home}", "home", {"Cookie": cookie})
    assert report["finalDisplayedUrl"] == f"{demo.url}{home}"  # signed in: not sent to log in
    assert_scores(report)
