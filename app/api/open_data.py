"""A hearing's published testimony as whole files (CSV and JSON Lines), written a batch of
rows at a time while they are sent, so a hearing with 100,000 letters never sits in memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import tuple_
from sqlalchemy.orm import selectinload

from app.api import queries
from app.api import representations as shape
from app.endorsements.queries import endorsements_for_testimony
from app.hearings.models import Hearing
from app.moderation.queries import active_spans_for
from app.moderation.redaction import public_text
from app.platform.cells import neutralise, printable
from app.platform.extensions import db
from app.testimony.models import Testimony

BATCH = 500

CSV_COLUMNS = (
    "tracking_number",
    "received_at",
    "full_name",
    "organization",
    "speaks_for_organization",
    "city",
    "positions",
    "text",
    "version",
    "campaign_id",
    "endorsed_by",
    "sent_by",
)


def published_batches(hearing: Hearing) -> Iterator[list[dict]]:
    """The published testimony as the API shapes it, oldest first, BATCH at a time."""
    query = queries.published_testimony(hearing).options(
        selectinload(Testimony.stances), selectinload(Testimony.organisation)
    )
    after = None
    while True:
        page = query
        if after is not None:
            page = page.where(tuple_(Testimony.received_at, Testimony.id) > after)
        rows = list(
            db.session.scalars(page.order_by(Testimony.received_at, Testimony.id).limit(BATCH))
        )
        if not rows:
            return
        spans = active_spans_for(rows)
        endorsed = endorsements_for_testimony(t.id for t in rows)
        yield [shape.testimony(t, public_text(t.body, spans[t.id]), endorsed[t.id]) for t in rows]
        after = (rows[-1].received_at, rows[-1].id)
        # Rows already written need not stay in the session while the rest are read.
        for row in rows:
            for stance in row.stances:
                db.session.expunge(stance)
            db.session.expunge(row)
        if len(rows) < BATCH:
            return


def _measure_numbers(hearing: Hearing) -> dict[int, str]:
    return {m.id: m.number for m in hearing.measures}


def _endorsed_by(lines: list[dict]) -> str:
    """Registered organisations as named; names the sender gave marked as their statement."""
    return "; ".join(
        line["name"] if line["registered"] else f"{line['name']} (as stated by the sender)"
        for line in lines
    )


def csv_lines(hearing_id: int) -> Iterator[str]:
    """A header, then one row per testimony; cells that would start a formula are quoted.

    Like json_lines, it runs while the answer is sent, after the view's transaction has ended:
    it reads the hearing again itself (objects the view loaded are no longer usable)."""
    hearing = db.session.get(Hearing, hearing_id)
    numbers = _measure_numbers(hearing)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flushed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flushed()  # a byte-order mark so spreadsheet programs read UTF-8
    for batch in published_batches(hearing):
        for item in batch:
            positions = "; ".join(
                f"{numbers.get(p['measure_id'], p['measure_id'])}: {p['position']}"
                for p in item["positions"]
            )
            cells = [
                item["tracking_number"],
                item["received_at"],
                item["full_name"],
                item["organization"] or "",
                "yes" if item["speaks_for_organization"] else "no",
                item["city"],
                positions,
                item["text"],
                str(item["version"]),
                str(item["campaign_id"] or ""),
                _endorsed_by(item["endorsements"]),
                item["sent_by"]["name"] if item["sent_by"] else "",
            ]
            writer.writerow([neutralise(printable(cell)) for cell in cells])
        yield flushed()


def json_lines(hearing_id: int) -> Iterator[str]:
    """One JSON object a line, each shaped as the API's Testimony."""
    for batch in published_batches(db.session.get(Hearing, hearing_id)):
        yield "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in batch)
