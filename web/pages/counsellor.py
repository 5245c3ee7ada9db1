"""The counsellor's read-only view of a share: the timeline and balance within its
scope, and downloads. Anyone with the link may read it while the share is active;
every visit is recorded in the ledger's access log, which both partners see."""

from __future__ import annotations

from flask import Response, render_template, stream_with_context

from ledger.domain.exceptions import NotReady
from ledger.infra.encoding_time import micros
from projections.scope import ReadScope
from services.exports import FORMATS, WAIT_SECONDS, share_download
from web.pages.common import blp
from web.services import services

TIMELINE_PAGE = 200


@blp.route("/share/<token>")
def counsellor_view(token: str) -> str:
    app, reading = services().ledger, services().reading
    access = app.open_share(token, "view")
    if not reading.reads.wait_for(access.position, WAIT_SECONDS):
        raise NotReady()
    scope = ReadScope.counsellor(access.ledger, access.share_id)
    reads = reading.scoped(scope)
    now = app.clock()
    as_of = scope.as_of(now)
    items = reads.timeline(as_of=micros(as_of), known_at=micros(now), limit=TIMELINE_PAGE).items
    summary = app.describe(access.ledger)
    return render_template("pages/counsellor.html", token=token, items=items,
                           balance=reads.balance(now), as_of=as_of, scope=scope,
                           summary=summary, names=summary.names())


@blp.route("/share/<token>/download.<fmt>")
def counsellor_download(token: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        return Response(status=404)
    file = share_download(services().ledger, services().reading, token, fmt)
    response = Response(stream_with_context(file.chunks), mimetype=file.mimetype)
    response.headers["Content-Disposition"] = file.content_disposition
    return response
