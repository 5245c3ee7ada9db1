"""An app per test on the backend under test, and a small client that speaks the API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
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


@pytest.fixture
def flask_app(settings: Settings, clock: ManualClock) -> Iterator[Flask]:
    app = create_app({"EBBFLOW_SETTINGS": settings, "TESTING": True, "EBBFLOW_CLOCK": clock})
    yield app
    with app.app_context():
        services().close()


@dataclass
class Person:
    client: FlaskClient
    token: str
    id: str
    email: str
    headers: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json=json, **kwargs)


class Api:
    def __init__(self, app: Flask, settings: Settings, projector: Projector) -> None:
        self.app = app
        self.client = app.test_client()
        self.settings = settings
        self.projector = projector

    def person(self, name: str) -> Person:
        email = f"{name.lower()}@example.com"
        created = self.client.post("/api/v1/accounts", json={
            "email": email, "password": PASSWORD, "display_name": name},
            environ_base={"REMOTE_ADDR": f"10.0.0.{len(name)}"})
        assert created.status_code == 201, created.json
        token = self.client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
        assert token.status_code == 201, token.json
        return Person(self.client, token.json["token"], created.json["id"], email)

    def couple(self) -> tuple[Person, Person, str]:
        alex, sam = self.person("Alex"), self.person("Sam")
        opened = alex.post("/api/v1/ledgers", {"name": "Us", "timezone": "Europe/London"})
        assert opened.status_code == 201, opened.json
        joined = sam.post("/api/v1/ledgers/join", {"invite_code": opened.json["invite_code"]})
        assert joined.status_code == 200, joined.json
        return alex, sam, opened.json["id"]

    def sync(self) -> None:
        self.projector.sync()


@pytest.fixture
def api(flask_app: Flask, settings: Settings, projector: Projector) -> Api:
    return Api(flask_app, settings, projector)
