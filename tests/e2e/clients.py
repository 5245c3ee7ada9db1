"""API clients for the end-to-end tests: a partner with a session, and a couple."""

from __future__ import annotations

from typing import Any

import requests

from tests.e2e.conftest import Served

PASSWORD = "correct horse battery"


class Client:
    def __init__(self, served: Served, name: str) -> None:
        self.base = f"{served.url}/api/v1"
        self.http = requests.Session()
        email = f"{name.lower()}@example.com"
        created = self.http.post(f"{self.base}/accounts", json={
            "email": email, "password": PASSWORD, "display_name": name}, timeout=10)
        assert created.status_code == 201, created.text
        self.id = created.json()["id"]
        token = self.http.post(f"{self.base}/tokens", json={"email": email,
                                                            "password": PASSWORD}, timeout=10)
        self.http.headers["Authorization"] = f"Bearer {token.json()['token']}"

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.http.post(f"{self.base}{path}", json=body, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(f"{self.base}{path}", timeout=30, **kwargs)


def couple(served: Served) -> tuple[Client, Client, str]:
    alex, sam = Client(served, "Alex"), Client(served, "Sam")
    opened = alex.post("/ledgers", {"name": "Us"})
    sam.post("/ledgers/join", {"invite_code": opened.json()["invite_code"]})
    return alex, sam, opened.json()["id"]
