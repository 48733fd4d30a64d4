"""Everything a submission leaves behind, written with plain INSERTs: the testimony row as the
model would set it, its attachments, the running tally, the audit row, the receipt e-mail, the
placement job, and the campaigns placement then makes.

Until the ORM path was removed, this test ran both paths side by side on two identical
hearings and found every row equal, on SQLite and PostgreSQL; the expectations below are what
both wrote."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

from sqlalchemy import select

from app.campaigns import placement
from app.platform import jobs
from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.testimony import services, wording
from app.testimony.models import (
    Attachment,
    Position,
    QuarantineReason,
    ReviewStatus,
    SpeakingRequest,
    Testimony,
)
from app.testimony.tallies import ReviewTally
from tests.factories import (
    listed_language,
    make_hearing,
    make_pdf,
    make_submission,
    make_upload,
)

LETTER = (
    "I urge the council to adopt the ordinance banning face surveillance in Boston. "
    "Our neighbourhoods deserve to walk to school and to work without being scanned."
)
RANDOM_PARTS = re.compile(r"OT-[0-9A-Z]{4}-[0-9A-Z]{4}|/[A-Za-z0-9_-]{32,}|/identity/\d+/")
IGNORED_COLUMNS = {"id", "hearing_id", "tracking_number", "receipt_token_hash", "campaign_id"}


def submissions(hearing):
    measure_id = hearing.measures[0].id
    arabic = listed_language(hearing.committee.body, "ar")
    yield make_submission(hearing, submission_key="form-plain", email="Denise@Example.org")
    yield make_submission(
        hearing,
        submission_key="form-speaker",
        full_name="مريم الحداد",
        organization="Digital Fourth",
        speaks_for_organization=True,
        position=Position.OPPOSE,
        speaking_request=SpeakingRequest.IN_PERSON,
        interpreter_language_id=arabic.id,
        # "Which language?" is unused once a listed language is chosen.
        interpreter_language="Arabic, please",
        accessibility_need="Step-free access",
        body="אני מתנגדת. " + LETTER,
    )
    yield make_submission(
        hearing,
        submission_key="form-bot",
        quarantine_reason=QuarantineReason.TOO_FAST,
        position=Position.NEUTRAL,
        interpreter_language="Kriolu",
        body=LETTER,
    )
    yield make_submission(
        hearing,
        submission_key="form-files",
        uploads=(make_upload("statement.pdf", pages=2), make_upload("letter.pdf")),
        body=LETTER + " ",
        measure_id=measure_id,
    )


def test_a_submission_leaves_the_rows_the_model_would(app, db):
    hearing = make_hearing(measures=2)
    db.session.commit()
    now = hearing.testimony_opens_at + timedelta(hours=1)
    with app.test_request_context(headers={"Accept-Language": "es"}):
        made = [services.submit_testimony(hearing, sub, now=now) for sub in submissions(hearing)]
        # The same form again: its receipt, nothing stored twice.
        again = services.submit_testimony(
            hearing, make_submission(hearing, submission_key="form-plain"), now=now
        )
        assert again.testimony_id == made[0].testimony_id and again.token == made[0].token
    db.session.commit()

    left = _left_behind(db, hearing, made)
    plain, speaker, bot, files = left["testimonies"]
    assert plain["email"] == "Denise@Example.org" and plain["email_key"] == "denise@example.org"
    assert speaker["name_key"] == "مريم الحداد" and speaker["organization"] == "Digital Fourth"
    assert speaker["speaking_request"] is SpeakingRequest.IN_PERSON
    arabic = listed_language(hearing.committee.body, "ar")
    assert (speaker["interpreter_language_id"], speaker["interpreter_language"]) == (
        arabic.id,
        None,
    )
    assert (bot["interpreter_language_id"], bot["interpreter_language"]) == (None, "Kriolu")
    assert (plain["interpreter_language_id"], plain["interpreter_language"]) == (None, None)
    assert bot["quarantine_reason"] is QuarantineReason.TOO_FAST
    assert files["measure_id"] == 0 and files["body"] == LETTER + " "
    for row in left["testimonies"]:
        assert row["status"] is ReviewStatus.PENDING and row["rejection_reason"] is None
        assert row["version"] == 1 and row["received_at"] == row["updated_at"] == now
        assert row["language"] == "es" and row["kept_apart"] is False
        assert row["wording_key"] == wording.fingerprint(row["body"])
    # Copies of one letter, a space apart, share their wording digest.
    assert bot["wording_key"] == files["wording_key"]
    assert left["attachments"] == [
        (3, "letter.pdf", *_file_facts(files_pages=1)),
        (3, "statement.pdf", *_file_facts(files_pages=2)),
    ]
    assert left["tallies"] == [
        ("pending", "neutral", "", 1),
        ("pending", "oppose", "", 1),
        ("pending", "support", "", 2),
    ]
    assert [
        (order, actor, action, data) for order, actor, action, _t, _at, data in left["audit"]
    ] == [
        (0, "resident", "testimony.submitted", "{}"),
        (1, "resident", "testimony.submitted", "{}"),
        (2, "resident", "testimony.submitted", '{"quarantine": "too_fast"}'),
        (3, "resident", "testimony.submitted", "{}"),
    ]
    assert [(kind, to) for kind, to, _subject, _body in left["mail"]] == [
        ("testimony_received", "Denise@Example.org"),
        ("testimony_received", "denise@example.org"),
        ("testimony_received", "denise@example.org"),
        ("testimony_received", "denise@example.org"),
    ]
    assert all("*" in body and "Docket" in body for *_rest, body in left["mail"])
    assert left["jobs"] == [("campaigns.place", index) for index in range(4)]

    # Placement puts the two copies of LETTER together, and nothing else.
    placement.place_batch([receipt.testimony_id for receipt in made])
    db.session.commit()
    assert _campaign_shape(db, made) == [[0], [1], [2, 3]]


def _file_facts(files_pages: int) -> tuple:
    data = make_pdf(files_pages)
    return len(data), hashlib.sha256(data).hexdigest(), files_pages


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
