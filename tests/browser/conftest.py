"""Debian's Chromium driven by Playwright, against a real `ebbflow serve`."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import cannot_run, migrated
from tests.e2e.conftest import Served, serve, served

__all__ = ["served"]  # the browser tests run against the same real `ebbflow serve`

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@contextlib.contextmanager
def launched() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        cannot_run(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        cannot_run("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launched() as browser:
        yield browser


@pytest.fixture(scope="module")
def module_chromium() -> Iterator[Any]:
    """One browser for a module's tests, each in contexts of its own."""
    with launched() as browser:
        yield browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One `ebbflow serve` on SQLite for a module whose tests each bring their own
    people: the pages look the same on either backend, and a server per test costs."""
    folder = tmp_path_factory.mktemp("site")
    server = serve(migrated(f"sqlite:///{folder}/ebbflow.db", folder), folder)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.stop()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
