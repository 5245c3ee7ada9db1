"""A browser-like client for the pages: it keeps the session cookie and reads the
CSRF token and submission id out of each form, as a browser would send them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ledger.infra.config import Settings
from tests.conftest import Projector
from tests.helpers import ManualClock
from web import create_app
from web.services import services

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def page_app(settings: Settings, clock: ManualClock) -> Iterator[Flask]:
    app = create_app({"EBBFLOW_SETTINGS": settings, "TESTING": True, "EBBFLOW_CLOCK": clock})
    yield app
    with app.app_context():
        services().close()


class Browser:
    def __init__(self, app: Flask, settings: Settings, projector: Projector) -> None:
        self.client: FlaskClient = app.test_client()
        self.settings = settings
        self.projector = projector
        self.last_html = ""

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        self.last_html = response.get_data(as_text=True)
        return response

    def csrf(self) -> str:
        found = CSRF.search(self.last_html)
        assert found, "the page has no form"
        return found.group(1)

    def submit(self, path: str, data: dict[str, str], page: str | None = None) -> Any:
        if page is not None:
            self.get(page)
        response = self.client.post(path, data={"csrf_token": self.csrf(), **data})
        self.last_html = response.get_data(as_text=True)
        return response

    def sign_up(self, name: str) -> None:
        answer = self.submit("/signup", {"email": f"{name.lower()}@example.com",
                                         "password": PASSWORD, "display_name": name},
                             page="/signup")
        assert answer.status_code == 303, self.last_html

    def open_ledger(self, name: str = "Us") -> tuple[str, str]:
        opened = self.submit("/ledgers/new", {"name": name, "timezone": "Europe/London"},
                             page="/ledgers/new")
        assert opened.status_code == 303, self.last_html
        self.get(opened.headers["Location"])
        code = re.search(r'id="invite-code">([^<]+)<', self.last_html)
        ledger = re.search(r"/ledgers/([0-9a-f-]{36})", self.last_html)
        assert code and ledger
        return ledger.group(1), code.group(1)

    def sync(self) -> None:
        self.projector.sync()


@pytest.fixture
def browser(page_app: Flask, settings: Settings, projector: Projector) -> Browser:
    return Browser(page_app, settings, projector)


@pytest.fixture
def second_browser(page_app: Flask, settings: Settings, projector: Projector) -> Browser:
    return Browser(page_app, settings, projector)
