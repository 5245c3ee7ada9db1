"""What makes the site installable on a phone and usable offline: the web app manifest,
the service worker (from the site's root, so its scope is the whole site), the offline
page it shows when the network fails, and the favicon.

Everything here is the same for everyone and holds nothing of a couple's: the service
worker precaches exactly `shell_urls()` and never stores a page or an API answer (web/static/sw.js).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, render_template, send_from_directory, url_for

blp = Blueprint("shell", __name__)

NAME = "Ebb & Flow"
SHORT_NAME = "Notes"  # discreet under an icon on a home screen (VOICE.md 6)
THEME = "#2f6f7e"  # --sea in web/static/style.css
BACKGROUND = "#f6f1e9"  # --sand
ICONS = (("icons/icon-192.png", 192, "any"), ("icons/icon-512.png", 512, "any"),
         ("icons/maskable-192.png", 192, "maskable"), ("icons/maskable-512.png", 512, "maskable"))
STATIC_SHELL = ("style.css", "app.js", "offline.js", "icons/icon-192.png", "icons/icon-512.png",
                "icons/favicon-32.png")
REVALIDATE = "no-cache"  # the same for everyone, but always checked: a new shell shows at once


def manifest() -> dict[str, Any]:
    return {
        "name": NAME, "short_name": SHORT_NAME, "id": "/", "start_url": "/", "scope": "/",
        "display": "standalone", "theme_color": THEME, "background_color": BACKGROUND,
        "lang": "en", "description": "Shared notes for two: what you need, the care you give.",
        "icons": [{"src": url_for("static", filename=src), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": purpose} for src, size, purpose in ICONS],
    }


def shell_urls() -> list[str]:
    """What the service worker keeps: the static shell and the offline page, no more."""
    return [url_for("static", filename=name) for name in STATIC_SHELL] + [
        url_for("shell.offline"), url_for("shell.web_manifest")]


@cache
def shell_version(static_folder: str) -> str:
    """Changes with any shell file or the worker itself, so phones fetch the new shell."""
    digest = hashlib.sha256()
    folder = Path(static_folder)
    for name in (*STATIC_SHELL, "sw.js"):
        digest.update((folder / name).read_bytes())
    digest.update(Path(current_app.root_path, "templates/pages/offline.html").read_bytes())
    return digest.hexdigest()[:16]


@blp.route("/manifest.webmanifest")
def web_manifest() -> Response:
    response = Response(json.dumps(manifest(), indent=1),
                        mimetype="application/manifest+json")
    response.headers["Cache-Control"] = REVALIDATE
    return response


@blp.route("/sw.js")
def service_worker() -> Response:
    """The worker's script, served from the root so that it may control every page;
    the shell's list and version are written into it here."""
    folder = str(current_app.static_folder)
    script = (Path(folder) / "sw.js").read_text(encoding="utf-8")
    settings = json.dumps({"version": shell_version(folder), "shell": shell_urls(),
                           "offline": url_for("shell.offline")})
    response = Response(script.replace("__SHELL__", settings), mimetype="text/javascript")
    response.headers["Cache-Control"] = REVALIDATE
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blp.route("/offline")
def offline() -> Response:
    """The page shown, by the service worker, for any page that cannot be reached."""
    response = Response(render_template("pages/offline.html"), mimetype="text/html")
    response.headers["Cache-Control"] = REVALIDATE
    return response


@blp.route("/favicon.ico")
def favicon() -> Response:
    response = send_from_directory(str(current_app.static_folder), "icons/favicon-32.png",
                                   mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
