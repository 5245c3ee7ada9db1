"""The report's facts as HTML: the whole document for the PDF, or its sections for
the counsellor's page. Its own Jinja environment (projections stay free of Flask),
escaping everything; the charts are the pages' own SVG."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, TemplateNotFound, select_autoescape
from markupsafe import Markup

from projections.chart_svg import care_svg, felt_svg, stacked_svg
from projections.report.facts import Report
from projections.story import long_date


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("projections.report", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(care_svg=care_svg, felt_svg=felt_svg, stacked_svg=stacked_svg)
    env.filters.update(long=long_date, day=lambda d: long_date(d.date() if isinstance(
        d, datetime) else d), sentence=lambda text: text[:1].upper() + text[1:])
    return env


def report_renderable() -> bool:
    """Whether this install has the report's templates and stylesheet (its package
    data): /readyz says not ready without them."""
    try:
        for name in ("report.html", "_body.html", "_appendix.html"):
            environment().get_template(name)
        files("projections.report").joinpath("templates/report.css").read_text()
    except (OSError, TemplateNotFound):
        return False
    return True


def document(report: Report) -> str:
    """The whole report, with its print stylesheet."""
    css = files("projections.report").joinpath("templates/report.css").read_text()
    return environment().get_template("report.html").render(r=report, css=css)


def sections(report: Report, appendix: bool = False) -> Markup:
    """The report's sections for a page that has its own header and timeline: markup
    made by this autoescaping environment, so a page may place it as it is."""
    names = ["_body.html", *(["_appendix.html"] if appendix else [])]
    html = "".join(environment().get_template(name).render(r=report) for name in names)
    return Markup(html)  # noqa: S704 - every value in it was escaped when rendered

