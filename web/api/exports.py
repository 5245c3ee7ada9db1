"""Exports for counselling: JSON (verifiable) or CSV, streamed, each one recorded."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Response, g
from flask_smorest import Blueprint
from marshmallow import RAISE, ValidationError, fields, validate, validates

from projections.scope import SECTIONS, ReadScope
from services.exports import FORMATS, partner_export
from web.api.document import declares
from web.api.fields import DateOrTime, as_moment
from web.api.schemas.base import PlainSchema
from web.downloads import file_response
from web.services import services

blp = Blueprint("exports", __name__, url_prefix="/api/v1/ledgers/<uuid:ledger_id>",
                description="Exports for counselling")


class ExportQuery(PlainSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(list(FORMATS)))
    from_ = DateOrTime(data_key="from")
    to = DateOrTime()
    sections = fields.String(load_default=",".join(SECTIONS))
    include_private = fields.Boolean(load_default=False)

    @validates("sections")
    def known_sections(self, value: str, **kwargs: Any) -> None:
        chosen = [s for s in value.split(",") if s]
        if not chosen or set(chosen) - set(SECTIONS):
            raise ValidationError(f"choose among {', '.join(SECTIONS)}")


@blp.route("/export", methods=["GET"])
@blp.arguments(ExportQuery(), location="query", unknown=RAISE)
@blp.response(200, description="The export file, as an attachment: JSON (an "
                               "`ebbflow.export/2` document, signed), CSV or PDF.")
@blp.doc(responses={200: {"content": {mimetype: {} for mimetype in FORMATS.values()}}})
@declares(409, 503)  # recorded first (ExportTaken); the file waits for the views to hold it
def export_ledger(query: dict[str, Any], ledger_id: UUID) -> Response:
    """Everything I may see, with my own private entries only if I ask; recorded."""
    app = services().ledger
    timezone = g.ledger.timezone
    scope = ReadScope.partner(
        ledger_id, g.account_id, own_private=query["include_private"],
        sections=tuple(s for s in query["sections"].split(",") if s),
        start=as_moment(query.get("from_"), timezone), end=as_moment(query.get("to"), timezone))
    file = partner_export(app, services().reading, ledger_id, g.account_id, query["format"],
                          scope)
    return file_response(file)
