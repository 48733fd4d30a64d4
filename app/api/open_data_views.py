"""The open-data files of a hearing: its published testimony as CSV and as JSON Lines."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request, stream_with_context

from app.api import conditional, open_data, queries
from app.hearings.models import Hearing
from app.platform.database import reading
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
    version = conditional.fingerprint(kind, hearing.id, queries.testimony_state(hearing))
    mimetype, lines = KINDS[kind]
    if request.if_none_match.contains_weak(version):
        response = Response(status=304)
    else:
        # By id: the rows are read after this view's transaction has ended.
        response = Response(stream_with_context(_reading(lines(hearing.id))), content_type=mimetype)
        name = f"hearing-{hearing.id}-testimony.{kind}"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    # Not conditional.finish: Werkzeug's make_conditional would count the body's length, which
    # reads the whole stream into memory before the first byte goes out.
    return conditional.headers(response, version)


def _reading(chunks):
    """The file's rows are read after the view has returned, while the answer is sent: as
    reads, so on SQLite they never take the write lock for the length of a download."""
    with reading():
        yield from chunks
