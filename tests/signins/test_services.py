"""Recording, changing and withdrawing sign-ins, as the services do them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins import services, tallies
from app.signins.models import SignIn, SignInPosition, SignInStatus
from app.testimony.models import Position
from app.testimony.services import NotOpenYet, WindowClosed
from tests.factories import make_hearing, make_measure, make_sign_in, make_sign_in_submission


def count(db, model, column) -> int:
    return db.session.scalar(select(func.count(column)))


def on_record(hearing) -> dict:
    return {
        key: value
        for key, value in tallies.counts([hearing.id])[hearing.id].items()
        if key[2] == "published"
    }


def test_records_positions_on_several_measures_with_a_receipt(db):
    hearing = make_hearing(measures=3)
    first, second, third = hearing.measures
    receipt = make_sign_in(
        hearing, positions=((first.id, Position.SUPPORT), (third.id, Position.OPPOSE))
    )
    db.session.commit()
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    assert sign_in.tracking_number.startswith("OS-")
    assert sign_in.status is SignInStatus.PUBLISHED
    assert {(p.measure_id, p.position) for p in sign_in.positions} == {
        (first.id, Position.SUPPORT),
        (third.id, Position.OPPOSE),
    }
    assert services.find_by_receipt_token(receipt.token).id == sign_in.id
    assert on_record(hearing) == {
        (first.id, "support", "published"): 1,
        (third.id, "oppose", "published"): 1,
    }
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.to_address == "rosa@example.org"
    assert sign_in.tracking_number in mail.subject
    assert f"/positions/{receipt.token}" in mail.body_text
    assert first.number in mail.body_text and third.number in mail.body_text
    assert second.number not in mail.body_text
    assert db.session.scalars(select(AuditEvent.action)).all() == ["sign_in.recorded"]


def test_the_same_form_twice_is_one_sign_in(db):
    hearing = make_hearing()
    submission = make_sign_in_submission(hearing)
    first = services.record_sign_in(hearing, submission, now=utcnow())
    again = services.record_sign_in(hearing, submission, now=utcnow())
    assert first == again
    assert count(db, SignIn, SignIn.id) == 1
    assert sum(on_record(hearing).values()) == 1


def test_a_taken_tracking_number_is_drawn_again_and_the_first_try_leaves_nothing(db, monkeypatch):
    """A new tracking number that another sign-in already has stores nothing of the try (no
    positions, no counts: on PostgreSQL they are written in the same statement), and the next
    number is drawn."""
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    taken = db.session.get(SignIn, make_sign_in(hearing).sign_in_id).tracking_number
    numbers = iter([taken, "OS-2345-6789"])
    monkeypatch.setattr(services, "new_tracking_number", lambda prefix: next(numbers))
    receipt = make_sign_in(
        hearing,
        email="lin@example.org",
        positions=((first.id, Position.SUPPORT), (second.id, Position.NEUTRAL)),
    )
    db.session.commit()
    assert db.session.get(SignIn, receipt.sign_in_id).tracking_number == "OS-2345-6789"
    assert count(db, SignIn, SignIn.id) == 2
    assert count(db, SignInPosition, SignInPosition.sign_in_id) == 3
    assert on_record(hearing) == {
        (first.id, "oppose", "published"): 1,
        (first.id, "support", "published"): 1,
        (second.id, "neutral", "published"): 1,
    }


def test_a_body_that_reviews_sign_ins_starts_them_pending(db):
    hearing = make_hearing()
    hearing.committee.body.review_sign_ins = True
    receipt = make_sign_in(hearing)
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    assert sign_in.status is SignInStatus.PENDING
    assert on_record(hearing) == {}


@pytest.mark.parametrize(
    "opens, closes, refusal",
    [
        (timedelta(days=1), timedelta(days=3), NotOpenYet),
        (-timedelta(days=3), -timedelta(1), WindowClosed),
    ],
)
def test_refused_outside_the_window_and_nothing_is_stored(db, opens, closes, refusal):
    now = utcnow()
    hearing = make_hearing(
        testimony_opens_at=now + opens,
        testimony_closes_at=now + closes,
        starts_at=now + timedelta(days=5),
        speaker_signup_closes_at=now + closes,
    )
    with pytest.raises(refusal):
        make_sign_in(hearing, now=now)
    assert count(db, SignIn, SignIn.id) == 0


def test_refuses_no_position_and_measures_off_the_agenda(db):
    hearing = make_hearing()
    elsewhere = make_measure(hearing.committee)
    with pytest.raises(services.NoPosition):
        make_sign_in(hearing, positions=())
    with pytest.raises(services.UnknownMeasure):
        make_sign_in(hearing, positions=((elsewhere.id, Position.SUPPORT),))
    measure = hearing.measures[0].id
    with pytest.raises(services.UnknownMeasure):
        make_sign_in(hearing, positions=((measure, Position.SUPPORT), (measure, Position.OPPOSE)))
    assert count(db, SignIn, SignIn.id) == 0


def test_changing_positions_moves_the_counts_and_keeps_the_tracking_number(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    receipt = make_sign_in(hearing, positions=((first.id, Position.SUPPORT),))
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    number = sign_in.tracking_number
    changed = services.change_positions(
        sign_in,
        ((first.id, Position.OPPOSE), (second.id, Position.NEUTRAL)),
        now=utcnow(),
        seen_version=1,
    )
    assert changed
    db.session.commit()
    assert sign_in.version == 2 and sign_in.tracking_number == number
    assert on_record(hearing) == {
        (first.id, "oppose", "published"): 1,
        (second.id, "neutral", "published"): 1,
    }
    assert (
        services.change_positions(
            sign_in,
            ((first.id, Position.OPPOSE), (second.id, Position.NEUTRAL)),
            now=utcnow(),
            seen_version=2,
        )
        is False
    )


def test_a_change_from_a_stale_page_changes_nothing(db):
    hearing = make_hearing()
    measure = hearing.measures[0]
    receipt = make_sign_in(hearing)
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    services.change_positions(
        sign_in, ((measure.id, Position.SUPPORT),), now=utcnow(), seen_version=1
    )
    with pytest.raises(services.ChangedMeanwhile):
        services.change_positions(
            sign_in, ((measure.id, Position.NEUTRAL),), now=utcnow(), seen_version=1
        )
    assert [p.position for p in sign_in.positions] == [Position.SUPPORT]


def test_withdrawing_takes_it_out_of_the_counts_once(db):
    hearing = make_hearing()
    receipt = make_sign_in(hearing)
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    services.withdraw_sign_in(sign_in, now=utcnow(), seen_version=1)
    services.withdraw_sign_in(sign_in, now=utcnow(), seen_version=1)
    db.session.commit()
    assert sign_in.is_withdrawn and sign_in.withdrawn_at is not None
    assert on_record(hearing) == {}
    counts = tallies.counts([hearing.id])[hearing.id]
    assert counts == {(hearing.measures[0].id, "oppose", "withdrawn"): 1}
    with pytest.raises(services.SignInLocked):
        services.change_positions(
            sign_in, ((hearing.measures[0].id, Position.SUPPORT),), now=utcnow(), seen_version=2
        )
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["sign_in_received", "sign_in_withdrawn"]


def test_no_change_after_the_deadline(db):
    now = utcnow()
    hearing = make_hearing()
    receipt = make_sign_in(hearing, now=now)
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    later = hearing.testimony_closes_at + timedelta(minutes=1)
    with pytest.raises(WindowClosed):
        services.withdraw_sign_in(sign_in, now=later, seen_version=1)
    with pytest.raises(WindowClosed):
        services.change_positions(
            sign_in, ((hearing.measures[0].id, Position.SUPPORT),), now=later, seen_version=1
        )
    assert sign_in.status is SignInStatus.PUBLISHED
    assert count(db, SignInPosition, SignInPosition.sign_in_id) == 1


def test_a_name_that_grows_when_lower_cased_is_stored(db):
    """ "İ" lower-cases to two characters: a 200-character name has a 400-character key."""
    hearing = make_hearing()
    receipt = make_sign_in(hearing, full_name="İ" * 200)
    db.session.commit()

    stored = db.session.get(SignIn, receipt.sign_in_id)
    assert len(stored.name_key) == 400
