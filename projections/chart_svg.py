"""The charts as SVG text, drawn once for every reader: the couple's home, the
counsellor's page and the PDF report show the same pictures. Every chart has a title
and a description (role="img"), dated weeks or months, and a visible scale; colours
come from CSS classes (p0, p1 for the two partners; k0..k2 for kinds), so the page
and the report style them alike. All text is escaped here."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from projections.flow_chart import FlowChart, nice_peak

WIDTH = 640
# Presentation attributes, so a renderer without the page's CSS (the PDF) draws the same
# colours; a page's CSS classes override them.
PARTNER = ("#2f6f7e", "#c0813a")
KINDS = ("#2f6f7e", "#c0813a", "#7a5ea8")
MUTED, GRID, TURN = "#5b6b70", "#d5dadc", "#a33b3b"
TEXT = f'fill="{MUTED}" font-size="11" font-family="sans-serif"'


def svg(chart_id: str, height: float, title: str, description: str, body: list[str]) -> str:
    return (f'<svg id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" '
            f'xmlns="http://www.w3.org/2000/svg">'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body)
            + "</svg>")


def scale(ticks: list[tuple[float, float, str]]) -> list[str]:
    """Grid lines and their numbers on the left: (x, y, label)."""
    return [f'<line x1="{x + 2:.1f}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid" '
            f'stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" class="tick" text-anchor="end" {TEXT}>'
            f'{escape(text)}</text>' for x, y, text in ticks]


def dates(marks: list[tuple[float, str]], y: float) -> list[str]:
    return [f'<text x="{x:.1f}" y="{y:.1f}" class="date" {TEXT}>{escape(text)}</text>'
            for x, text in marks]


def care_svg(chart: FlowChart, chart_id: str = "flow-chart") -> str:
    """Care each way, week by week: two bars side by side from one baseline."""
    first, last = chart.weeks[0].label, chart.weeks[-1].label
    body = scale([(t.x, t.y, t.text) for t in chart.care_ticks])
    body += [f'<rect class="bar p{b.partner}" x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.1f}"'
             f' height="{b.height:.1f}" fill="{PARTNER[b.partner]}"><title>{escape(b.title)}'
             f'</title></rect>' for b in chart.bars]
    body += dates([(m.x, m.text) for m in chart.dates], chart.care_base + 18)
    body += [f'<line class="turn" x1="{t.x:.1f}" x2="{t.x:.1f}" y1="{t.y + 3:.1f}" '
             f'y2="{chart.care_base:.1f}" stroke="{TURN}" stroke-width="2" '
             f'stroke-dasharray="4 3"><title>{escape(t.title)}</title></line>'
             f'<text class="turn-label" x="{t.x + 3:.1f}" y="{t.y:.1f}" fill="{TURN}" '
             f'font-size="11" font-family="sans-serif">{escape(t.text)}</text>'
             for t in chart.turns]
    return svg(chart_id, chart.care_height, "Care each way, week by week",
               f"For each week from the {first} to the {last}, two bars side by side: care "
               f"from {chart.names[0]}, then care from {chart.names[1]}, on a scale from 0 to "
               f"{chart.peak}. Dashed lines mark weeks where the flow changed direction.", body)


def felt_svg(chart: FlowChart, chart_id: str = "felt-chart") -> str:
    """Each partner's weekly check-in as a line; care that felt off, as triangles."""
    body = scale([(t.x, t.y, t.text) for t in chart.felt_ticks])
    dashed = ("", ' stroke-dasharray="6 3"')  # the second partner's line, also without colour
    body += [f'<polyline class="felt p{p}" points="{points}" fill="none" stroke="{PARTNER[p]}" '
             f'stroke-width="2.5"{dashed[p]}/>' for p, points in chart.felt_lines]
    body += [f'<circle class="dot p{m.partner}" cx="{m.x:.1f}" cy="{m.y:.1f}" r="3.5" '
             f'fill="{PARTNER[m.partner]}"><title>{escape(m.title)}</title></circle>'
             for m in chart.felt_points]
    body += [f'<text class="felt-note p{m.partner}" x="{m.x:.1f}" y="{m.y:.1f}" '
             f'text-anchor="middle" fill="{PARTNER[m.partner]}" font-size="12">'
             f'<title>{escape(m.title)}</title>{escape(m.text)}</text>' for m in chart.felt_notes]
    body += dates([(m.x, m.text) for m in chart.dates], chart.felt_base + 18)
    return svg(chart_id, chart.felt_height, "How each of you felt supported, week by week",
               "Each partner's weekly check-in from 0 (not at all) to 10 (completely), as "
               "two lines; small triangles mark weeks when some care felt like too little "
               "(pointing down) or a bit much (pointing up) to the one who received it.", body)


@dataclass(frozen=True)
class Column:
    """One labelled column of a stacked bar chart: a month, or a kind of support."""

    label: str  # in full, for the bar's title
    values: tuple[int, ...]  # one per series, stacked bottom up
    lines: tuple[str, ...] = ()  # under the column: "Jan", "2026" (short, so they fit)


def stacked_svg(chart_id: str, title: str, description: str, columns: list[Column],
                series: tuple[str, ...]) -> str:
    """Stacked bars with a scale and a key: months of care received, moments, needs."""
    top, height, left = 16, 130, 34
    base = top + height
    peak = nice_peak(max([1, *(sum(c.values) for c in columns)]))
    slot = (WIDTH - left - 10) / max(1, len(columns))
    body = scale([(left - 4, top + height * (1 - v / peak), str(v)) for v in (0, peak // 2, peak)])
    for i, column in enumerate(columns):
        y = float(base)
        for k, value in enumerate(column.values):
            if not value:
                continue
            h = height * value / peak
            y -= h
            body.append(f'<rect class="bar k{k}" x="{left + i * slot + slot * 0.15:.1f}" '
                        f'y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                        f'fill="{KINDS[k]}"><title>{escape(column.label)}: '
                        f'{escape(series[k])}, {value}</title></rect>')
        centre = left + i * slot + slot / 2
        for n, text in enumerate(column.lines):
            body.append(f'<text x="{centre:.1f}" y="{base + 15 + 13 * n:.1f}" class="date" '
                        f'text-anchor="middle" {TEXT}>{escape(text)}</text>')
    key_y = base + 46
    for k, name in enumerate(series):
        x = left + k * 190
        body.append(f'<rect class="bar k{k}" x="{x}" y="{key_y - 9}" width="10" height="10" '
                    f'fill="{KINDS[k]}"/><text x="{x + 14}" y="{key_y}" class="date" {TEXT}>'
                    f'{escape(name)}</text>')
    return svg(chart_id, key_y + 8, title, description, body)
