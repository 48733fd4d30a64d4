"""The testimony intake (app/testimony/intake.py): one call that checks a submission in order
and stores it, with plain data in (no form, no request)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from app.hearings.models import Hearing, hearing_measures
from app.platform.timezones import utcnow
from app.testimony import held_uploads, intake, services
from app.testimony.held_uploads import FormScope, HeldUpload
from app.testimony.models import Attachment, QuarantineReason, Testimony
from tests.factories import make_hearing, make_submission, make_upload

ADDRESS = "203.0.113.9"


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def kept_for(db, hearing, *names: str) -> intake.Kept:
    """Files kept from an earlier try of one form, as the intake is handed them."""
    scope = FormScope(hearing.id, secrets.token_urlsafe(24))
    uploads = tuple(make_upload(name) for name in names)
    held_uploads.hold(scope, uploads, now=utcnow(), limit=10)
    return intake.Kept(scope, room=10)


def test_a_submission_is_stored_and_gets_its_receipt(db):
    hearing = make_hearing()
    result = intake.submit(hearing, make_submission(hearing), address=ADDRESS, now=utcnow())
    assert result.error is None and result.limited is None
    assert result.receipt.testimony.tracking_number.startswith("OT-")
    assert count(db, Testimony) == 1


def test_the_hidden_field_filled_in_marks_it_for_moderators_without_refusing_it(db):
    hearing = make_hearing()
    result = intake.submit(
        hearing, make_submission(hearing), address=ADDRESS, now=utcnow(), trap="http://spam"
    )
    assert result.receipt.testimony.quarantine_reason is QuarantineReason.HIDDEN_FIELD


def test_over_the_limit_nothing_is_stored_and_the_wait_is_said(db, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1 per hour"
    hearing = make_hearing()
    intake.submit(hearing, make_submission(hearing), address=ADDRESS, now=utcnow())
    again = intake.submit(hearing, make_submission(hearing), address=ADDRESS, now=utcnow())
    assert again.receipt is None and again.limited.retry_after > 0
    assert count(db, Testimony) == 1


def test_a_form_sent_twice_gets_its_receipt_again_without_counting_toward_the_limit(db, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1 per hour"
    hearing = make_hearing()
    submission = make_submission(hearing)
    first = intake.submit(hearing, submission, address=ADDRESS, now=utcnow())
    second = intake.submit(hearing, submission, address=ADDRESS, now=utcnow())
    assert second.limited is None
    assert second.receipt.token == first.receipt.token
    assert count(db, Testimony) == 1


def test_the_deadline_is_read_again_where_the_testimony_is_stored(db):
    """The hearing was loaded open; a clerk cancelled it since. The intake reads the hearing's
    times again once it writes, refuses, and keeps the files of the form's earlier tries."""
    hearing = make_hearing()
    kept = kept_for(db, hearing, "kept.pdf")
    db.session.commit()
    db.session.execute(
        update(Hearing)
        .where(Hearing.id == hearing.id)
        .values(cancelled_at=utcnow() - timedelta(minutes=1))
        .execution_options(synchronize_session=False)
    )
    assert hearing.is_accepting_testimony(utcnow())  # what was loaded still says open
    result = intake.submit(
        hearing, make_submission(hearing), address=ADDRESS, now=utcnow(), kept=kept
    )
    assert isinstance(result.error, services.WindowClosed)
    assert count(db, Testimony) == 0
    assert count(db, HeldUpload) == 1  # still kept for the next try


def test_the_form_s_kept_files_go_with_it(db):
    hearing = make_hearing()
    kept = kept_for(db, hearing, "one.pdf", "two.pdf")
    submission = make_submission(hearing, uploads=(make_upload("new.pdf"),))
    result = intake.submit(
        hearing, submission, address=ADDRESS, now=utcnow(), kept=intake.Kept(kept.scope, room=1)
    )
    names = sorted(a.original_name for a in db.session.scalars(select(Attachment)))
    assert result.receipt is not None
    assert names == ["new.pdf", "one.pdf"]  # within the form's room
    assert count(db, HeldUpload) == 1


def test_an_amendment_built_from_an_older_version_changes_nothing(db):
    hearing = make_hearing()
    testimony = intake.submit(
        hearing, make_submission(hearing), address=ADDRESS, now=utcnow()
    ).receipt.testimony
    amendment = services.Amendment(
        measure_id=hearing.measures[0].id,
        position=testimony.position,
        body="I changed my mind about one thing.",
        speaking_request=testimony.speaking_request,
        reason="Clarity",
    )
    stale = intake.amend(testimony, amendment, now=utcnow(), seen_version=testimony.version - 1)
    assert isinstance(stale.error, services.AmendedMeanwhile)
    assert testimony.body != amendment.body
    done = intake.amend(testimony, amendment, now=utcnow(), seen_version=testimony.version)
    assert done.error is None and done.changed
    assert testimony.body == amendment.body


def test_a_measure_taken_off_the_agenda_meanwhile_gets_no_testimony(db):
    """The form was read with two measures on the agenda; a clerk took one off since. The
    intake checks the agenda as stored, refuses, and stores nothing."""
    hearing = make_hearing(measures=2)
    db.session.commit()
    dropped = hearing.measures[1]
    db.session.execute(
        delete(hearing_measures).where(
            hearing_measures.c.hearing_id == hearing.id,
            hearing_measures.c.measure_id == dropped.id,
        )
    )
    assert dropped in hearing.measures  # what was loaded still lists it
    result = intake.submit(
        hearing, make_submission(hearing, measure_id=dropped.id), address=ADDRESS, now=utcnow()
    )
    assert isinstance(result.error, services.UnknownMeasure)
    assert count(db, Testimony) == 0


def test_a_form_already_stored_leaves_files_kept_for_it_alone(db):
    """A retried form that was stored gets its receipt again; files kept under its key are
    not taken (they would be let go with nothing pointing to them)."""
    hearing = make_hearing()
    submission = make_submission(hearing)
    intake.submit(hearing, submission, address=ADDRESS, now=utcnow())
    kept = kept_for(db, hearing, "late.pdf")
    again = intake.submit(hearing, submission, address=ADDRESS, now=utcnow(), kept=kept)
    assert again.error is None
    assert count(db, Attachment) == 0
    assert count(db, HeldUpload) == 1
