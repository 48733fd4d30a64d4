"""Moderators' decisions on sign-ins, one or many at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.signins import review, services, tallies
from app.signins.models import SignIn, SignInStatus
from app.testimony.models import Position, RejectionReason
from tests.factories import make_hearing, make_sign_in, make_staff_user


def states(hearing) -> dict:
    return {
        (key[1], key[2]): value for key, value in tallies.counts([hearing.id])[hearing.id].items()
    }


def test_rejecting_several_moves_them_out_of_the_published_counts(db):
    moderator = make_staff_user()
    hearing = make_hearing()
    ids = [make_sign_in(hearing, email=f"r{n}@example.org").sign_in_id for n in range(4)]
    changed = review.decide(
        moderator,
        hearing.id,
        ids[:3],
        SignInStatus.REJECTED,
        reason=RejectionReason.SPAM,
        now=utcnow(),
    )
    assert changed == 3
    assert states(hearing) == {("oppose", "published"): 1, ("oppose", "rejected"): 3}
    # Deciding the same again changes nothing and records nothing more.
    assert (
        review.decide(
            moderator,
            hearing.id,
            ids[:3],
            SignInStatus.REJECTED,
            reason=RejectionReason.SPAM,
            now=utcnow(),
        )
        == 0
    )
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "sign_in.decided")
    ).all()
    assert len(actions) == 3
    rejected = db.session.get(SignIn, ids[0])
    db.session.refresh(rejected)
    assert rejected.rejection_reason is RejectionReason.SPAM


def test_a_rejection_needs_a_reason_and_changes_nothing_without(db):
    moderator = make_staff_user()
    hearing = make_hearing()
    receipt = make_sign_in(hearing)
    with pytest.raises(review.NeedsReason):
        review.decide(
            moderator, hearing.id, [receipt.sign_in_id], SignInStatus.REJECTED, now=utcnow()
        )
    assert db.session.get(SignIn, receipt.sign_in_id).status is SignInStatus.PUBLISHED


def test_withdrawn_sign_ins_and_other_hearings_are_left_alone(db):
    moderator = make_staff_user()
    hearing, other = make_hearing(), make_hearing()
    withdrawn = make_sign_in(hearing)
    sign_in = db.session.get(SignIn, withdrawn.sign_in_id)
    services.withdraw_sign_in(sign_in, now=utcnow(), seen_version=1)
    elsewhere = make_sign_in(other)
    changed = review.decide(
        moderator,
        hearing.id,
        [withdrawn.sign_in_id, elsewhere.sign_in_id],
        SignInStatus.REJECTED,
        reason=RejectionReason.DUPLICATE,
        now=utcnow(),
    )
    assert changed == 0
    assert db.session.get(SignIn, elsewhere.sign_in_id).status is SignInStatus.PUBLISHED


def test_publishing_pending_sign_ins_counts_them(db):
    moderator = make_staff_user()
    hearing = make_hearing()
    hearing.committee.body.review_sign_ins = True
    ids = [make_sign_in(hearing, email=f"p{n}@example.org").sign_in_id for n in range(2)]
    assert states(hearing) == {("oppose", "pending"): 2}
    review.decide(moderator, hearing.id, ids, SignInStatus.PUBLISHED, now=utcnow())
    assert states(hearing) == {("oppose", "published"): 2}


def test_a_decision_costs_the_same_few_statements_however_many_it_covers(db):
    from sqlalchemy import event

    moderator = make_staff_user()
    hearing = make_hearing(measures=2)
    both = tuple((m.id, Position.SUPPORT) for m in hearing.measures)
    ids = [
        make_sign_in(hearing, email=f"n{n}@example.org", positions=both).sign_in_id
        for n in range(60)
    ]
    db.session.flush()

    def statements_for(chosen: list[int]) -> int:
        seen: list[str] = []

        def keep(_conn, _cursor, statement, *_args) -> None:
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            review.decide(
                moderator,
                hearing.id,
                chosen,
                SignInStatus.REJECTED,
                reason=RejectionReason.SPAM,
                now=utcnow(),
            )
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        return len(seen)

    assert statements_for(ids[:5]) == statements_for(ids[5:])
    counts = tallies.counts([hearing.id])[hearing.id]
    assert counts == {(m.id, "support", "rejected"): 60 for m in hearing.measures}
