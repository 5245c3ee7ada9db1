"""An export file as an HTTP answer, the same from the API, the export page and a
counsellor's link: an attachment, streamed as it is made; a CSV names its data
dictionary (RFC 8288 `describedby`), which whoever receives the file can fetch."""

from __future__ import annotations

from flask import Response, stream_with_context, url_for

from services.exports import FORMATS, ExportFile


def file_response(file: ExportFile) -> Response:
    response = Response(stream_with_context(file.chunks), mimetype=file.mimetype)
    response.headers["Content-Disposition"] = file.content_disposition
    if file.mimetype == FORMATS["csv"]:
        response.headers["Link"] = (f'<{url_for("pages.csv_dictionary")}>; rel="describedby"; '
                                    'type="text/markdown"')
    return response
