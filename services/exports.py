"""Exports and counsellor downloads, as the API, the pages and the command line take
them: recorded first (an `ExportTaken` for a partner, an access for a counsellor),
then streamed through the reader's scope once the views include that record, so a
file holds everything up to the moment it was taken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote
from uuid import UUID

from ledger.app.application import LedgerApplication, LedgerSummary
from ledger.domain.exceptions import NotReady
from ledger.domain.sharing import COUNSELLOR
from ledger.domain.weeks import monday_of
from projections.export.csv_export import stream_csv
from projections.export.writer import Covers, ExportSource, stream_json
from projections.report.facts import Report, gather
from projections.report.pdf import report_pdf
from projections.scope import Reading, ReadScope, ScopedReads

FORMATS = {"json": "application/json", "csv": "text/csv", "pdf": "application/pdf"}
WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class ExportFile:
    chunks: Iterator[bytes]
    mimetype: str
    filename: str  # as people read it; `content_disposition` makes the header

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename)


def partner_export(app: LedgerApplication, reading: Reading, ledger_id: UUID, actor: UUID,
                   fmt: str, scope: ReadScope,
                   catch_up: Callable[[], object] | None = None) -> ExportFile:
    """Records the export in the ledger (consent and audit), then answers its file.
    The ledger is loaded for each step in turn, never twice at once: a 100k-entry
    ledger takes ~30 MB in memory."""
    recorded = app.record_export(ledger_id, actor, format=fmt, scope=scope.as_data(),
                                 include_private=bool(scope.audience.private_owners))
    covers = Covers(recorded.position, recorded.version)
    if catch_up is not None:
        catch_up()  # the command line, where no projector may be running
    return _file(app, reading, scope, actor, fmt, covers)


def share_download(app: LedgerApplication, reading: Reading, token: str, fmt: str) -> ExportFile:
    """A counsellor's download of a share, within the share's scope."""
    access = app.open_share(token, f"download {fmt}")
    scope = ReadScope.counsellor(access.ledger, access.share_id)
    covers = Covers(access.position, access.ledger.version)
    return _file(app, reading, scope, COUNSELLOR, fmt, covers)


def _file(app: LedgerApplication, reading: Reading, scope: ReadScope, viewer: UUID, fmt: str,
          covers: Covers) -> ExportFile:
    if not reading.reads.wait_for(covers.position, WAIT_SECONDS):
        raise NotReady("the export waits until it can hold everything recorded before it; "
                       "try again shortly")
    summary = app.describe(app.get_ledger(scope.ledger_id))
    partners = [{"id": str(p.id), "display_name": p.display_name} for p in summary.partners]
    header = {"ledger": {"id": str(summary.id), "name": summary.name,
                         "timezone": summary.timezone,
                         "opened_at": summary.opened_at.isoformat()},
              "partners": partners}
    source = ExportSource(reads=reading.scoped(scope), viewer=viewer, header=header,
                          signing_key=app.keys.signing_key(), covers=covers, now=app.clock())
    if fmt == "pdf":
        def pdf() -> Iterator[bytes]:  # made when the download starts, like the others
            yield report_pdf(report_of(reading, source.reads, summary, source.now))
        return ExportFile(pdf(), FORMATS[fmt], filename(summary.name, fmt))
    return ExportFile(export_bytes(source, fmt, summary.names()), FORMATS[fmt],
                      filename(summary.name, fmt))


def report_of(reading: Reading, reads: ScopedReads, summary: LedgerSummary,
              now: datetime) -> Report:
    """The counsellor's report over the scope's period, or from the first week with
    anything in it (a backdated entry may be older than the ledger)."""
    first_week = reading.reads.balance.store.first_week(summary.id.hex)
    first_day = min(filter(None, [summary.opened_at.date(),
                                  monday_of(first_week) if first_week else None]))
    return gather(reads, summary, now, first_day)


def export_bytes(source: ExportSource, fmt: str, names: dict[str, str]) -> Iterator[bytes]:
    """A JSON or CSV file, as bytes to stream; names are keyed by hex id."""
    text = stream_csv(source, names) if fmt == "csv" else stream_json(source)
    for chunk in text:
        yield chunk.encode()


def filename(ledger_name: str | None, fmt: str) -> str:
    """The download's name: the ledger's, in any script, without path or quote marks."""
    safe = "".join(ch for ch in (ledger_name or "ledger") if ch.isalnum() or ch in " -_")
    return f"{safe.strip() or 'ledger'}-export.{fmt}".replace(" ", "-")


def content_disposition(name: str) -> str:
    """RFC 6266: an ASCII fallback, and the real name as UTF-8 in `filename*`."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_"
                       for ch in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
