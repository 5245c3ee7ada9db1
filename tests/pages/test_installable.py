"""Installable on a phone (issue 16): a manifest whose icons exist at the sizes it says,
a favicon and touch icon linked from every page, a service worker from the root that
keeps the shell and the offline page only."""

from __future__ import annotations

import io
import json
import re

from flask import Flask
from PIL import Image

from tests.helpers import got
from web.shell import BACKGROUND, THEME

STYLE_COLOURS = re.compile(r"--sea: (#[0-9a-f]{6}).*--sand: (#[0-9a-f]{6})")


def test_the_manifest_names_the_app_and_its_colours_match_the_stylesheet(
    page_app: Flask,
) -> None:
    client = page_app.test_client()
    answer = got(client, "/manifest.webmanifest")
    assert answer.status_code == 200
    assert answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.data)
    assert manifest["name"] == "Ebb & Flow" and manifest["short_name"]
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    colours = STYLE_COLOURS.search(got(client, "/static/style.css").get_data(as_text=True))
    assert colours, "style.css no longer declares --sea and --sand"
    assert (manifest["theme_color"], manifest["background_color"]) == colours.groups()
    assert colours.groups() == (THEME, BACKGROUND)


def test_each_icon_of_the_manifest_is_a_png_of_the_size_it_declares(page_app: Flask) -> None:
    client = page_app.test_client()
    icons = json.loads(got(client, "/manifest.webmanifest").data)["icons"]
    purposes = {icon["purpose"] for icon in icons}
    assert purposes == {"any", "maskable"}
    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    for icon in icons:
        answer = got(client, icon["src"])
        assert answer.status_code == 200, icon["src"]
        image = Image.open(io.BytesIO(answer.data))
        assert image.format == "PNG" and icon["type"] == "image/png"
        assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]


def test_every_page_links_the_manifest_the_favicon_and_the_touch_icon(page_app: Flask) -> None:
    client = page_app.test_client()
    for path in ("/", "/login", "/offline"):
        html = got(client, path).get_data(as_text=True)
        for rel in ("manifest", "icon", "apple-touch-icon"):
            found = re.search(rf'<link rel="{rel}" href="([^"]+)"', html)
            assert found, f"{path} links no {rel}"
            assert got(client, found.group(1)).status_code == 200, found.group(1)
        assert '<meta name="theme-color" content="#2f6f7e">' in html
    touch = Image.open(io.BytesIO(got(client, "/static/icons/apple-touch-icon.png").data))
    assert touch.size == (180, 180)
    favicon = got(client, "/favicon.ico")
    assert favicon.mimetype == "image/png"
    assert Image.open(io.BytesIO(favicon.data)).size == (32, 32)


def test_the_service_worker_comes_from_the_root_and_keeps_only_the_shell(
    page_app: Flask,
) -> None:
    client = page_app.test_client()
    answer = got(client, "/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Service-Worker-Allowed"] == "/"
    assert answer.headers["Cache-Control"] == "no-cache"
    script = answer.get_data(as_text=True)
    settings = json.loads(re.search(r"var SETTINGS = (\{.*\});", script).group(1))  # type: ignore[union-attr]
    assert "/offline" in settings["shell"] and "/static/offline.js" in settings["shell"]
    for url in settings["shell"]:
        assert url.startswith("/static/") or url in ("/offline", "/manifest.webmanifest"), url
        assert got(client, url).status_code == 200, url
    assert "NEVER stores a page, an API" in script  # the rule, where it is kept
    offline = got(client, "/offline").get_data(as_text=True)
    assert "Can't connect right now" in offline and "csrf_token" not in offline


def test_over_https_a_form_posts_with_the_same_origin_referer_the_page_lets_browsers_send(
    page_app: Flask,
) -> None:
    """Flask-WTF refuses an HTTPS form post without a same-origin Referer; the pages'
    policy lets the browser send one to this site (and none to any other)."""
    client = page_app.test_client()
    https = {"base_url": "https://notes.example"}
    page = got(client, "/signup", **https)
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token
    form = {"csrf_token": token.group(1), "email": "kai@example.com",
            "password": "correct horse battery", "display_name": "Kai"}
    refused = client.post("/signup", data=form, **https)
    assert refused.status_code == 400  # what "no-referrer" made of every form
    signed_up = client.post("/signup", data=form, headers={
        "Referer": "https://notes.example/signup"}, **https)
    assert signed_up.status_code == 303
