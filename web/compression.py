"""gzip for text that is the same for everyone or behind a bearer token; never for the
couple's pages.

What is compressed: static files (CSS, JavaScript, SVG), the shell (manifest, service
worker, offline page), the JSON API and its docs, when the client accepts gzip and the
body is over `MIN_SIZE`; always with `Vary: Accept-Encoding`.

What is not, and why:
- HTML pages (BREACH). A page holds secrets (the CSRF token, invite codes, a couple's
  words) beside input an attacker can choose and reflect (a form shown again with its
  errors, `?week=`, filters), and the browser sends its session cookie with a top-level
  navigation from another site (SameSite=Lax). Compressing such a page lets someone who
  can see the size of the encrypted answers guess the secret a byte at a time. The JSON
  API is not exposed in this way: it authenticates with a bearer token that a browser
  never adds by itself, so another site cannot make a victim's requests to it. The
  offline page is static and compressed. Pages are short and `no-store`; the cost is small.
- Streamed answers (exports, downloads, reports): compressing would mean buffering all of
  a large file, and they are mostly compressed formats already (PDF, ZIP).
- Already compressed bodies (images, PDF, ZIP) and bodies with a Content-Encoding.
- Anything but a full 200 (a 206 range, a 304, errors stay as they are).
- An answer with a strong ETag that is not a file's: the API's ETag is the ledger's
  version, compared strongly with `If-Match` (web/api/preconditions.py), and HTTP
  requires a strong validator to differ between encodings, so it is left uncompressed
  rather than given another tag. A file's ETag (static files, sent by `send_file`) is a
  cache validator only: it is made weak (If-None-Match compares weakly; 304s still work).

Standard library gzip only: Brotli is not among our dependencies, and gzip at level 6
already gets most of the gain on text this size.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_SIZE = 1024  # below about a packet, compressing saves nothing worth its time
LEVEL = 6
TEXT_TYPES = {"text/css", "text/javascript", "application/javascript", "application/json",
              "application/problem+json", "application/manifest+json", "image/svg+xml",
              "text/plain", "text/html"}
PUBLIC_HTML = {"/offline", "/api/v1/docs"}  # the only HTML compressed: no secret in it


def register_compression(app: Flask) -> None:
    app.after_request(compress)


def accepts_gzip() -> bool:
    return any(value == "gzip" and quality > 0
               for value, quality in request.accept_encodings)


def shareable_text(response: Response) -> bool:
    """Text that may be compressed at all, whatever this answer's state."""
    mimetype = response.mimetype or ""
    if mimetype not in TEXT_TYPES and not mimetype.endswith("+json"):
        return False
    return mimetype != "text/html" or request.path in PUBLIC_HTML  # BREACH: see above


def compressible(response: Response) -> bool:
    if response.status_code != 200 or request.method not in ("GET", "POST", "PUT", "PATCH"):
        return False
    if response.is_streamed and not response.direct_passthrough:
        return False  # an export or download being streamed
    if "Content-Encoding" in response.headers or "Content-Range" in response.headers:
        return False
    etag, weak = response.get_etag()
    return not (etag and not weak and not response.direct_passthrough)


def compress(response: Response) -> Response:
    if not shareable_text(response):
        return response
    response.vary.add("Accept-Encoding")  # a cache keeps both forms apart (and its 304s)
    if not (compressible(response) and accepts_gzip()):
        return response
    response.direct_passthrough = False  # a static file: read it, it is small
    body = response.get_data()
    if len(body) < MIN_SIZE:
        return response
    etag, weak = response.get_etag()
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response
