"""Compressed answers (issue 16): gzip for text that is the same for everyone or behind a
bearer token, with `Vary: Accept-Encoding`; never the couple's pages (BREACH), never a
streamed export, never an answer whose strong ETag is the ledger's version."""

from __future__ import annotations

import gzip
import json

from tests.api.conftest import Api
from tests.helpers import got

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_the_stylesheet_is_gzipped_with_vary_and_a_weak_etag_that_still_gives_304(
    api: Api,
) -> None:
    plain = got(api.client, "/static/style.css")
    zipped = got(api.client, "/static/style.css", headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    assert zipped.headers["ETag"].startswith('W/"')
    again = got(api.client, "/static/style.css",
                           headers={**GZIP, "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304
    assert "Accept-Encoding" in again.headers["Vary"]


def test_without_accept_encoding_nothing_is_compressed_but_vary_is_said(api: Api) -> None:
    answer = got(api.client, "/static/app.js")
    assert "Content-Encoding" not in answer.headers
    assert "Accept-Encoding" in answer.headers["Vary"]
    assert b"use strict" in answer.data


def test_the_json_api_is_gzipped_above_a_kilobyte_and_not_below(api: Api) -> None:
    document = got(api.client, "/api/v1/openapi.json", headers=GZIP)
    assert document.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(document.data))["openapi"].startswith("3.1")
    alex, _, ledger = api.couple()
    small = alex.get(f"/api/v1/ledgers/{ledger}/needs", headers=GZIP)  # a 405 problem
    assert "Content-Encoding" not in small.headers


def test_an_answer_whose_etag_is_the_ledgers_version_is_not_compressed(api: Api) -> None:
    alex, _, ledger = api.couple()
    for words in ("a long walk", "an evening of quiet", "help with the shopping"):
        alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": words * 20, "intensity": 2,
                                                      "support_type": "practical"})
    answer = alex.get(f"/api/v1/ledgers/{ledger}", headers=GZIP)
    assert answer.status_code == 200
    assert answer.headers["ETag"].startswith('"')  # strong, compared by If-Match
    assert "Content-Encoding" not in answer.headers
    api.sync()
    timeline = alex.get(f"/api/v1/ledgers/{ledger}/timeline", headers=GZIP)
    assert len(gzip.decompress(timeline.data)) > 1024  # no ETag: compressed
    assert "an evening of quiet" in gzip.decompress(timeline.data).decode()


def test_the_couples_pages_are_never_compressed_breach(api: Api) -> None:
    for path in ("/", "/login", "/signup"):
        answer = got(api.client, path, headers=GZIP)
        assert answer.status_code == 200
        assert len(answer.data) > 1024, path  # big enough that it would have been
        assert "Content-Encoding" not in answer.headers, path
        assert b"<html" in answer.data


def test_the_offline_page_and_the_service_worker_are_compressed(api: Api) -> None:
    for path in ("/offline", "/sw.js"):
        answer = got(api.client, path, headers=GZIP)
        assert answer.headers["Content-Encoding"] == "gzip", path
        assert gzip.decompress(answer.data)


def test_a_streamed_export_is_not_compressed(api: Api) -> None:
    alex, _, ledger = api.couple()
    alex.post(f"/api/v1/ledgers/{ledger}/needs", {"need": "talk tonight " * 100,
                                                  "intensity": 3, "support_type": "emotional"})
    api.sync()
    answer = alex.get(f"/api/v1/ledgers/{ledger}/export?format=json", headers=GZIP)
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "Content-Encoding" not in answer.headers
    assert b"talk tonight" in answer.data
