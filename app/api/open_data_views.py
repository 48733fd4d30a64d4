"""The open-data files of a hearing: its published testimony as CSV and as JSON Lines."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, stream_with_context

from app.api import conditional, open_data, queries
from app.hearings.models import Hearing
from app.platform.extensions import db

bp = Blueprint("api_files", __name__, url_prefix="/api/v1")

KINDS = {
    "csv": ("text/csv; charset=utf-8", open_data.csv_lines),
    "jsonl": ("application/jsonl; charset=utf-8", open_data.json_lines),
}


@bp.get("/hearings/<int:hearing_id>/testimony.<any(csv, jsonl):kind>")
def published_file(hearing_id: int, kind: str):
    """Every published testimony of the hearing, streamed; 304 when unchanged."""
    hearing = db.session.get(Hearing, hearing_id) or abort(404)
    version = conditional.fingerprint(kind, hearing.id, *queries.testimony_state(hearing))
    mimetype, lines = KINDS[kind]
    if request.if_none_match.contains(version):
        response = Response(status=304)
    else:
        response = Response(stream_with_context(lines(hearing)), content_type=mimetype)
        name = f"hearing-{hearing.id}-testimony.{kind}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return conditional.finish(response, version, None)
