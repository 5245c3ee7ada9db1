"""The counsellor's read-only view of a share: the timeline and balance within its
scope, and downloads. Anyone with the link may read it while the share is active;
every visit is recorded in the ledger's access log, which both partners see."""

from __future__ import annotations

from flask import Response, render_template, request

from ledger.domain.exceptions import NotReady
from projections.export.csv_dictionary import markdown
from projections.report.render import sections
from projections.scope import ReadScope
from services.exports import FORMATS, WAIT_SECONDS, report_of, share_download
from web.downloads import file_response
from web.pages.common import blp
from web.services import services

ENTRIES_PAGE = 100  # entries a page lists; "show older" pages on


@blp.route("/share/<token>")
def counsellor_view(token: str) -> str:
    """The same facts and pictures as the PDF report, then the entries newest first,
    a page at a time, each card with all it holds."""
    app, reading = services().ledger, services().reading
    access = app.open_share(token, "view")
    if not reading.reads.wait_for(access.position, WAIT_SECONDS):
        raise NotReady()
    scope = ReadScope.counsellor(access.ledger, access.share_id)
    summary = app.describe(access.ledger)
    report = report_of(reading, reading.scoped(scope), summary, app.clock())
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    skip = (page - 1) * ENTRIES_PAGE
    return render_template("pages/counsellor.html", token=token, r=report, summary=summary,
                           report_sections=sections(report), page=page,
                           weeks=report.page_of_entries(skip, ENTRIES_PAGE),
                           shown_to=min(report.entries, skip + ENTRIES_PAGE), skip=skip,
                           more=report.entries > skip + ENTRIES_PAGE)


@blp.route("/share/<token>/download.<fmt>")
def counsellor_download(token: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        return Response(status=404)
    file = share_download(services().ledger, services().reading, token, fmt)
    return file_response(file)


@blp.route("/exports/csv-dictionary")
def csv_dictionary() -> Response:
    """What each column of a CSV export holds: public, it holds nothing of anyone's."""
    response = Response(markdown(), mimetype="text/markdown")
    response.headers["Content-Disposition"] = 'inline; filename="ebbflow-csv-dictionary.md"'
    return response
