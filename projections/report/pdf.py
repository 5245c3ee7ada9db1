"""The report as a tagged PDF (WeasyPrint renders the same HTML and SVG as the pages;
chosen over fpdf2 for the structure tree, reading order and real text in charts)."""

from __future__ import annotations

from weasyprint import HTML

from projections.report.facts import Report
from projections.report.render import document


def report_pdf(report: Report) -> bytes:
    pdf = HTML(string=document(report)).write_pdf(pdf_tags=True, pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)
