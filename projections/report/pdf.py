"""The report as a tagged PDF (WeasyPrint renders the same HTML and SVG as the pages;
chosen over fpdf2 for the structure tree, reading order and real text in charts).
WeasyPrint is imported when the first PDF is made: it costs a process ~30 MB, which a
web worker that never makes one (most of them) need not carry."""

from __future__ import annotations

from projections.report.facts import Report
from projections.report.render import document


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # here, not at the top: see the docstring

    pdf = HTML(string=document(report)).write_pdf(pdf_tags=True, pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)
