"""The image's HEALTHCHECK: healthy when /readyz answers 200, so when the database
answers, the views keep up and the pages render (a page that fails while /healthz
answers is unhealthy). It asks the address gunicorn binds, EBBFLOW_BIND; on failure it
prints /readyz's reasons, which `podman inspect` / `docker inspect` show."""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request

WILDCARDS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - bound to all, asked on loopback


def readyz_url(bind: str) -> str:
    host, _, port = bind.rpartition(":")
    return f"http://{'127.0.0.1' if host in WILDCARDS else host}:{port}/readyz"


def main() -> int:
    url = readyz_url(os.environ.get("EBBFLOW_BIND", "127.0.0.1:8000"))
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - fixed scheme
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as error:
        try:
            reason = json.loads(error.read()).get("detail", error.reason)
        except ValueError:
            reason = error.reason
        print(f"{url}: {error.code} {reason}")
    except OSError as error:
        print(f"{url}: {error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
