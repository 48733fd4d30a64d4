"""The public read API: bodies, committees, measures, hearings and what was said at them.

Anyone may read it without a key. Each view reads a page through app/api/queries.py, shapes it
with app/api/representations.py, and answers with validators for conditional GET.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, request
from spectree import Response

from app.api import conditional, paging, queries, schemas
from app.api import representations as shape
from app.api.spec import openapi
from app.endorsements.queries import endorsements_for_campaigns, endorsements_for_testimony
from app.hearings import actions
from app.hearings.models import Body, Committee, Hearing, Measure
from app.moderation.queries import (
    active_spans_for,
    approved_counts_by_measure,
    approved_position_counts,
)
from app.moderation.redaction import public_text
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.signins import tallies as sign_in_tallies
from app.speaking.floor import floor
from app.speaking.models import RunSheet
from app.speaking.services import speakers

bp = Blueprint("api", __name__, url_prefix="/api/v1")

NOT_FOUND = {"HTTP_404": schemas.Problem}
BAD_QUERY = {"HTTP_400": schemas.Problem}


def answers(model, *, listed: bool = False) -> Response:
    """The answers a read may give: the model, not modified, and the problems."""
    return Response(HTTP_200=model, HTTP_304=None, HTTP_429=schemas.Problem,
                    **(BAD_QUERY if listed else {}), **NOT_FOUND)  # fmt: skip


def _query():
    return request.context.query


def _after(kind=None):
    cursor = _query().cursor
    return paging.decode(cursor, kind) if cursor else None


def _listed(rows, more: bool, cursor_of, items: list[dict], endpoint: str, **values):
    next_cursor = cursor_of(rows[-1]) if more and rows else None
    limit = _query().limit
    return conditional.json_response(
        shape.page(items, next_cursor, endpoint, limit=limit, **values)
    )


def _by_id(row):
    return paging.encode(None, row.id)


def _found(model, row_id: int):
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


@bp.get("/bodies")
@openapi.validate(query=schemas.ListQuery, resp=answers(schemas.BodyPage, listed=True),
                  tags=["bodies"])  # fmt: skip
def list_bodies():
    """Legislative bodies, with their committees."""
    rows, more = queries.bodies(_after(), _query().limit)
    return _listed(rows, more, _by_id, [shape.body(b) for b in rows], "api.list_bodies")


@bp.get("/bodies/<int:body_id>")
@openapi.validate(resp=answers(schemas.Body), tags=["bodies"])
def get_body(body_id: int):
    """One legislative body."""
    return conditional.json_response(shape.body(_found(Body, body_id)))


@bp.get("/committees")
@openapi.validate(query=schemas.CommitteeQuery, resp=answers(schemas.CommitteePage, listed=True),
                  tags=["bodies"])  # fmt: skip
def list_committees():
    """Committees, of one body or of all."""
    q = _query()
    rows, more = queries.committees(q.body_id, _after(), q.limit)
    items = [shape.committee(c) for c in rows]
    return _listed(rows, more, _by_id, items, "api.list_committees", body_id=q.body_id)


@bp.get("/committees/<int:committee_id>")
@openapi.validate(resp=answers(schemas.Committee), tags=["bodies"])
def get_committee(committee_id: int):
    """One committee."""
    return conditional.json_response(shape.committee(_found(Committee, committee_id)))


def _measures(rows: list[Measure]) -> list[dict]:
    latest = actions.latest_actions({m.id for m in rows})
    return [shape.measure(m, latest.get(m.id), shape.translations(m)) for m in rows]


@bp.get("/measures")
@openapi.validate(query=schemas.MeasureQuery, resp=answers(schemas.MeasurePage, listed=True),
                  tags=["measures"])  # fmt: skip
def list_measures():
    """Measures (ordinances, bills, orders, resolutions), with their translations and the
    committee's latest action on each."""
    q = _query()
    rows, more = queries.measures(q.committee_id, q.body_id, _after(), q.limit)
    values = {"committee_id": q.committee_id, "body_id": q.body_id}
    return _listed(rows, more, _by_id, _measures(rows), "api.list_measures", **values)


@bp.get("/measures/<int:measure_id>")
@openapi.validate(resp=answers(schemas.Measure), tags=["measures"])
def get_measure(measure_id: int):
    """One measure."""
    return conditional.json_response(_measures([_found(Measure, measure_id)])[0])


@bp.get("/measures/<int:measure_id>/actions")
@openapi.validate(resp=answers(schemas.ActionList), tags=["measures"])
def list_measure_actions(measure_id: int):
    """What the committee did with the measure, oldest first (removed entries left out)."""
    measure = _found(Measure, measure_id)
    items = [shape.action(a) for a in queries.committee_actions([measure.id])]
    return conditional.json_response(
        {"items": items}, last_modified=queries.actions_changed_at(measure.id)
    )


def _by_start(row: Hearing):
    return paging.encode(row.starts_at, row.id)


@bp.get("/hearings")
@openapi.validate(query=schemas.HearingQuery, resp=answers(schemas.HearingPage, listed=True),
                  tags=["hearings"])  # fmt: skip
def list_hearings():
    """Hearings by start time, cancelled ones included (with their status)."""
    q = _query()
    rows, more = queries.hearings(
        body_id=q.body_id,
        committee_id=q.committee_id,
        measure_id=q.measure_id,
        starts_from=q.starts_from,
        after=_after(datetime),
        limit=q.limit,
    )
    now = utcnow()
    values = {
        "body_id": q.body_id,
        "committee_id": q.committee_id,
        "measure_id": q.measure_id,
        "starts_from": q.starts_from.isoformat() if q.starts_from else None,
    }
    items = [shape.hearing(h, now) for h in rows]
    return _listed(rows, more, _by_start, items, "api.list_hearings", **values)


@bp.get("/hearings/<int:hearing_id>")
@openapi.validate(resp=answers(schemas.HearingDetail), tags=["hearings"])
def get_hearing(hearing_id: int):
    """One hearing: its agenda, windows, speaking rules, the public part of its run sheet, its
    tallies and the committee's actions."""
    hearing = _found(Hearing, hearing_id)
    sheet = db.session.get(RunSheet, hearing.id)
    board = floor(hearing, sheet, speakers(hearing), "en", public=True)
    document = shape.hearing(hearing, utcnow()) | {
        "floor": shape.floor(board, sheet),
        "tallies": shape.tallies(
            hearing,
            _testimony_tallies(hearing),
            sign_in_tallies.on_record_by_measure(hearing.id),
        ),
        "actions": [
            shape.action(a) for a in queries.committee_actions([m.id for m in hearing.measures])
        ],
    }
    # No Last-Modified: tallies, the floor and actions change without touching the hearing's
    # time; the ETag (a digest of the answer) follows every change.
    return conditional.json_response(document)


def _testimony_tallies(hearing: Hearing) -> dict:
    """Published testimony by measure and position (a hearing on one measure has them only as
    the hearing's counts)."""
    if len(hearing.measures) == 1:
        return {hearing.measures[0].id: approved_position_counts(hearing)}
    return approved_counts_by_measure(hearing)


def _by_received(row):
    return paging.encode(row.received_at, row.id)


@bp.get("/hearings/<int:hearing_id>/testimony")
@openapi.validate(query=schemas.TestimonyQuery, resp=answers(schemas.TestimonyPage, listed=True),
                  tags=["testimony"])  # fmt: skip
def list_testimony(hearing_id: int):
    """Published testimony, oldest first, as the hearing's public page shows it: redactions
    applied; never an e-mail, street address or ZIP code."""
    hearing = _found(Hearing, hearing_id)
    q = _query()
    rows, more = queries.testimony_page(hearing, _after(datetime), q.limit, measure_id=q.measure_id)
    spans = active_spans_for(rows)
    endorsed = endorsements_for_testimony(t.id for t in rows)
    items = [shape.testimony(t, public_text(t.body, spans[t.id]), endorsed[t.id]) for t in rows]
    values = {"hearing_id": hearing.id, "measure_id": q.measure_id}
    return _listed(rows, more, _by_received, items, "api.list_testimony", **values)


@bp.get("/hearings/<int:hearing_id>/sign-ins")
@openapi.validate(query=schemas.ListQuery, resp=answers(schemas.SignInPage, listed=True),
                  tags=["sign-ins"])  # fmt: skip
def list_sign_ins(hearing_id: int):
    """Positions on record without testimony (name, town and positions), as the committee's
    roster lists them; the counts are in the hearing's `tallies`."""
    hearing = _found(Hearing, hearing_id)
    rows, more = queries.on_record_sign_ins(hearing, _after(), _query().limit)
    items = [shape.sign_in(s) for s in rows]
    return _listed(rows, more, _by_id, items, "api.list_sign_ins", hearing_id=hearing.id)


@bp.get("/hearings/<int:hearing_id>/campaigns")
@openapi.validate(query=schemas.ListQuery, resp=answers(schemas.CampaignPage, listed=True),
                  tags=["testimony"])  # fmt: skip
def list_campaigns(hearing_id: int):
    """Form-letter campaigns among the published testimony: how many letters each, and one
    letter as it reads."""
    hearing = _found(Hearing, hearing_id)
    rows, campaigns, letters, more = queries.public_campaigns(hearing, _after(), _query().limit)
    spans = active_spans_for(list(letters.values()))
    texts = {i: public_text(t.body, spans[i]) for i, t in letters.items()}
    endorsed = endorsements_for_testimony(letters)
    signed_on = endorsements_for_campaigns(r.campaign_id for r in rows)
    items = [
        shape.campaign(r, campaigns.get(r.campaign_id), letters, texts, endorsed, signed_on)
        for r in rows
    ]
    return _listed(
        rows, more, lambda r: paging.encode(None, r.campaign_id), items,
        "api.list_campaigns", hearing_id=hearing.id,
    )  # fmt: skip
