"""The running tallies always agree with counting the testimony itself."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import String, cast, func, select

from app.moderation import queries, services
from app.platform.timezones import utcnow
from app.testimony import services as testimony_services
from app.testimony.models import Position, RejectionReason, ReviewStatus, Testimony
from app.testimony.submissions import Amendment
from app.testimony.tallies import ReviewTally
from tests.factories import make_hearing, make_staff_user, make_testimony


def counted(db, hearing) -> dict[tuple[str, str, str], int]:
    rows = db.session.execute(
        select(
            Testimony.status,
            Testimony.position,
            func.coalesce(cast(Testimony.rejection_reason, String), ""),
            func.count(Testimony.id),
        )
        .where(Testimony.hearing_id == hearing.id)
        .group_by(Testimony.status, Testimony.position, Testimony.rejection_reason)
    ).all()
    return {(s.value, p.value, r): n for s, p, r, n in rows}


def tallied(db, hearing) -> dict[tuple[str, str, str], int]:
    rows = db.session.scalars(
        select(ReviewTally).where(ReviewTally.hearing_id == hearing.id, ReviewTally.count != 0)
    )
    return {(r.status, r.position, r.reason): r.count for r in rows}


def test_tallies_follow_every_kind_of_change(db):
    now = utcnow()
    hearing = make_hearing(now=now)
    other = make_hearing(now=now)
    moderator = make_staff_user()
    receipts = [
        make_testimony(hearing, now=now, position=position)
        for position in (Position.SUPPORT, Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL)
    ]
    make_testimony(other, now=now)
    db.session.commit()
    assert (
        tallied(db, hearing)
        == counted(db, hearing)
        == {
            ("pending", "support", ""): 2,
            ("pending", "oppose", ""): 1,
            ("pending", "neutral", ""): 1,
        }
    )
    first, second, third, fourth = (r.testimony for r in receipts)

    services.decide(
        moderator,
        first,
        services.Decision(ReviewStatus.APPROVED),
        expected=ReviewStatus.PENDING,
        now=now,
    )
    services.decide(
        moderator,
        second,
        services.Decision(ReviewStatus.REJECTED, RejectionReason.SPAM),
        expected=ReviewStatus.PENDING,
        now=now,
    )
    services.decide_many(
        moderator,
        [third.id, fourth.id],
        services.Decision(ReviewStatus.FLAGGED),
        hearing_id=hearing.id,
        now=now,
    )
    db.session.commit()
    assert tallied(db, hearing) == counted(db, hearing)

    # The resident changes position: back to pending under the new position.
    testimony_services.amend_testimony(
        first,
        Amendment(
            first.measure_id,
            Position.OPPOSE,
            "Changed my mind.",
            first.speaking_request,
            "Read the amendments",
        ),
        now=now + timedelta(minutes=1),
    )
    testimony_services.withdraw_testimony(second, now=now + timedelta(minutes=2))
    db.session.commit()
    assert tallied(db, hearing) == counted(db, hearing)
    assert queries.status_counts(hearing)[ReviewStatus.WITHDRAWN] == 1
    assert queries.status_counts(hearing)[ReviewStatus.PENDING] == 1
    assert queries.position_counts(hearing)[Position.OPPOSE] == 2
    assert tallied(db, other) == counted(db, other) == {("pending", "support", ""): 1}


def test_a_rolled_back_change_leaves_the_tallies_alone(db):
    hearing = make_hearing()
    moderator = make_staff_user()
    testimony = make_testimony(hearing).testimony
    db.session.commit()
    before = tallied(db, hearing)
    services.decide(
        moderator,
        testimony,
        services.Decision(ReviewStatus.REJECTED, RejectionReason.ABUSIVE),
        expected=ReviewStatus.PENDING,
        now=utcnow(),
    )
    db.session.rollback()
    assert tallied(db, hearing) == before == counted(db, hearing)


def test_public_counts_come_from_the_tallies(db):
    hearing = make_hearing()
    moderator = make_staff_user()
    for reason in (RejectionReason.SPAM, RejectionReason.SPAM, RejectionReason.OFF_TOPIC):
        testimony = make_testimony(hearing).testimony
        services.decide(
            moderator,
            testimony,
            services.Decision(ReviewStatus.REJECTED, reason),
            expected=ReviewStatus.PENDING,
            now=utcnow(),
        )
    approved = make_testimony(hearing, position=Position.NEUTRAL).testimony
    services.decide(
        moderator,
        approved,
        services.Decision(ReviewStatus.APPROVED),
        expected=ReviewStatus.PENDING,
        now=utcnow(),
    )
    db.session.commit()
    assert queries.not_published_counts(hearing) == {
        RejectionReason.SPAM: 2,
        RejectionReason.OFF_TOPIC: 1,
    }
    assert queries.approved_position_counts(hearing) == {
        Position.SUPPORT: 0,
        Position.OPPOSE: 0,
        Position.NEUTRAL: 1,
    }
