"""The order of a sign-in's checks: stored already, limits, automated-looking marks, the write."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.platform.timezones import utcnow
from app.signins import intake
from app.signins.models import SignIn, SignInStatus
from app.testimony.bot_defence import opened_stamp
from app.testimony.models import QuarantineReason
from tests.factories import make_hearing, make_sign_in_submission


def test_a_filled_trap_or_a_fast_form_is_marked_not_refused(db, config):
    config["SUBMIT_MIN_SECONDS"] = 3
    hearing = make_hearing()
    now = utcnow()
    trapped = intake.submit(
        hearing,
        make_sign_in_submission(hearing),
        address="198.51.100.7",
        now=now,
        trap="https://spam.example",
        opened=opened_stamp(now - timedelta(minutes=2)),
    )
    fast = intake.submit(
        hearing,
        make_sign_in_submission(hearing, email="fast@example.org"),
        address="198.51.100.8",
        now=now,
        opened=opened_stamp(now),
    )
    person = intake.submit(
        hearing,
        make_sign_in_submission(hearing, email="person@example.org"),
        address="198.51.100.9",
        now=now,
        opened=opened_stamp(now - timedelta(minutes=2)),
    )
    reasons = {row.email: row.quarantine_reason for row in db.session.scalars(select(SignIn)).all()}
    assert trapped.receipt and fast.receipt and person.receipt
    assert reasons == {
        "rosa@example.org": QuarantineReason.HIDDEN_FIELD,
        "fast@example.org": QuarantineReason.TOO_FAST,
        "person@example.org": None,
    }
    # Those marked wait for a moderator before they count; the person's counts at once.
    statuses = {row.email: row.status for row in db.session.scalars(select(SignIn)).all()}
    assert statuses == {
        "rosa@example.org": SignInStatus.PENDING,
        "fast@example.org": SignInStatus.PENDING,
        "person@example.org": SignInStatus.PUBLISHED,
    }


def test_the_e_mail_limit_counts_sign_ins_apart_from_testimony(db, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "2 per hour"
    hearing = make_hearing()
    now = utcnow()
    results = [
        intake.submit(
            hearing,
            make_sign_in_submission(hearing, email="Same@Example.org"),
            address=f"198.51.100.{n}",
            now=now,
        )
        for n in range(3)
    ]
    assert [r.limited is None for r in results] == [True, True, False]
    assert db.session.scalar(select(func.count(SignIn.id))) == 2


def test_a_deadline_passed_inside_the_write_is_refused_and_stores_nothing(db):
    hearing = make_hearing()
    db.session.commit()
    later = hearing.testimony_closes_at + timedelta(seconds=1)
    result = intake.submit(hearing, make_sign_in_submission(hearing), address="1.2.3.4", now=later)
    assert result.receipt is None and result.error is not None
    assert db.session.scalar(select(func.count(SignIn.id))) == 0
