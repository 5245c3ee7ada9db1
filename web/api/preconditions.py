"""`If-Match: "17"`: apply a write only if the ledger is still at version 17."""

from __future__ import annotations

import re

from flask import request

from ledger.domain.exceptions import Invalid

STRONG_ETAG = re.compile(r'^"(\d{1,18})"$')


def expected_version() -> int | None:
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = STRONG_ETAG.match(header.strip())
    if match is None:
        raise Invalid.field("If-Match", 'must be a strong ETag such as "17"')
    return int(match.group(1))
