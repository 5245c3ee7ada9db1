"""The counsellor's read-only view of a share: the timeline and balance within its
scope, and downloads. Anyone with the link may read it while the share is active;
every visit is recorded in the ledger's access log, which both partners see."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Response, render_template, stream_with_context

from ledger.encoding_time import micros
from ledger.sharing import COUNSELLOR
from projections.audience import Audience
from projections.export.writer import ExportSource, Scope
from web.exports import FORMATS, export_bytes, filename
from web.pages.common import blp
from web.services import services


def share_context(token: str, what: str) -> dict[str, Any]:
    app = services().ledger
    ledger, share_id = app.open_share(token, what)
    summary = app.describe(ledger)
    share = ledger.shares[share_id.hex]  # [..., sections, from, to, private owners]
    sections, start, end, private_owners = share[4], share[5], share[6], share[7]
    scope = Scope(sections=tuple(sections), start=_parse(start) if start else None,
                  end=_parse(end) if end else None, include_private=bool(private_owners))
    audience = Audience.counsellor(ledger.partners,
                                   [ledger.partners[i] for i in private_owners])
    return {"app": app, "ledger": ledger, "summary": summary, "scope": scope,
            "audience": audience,
            "names": summary.names()}


def _parse(text: str) -> Any:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@blp.route("/share/<token>")
def counsellor_view(token: str) -> str:
    context = share_context(token, "view")
    app, scope, ledger = context["app"], context["scope"], context["ledger"]
    now = app.clock()
    as_of = min(scope.end - timedelta(microseconds=1), now) if scope.end else now
    items = []
    if "timeline" in scope.sections:
        filters = {"from": micros(scope.start) if scope.start else None,
                   "to": micros(scope.end) if scope.end else None}
        items = services().reads.timeline.page(
            ledger.id, context["audience"], as_of=micros(as_of), known_at=micros(now),
            filters=filters, limit=200, opener=app.keys.opener().open).items
        if "check_ins" not in scope.sections:
            items = [item for item in items if item["kind"] != "check_in"]
    balance = services().reads.balance.balance(ledger.id, context["audience"], as_of) \
        if {"balance", "turns"} & set(scope.sections) else None
    return render_template("pages/counsellor.html", token=token, items=items, balance=balance,
                           as_of=as_of, **context)


@blp.route("/share/<token>/download.<fmt>")
def counsellor_download(token: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        return Response(status=404)
    context = share_context(token, f"download {fmt}")
    app, summary = context["app"], context["summary"]
    header = {"ledger": {"id": str(summary.id), "name": summary.name,
                         "timezone": summary.timezone,
                         "opened_at": summary.opened_at.isoformat()},
              "partners": [{"id": str(p.id), "display_name": p.display_name}
                           for p in summary.partners]}
    source = ExportSource(reads=services().reads, ledger_id=summary.id, viewer=COUNSELLOR,
                          audience=context["audience"],
                          header=header, opener=app.keys.opener().open,
                          signing_key=app.keys.signing_key(), now=app.clock())
    chunks = export_bytes(source, context["scope"], fmt, context["names"])
    response = Response(stream_with_context(chunks), mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{filename(summary.name, fmt)}"'
    return response
