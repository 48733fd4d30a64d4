"""Organisations submitting for residents: testimony and position sign-ins, one at a time or in
batches of up to 1,000, with an API key (app/api/batches.py does the work).

These take no cookies and no CSRF token (the key authenticates each request), and are not
offered to other sites' pages (no CORS): organisations send them from their servers.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from spectree import Response

from app.api import batches, schemas
from app.api import submission_schemas as sent
from app.api.spec import openapi
from app.hearings.models import Hearing
from app.platform.extensions import csrf, db
from app.platform.timezones import utcnow
from app.platform.transaction import reads_first

bp = Blueprint("api_submissions", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

REFUSALS = {
    f"HTTP_{status}": schemas.Problem
    # 405: what the router answers a POST to a hearing id beyond any stored (a quirk of its
    # matching: a GET there is 404).
    for status in (400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 503)
}
TAGS = ["submitting"]


def _documented(body, headers, **answer):
    """What an endpoint takes and answers, for the OpenAPI document only: the request is
    checked by app/api/items.py, so that a batch's items are refused one by one."""
    return openapi.validate(
        json=body,
        headers=headers,
        resp=Response(**answer, **REFUSALS),
        tags=TAGS,
        skip_validation=True,
    )


def _take(hearing_id: int, kind: batches.Kind, *, batch: bool):
    # The whole body first: no transaction waits while a slow upload trickles in.
    request.get_data()
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None:
        abort(404)
    return batches.submit(hearing, kind, batch=batch, now=utcnow()).response()


@bp.post("/hearings/<int:hearing_id>/testimony")
@reads_first
@_documented(sent.TestimonyIn, sent.SingleHeaders, HTTP_201=sent.Stored)
def submit_testimony(hearing_id: int):
    """Submit one resident's written testimony (a key that may submit testimony for the
    hearing's body). JSON, or multipart/form-data with the JSON in a part named `data` and PDF
    files in parts named by the item's `attachments`. Optional `Idempotency-Key`."""
    return _take(hearing_id, batches.TESTIMONY, batch=False)


@bp.post("/hearings/<int:hearing_id>/testimony/batch")
@reads_first
@_documented(sent.TestimonyBatch, sent.BatchHeaders, HTTP_200=sent.BatchAnswer)
def submit_testimony_batch(hearing_id: int):
    """Submit 1 to 1,000 testimonies at once, in one transaction: each is stored or refused
    with its own errors. Needs an `Idempotency-Key`."""
    return _take(hearing_id, batches.TESTIMONY, batch=True)


@bp.post("/hearings/<int:hearing_id>/sign-ins")
@reads_first
@_documented(sent.SignInIn, sent.SingleHeaders, HTTP_201=sent.Stored)
def submit_sign_in(hearing_id: int):
    """Record one resident's positions without testimony (a key that may submit sign-ins).
    Optional `Idempotency-Key`."""
    return _take(hearing_id, batches.SIGN_INS, batch=False)


@bp.post("/hearings/<int:hearing_id>/sign-ins/batch")
@reads_first
@_documented(sent.SignInBatch, sent.BatchHeaders, HTTP_200=sent.BatchAnswer)
def submit_sign_in_batch(hearing_id: int):
    """Record 1 to 1,000 sign-ins at once, in one transaction. Needs an `Idempotency-Key`."""
    return _take(hearing_id, batches.SIGN_INS, batch=True)
