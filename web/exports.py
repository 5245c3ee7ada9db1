"""Exports as the API, the pages and the command line take them: recorded as
`ExportTaken` first, then streamed from the views."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from ledger.application import LedgerApplication
from projections.audience import Audience
from projections.export.csv_export import stream_csv
from projections.export.pdf_report import build_pdf
from projections.export.writer import ExportSource, Scope, stream_json
from projections.read_models import ReadModels

FORMATS = {"json": "application/json", "csv": "text/csv", "pdf": "application/pdf"}


def take_export(app: LedgerApplication, reads: ReadModels, ledger_id: UUID, actor: UUID,
                fmt: str, scope: Scope) -> Iterator[bytes]:
    """Records the export in the ledger (consent and audit), then answers its text.
    The ledger is loaded for each step in turn, never twice at once: a 100k-entry
    ledger takes ~30 MB in memory."""
    app.record_export(ledger_id, actor, format=fmt, scope=scope.as_data(),
                      include_private=scope.include_private)
    summary = app.describe(app.get_ledger(ledger_id, actor))
    partners = [{"id": str(p.id), "display_name": p.display_name} for p in summary.partners]
    header = {"ledger": {"id": str(ledger_id), "name": summary.name,
                         "timezone": summary.timezone,
                         "opened_at": summary.opened_at.isoformat()},
              "partners": partners}
    source = ExportSource(reads=reads, ledger_id=ledger_id, viewer=actor,
                          audience=Audience.partner(actor, own_private=scope.include_private),
                          header=header,
                          opener=app.keys.opener().open, signing_key=app.keys.signing_key(),
                          now=app.clock())
    return export_bytes(source, scope, fmt, {UUID(str(p["id"])).hex: str(p["display_name"] or "")
                                              for p in partners})


def export_bytes(source: ExportSource, scope: Scope, fmt: str,
                 names: dict[str, str]) -> Iterator[bytes]:
    """The file in the chosen format, as bytes to stream; names are keyed by hex id."""
    if fmt == "pdf":
        yield build_pdf(source, scope, names)
        return
    text = stream_csv(source, scope, names) if fmt == "csv" else stream_json(source, scope)
    for chunk in text:
        yield chunk.encode()


def filename(ledger_name: str | None, fmt: str) -> str:
    safe = "".join(ch for ch in (ledger_name or "ledger") if ch.isalnum() or ch in " -_")
    return f"{safe.strip() or 'ledger'}-export.{fmt}".replace(" ", "-")
