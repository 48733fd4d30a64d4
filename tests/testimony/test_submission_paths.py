"""The submission written with plain INSERTs against the ORM path it replaces, side by side.

The same submissions go to two identical hearings, one through each path, and everything a
submission leaves behind is compared: the testimony rows and their attachments, the running
tallies, the audit rows, the receipt e-mails, the queued jobs and the campaigns placement
makes of them. What may differ is only what is drawn at random or derived from the hearing's
own id (tracking number, receipt token, ids)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from app.campaigns import placement
from app.platform import jobs
from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.testimony import services
from app.testimony.models import (
    Attachment,
    Position,
    QuarantineReason,
    SpeakingRequest,
    Testimony,
)
from app.testimony.tallies import ReviewTally
from tests.factories import make_hearing, make_submission, make_upload

LETTER = (
    "I urge the council to adopt the ordinance banning face surveillance in Boston. "
    "Our neighbourhoods deserve to walk to school and to work without being scanned."
)
RANDOM_PARTS = re.compile(r"OT-[0-9A-Z]{4}-[0-9A-Z]{4}|/[A-Za-z0-9_-]{32,}|/identity/\d+/")
IGNORED_COLUMNS = {"id", "hearing_id", "tracking_number", "receipt_token_hash", "campaign_id"}


def submissions(hearing):
    measure_id = hearing.measures[0].id
    yield make_submission(hearing, submission_key="form-plain", email="Denise@Example.org")
    yield make_submission(
        hearing,
        submission_key="form-speaker",
        full_name="مريم الحداد",
        organization="Digital Fourth",
        speaks_for_organization=True,
        position=Position.OPPOSE,
        speaking_request=SpeakingRequest.IN_PERSON,
        interpreter_language="Arabic",
        accessibility_need="Step-free access",
        body="אני מתנגדת. " + LETTER,
    )
    yield make_submission(
        hearing,
        submission_key="form-bot",
        quarantine_reason=QuarantineReason.TOO_FAST,
        position=Position.NEUTRAL,
        body=LETTER,
    )
    yield make_submission(
        hearing,
        submission_key="form-files",
        uploads=(make_upload("statement.pdf", pages=2), make_upload("letter.pdf")),
        body=LETTER + " ",
        measure_id=measure_id,
    )


def test_both_paths_leave_the_same_rows(app, db):
    hearings = [make_hearing(measures=2), make_hearing(measures=2)]
    for other in hearings[1:]:
        other.measures[0].number = hearings[0].measures[0].number
    db.session.commit()
    now = hearings[0].testimony_opens_at + timedelta(hours=1)
    paths = [services.submit_testimony, services._submit_testimony_orm]
    receipts = []
    for hearing, submit in zip(hearings, paths, strict=True):
        with app.test_request_context(headers={"Accept-Language": "es"}):
            made = [submit(hearing, sub, now=now) for sub in submissions(hearing)]
            # The same form again: its receipt, nothing stored twice.
            again = submit(hearing, make_submission(hearing, submission_key="form-plain"), now=now)
            assert again.testimony_id == made[0].testimony_id and again.token == made[0].token
        db.session.commit()
        receipts.append(made)

    new, old = (
        _left_behind(db, hearing, made) for hearing, made in zip(hearings, receipts, strict=True)
    )
    assert new["testimonies"] == old["testimonies"]
    assert new["attachments"] == old["attachments"]
    assert new["tallies"] == old["tallies"]
    assert new["audit"] == old["audit"]
    assert new["mail"] == old["mail"]
    assert new["jobs"] == old["jobs"]
    assert len(new["testimonies"]) == 4 and new["testimonies"][0]["language"] == "es"

    # Placement then makes the same campaigns of both (the two copies of LETTER together).
    for made in receipts:
        placement.place_batch([receipt.testimony_id for receipt in made])
    db.session.commit()
    new_groups, old_groups = (_campaign_shape(db, made) for made in receipts)
    assert new_groups == old_groups == [[0], [1], [2, 3]]


def _left_behind(db, hearing, made) -> dict:
    ids = [receipt.testimony_id for receipt in made]
    order = {testimony_id: index for index, testimony_id in enumerate(ids)}
    rows = db.session.scalars(select(Testimony).where(Testimony.id.in_(ids))).all()
    testimonies = sorted(
        (
            {"order": order[row.id]}
            | {
                column.key: getattr(row, column.key)
                for column in Testimony.__table__.columns
                if column.key not in IGNORED_COLUMNS
            }
            for row in rows
        ),
        key=lambda row: row["order"],
    )
    measures = [measure.id for measure in hearing.measures]
    for row in testimonies:
        row["measure_id"] = measures.index(row["measure_id"])  # each hearing has its own
    for row in rows:
        assert re.fullmatch(r"OT-[0-9A-Z]{4}-[0-9A-Z]{4}", row.tracking_number)
    attachments = sorted(
        (order[a.testimony_id], a.original_name, a.size_bytes, a.sha256, a.page_count)
        for a in db.session.scalars(select(Attachment).where(Attachment.testimony_id.in_(ids)))
    )
    tallies = sorted(
        (t.status, t.position, t.reason, t.count)
        for t in db.session.scalars(select(ReviewTally).where(ReviewTally.hearing_id == hearing.id))
    )
    audit = sorted(
        (order[e.subject_id], e.actor, e.action, e.subject_type, e.occurred_at, json.dumps(e.data))
        for e in db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.subject_type == "testimonies", AuditEvent.subject_id.in_(ids)
            )
        )
    )
    emails = {row.email for row in rows}
    mail = sorted(
        (m.kind, m.to_address, RANDOM_PARTS.sub("*", m.subject), RANDOM_PARTS.sub("*", m.body_text))
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_address.in_(emails))
        )
    )
    queued = sorted(
        (job.kind, order.get(json.loads(job.payload).get("testimony_id")))
        for job in db.session.scalars(select(jobs.Job))
        if job.kind != "mail.deliver" and json.loads(job.payload).get("testimony_id") in order
    )
    return {
        "testimonies": testimonies,
        "attachments": attachments,
        "tallies": tallies,
        "audit": audit,
        "mail": mail,
        "jobs": queued,
    }


def _campaign_shape(db, made) -> list[list[int]]:
    ids = [receipt.testimony_id for receipt in made]
    query = select(Testimony.id, Testimony.campaign_id).where(Testimony.id.in_(ids))
    campaign_of = {testimony_id: campaign for testimony_id, campaign in db.session.execute(query)}
    groups: dict = {}
    for index, testimony_id in enumerate(ids):
        key = campaign_of[testimony_id] or f"alone-{index}"
        groups.setdefault(key, []).append(index)
    return sorted(groups.values())
