"""The moderation services called directly, with an explicit clock: decisions, the table of
allowed moves, concurrent decisions, bulk decisions and notes."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from app.accounts.models import StaffUser
from app.moderation import services
from app.moderation.models import ModeratorNote, ReviewDecision
from app.moderation.services import (
    TRANSITIONS,
    DecidedMeanwhile,
    Decision,
    NotAllowed,
    ReasonRequired,
    add_note,
    decide,
    decide_many,
)
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.testimony.models import RejectionReason, ReviewStatus, Testimony
from app.testimony.services import withdraw_testimony
from tests.factories import (
    make_hearing,
    make_staff_user,
    make_testimony,
    run_threads,
    set_review_status,
)

S = ReviewStatus
R = RejectionReason
NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
TIMEOUT = 10

# The moves staff may make, written out here rather than read from the code under test.
ALLOWED = {
    S.PENDING: {S.APPROVED, S.REJECTED, S.FLAGGED},
    S.FLAGGED: {S.APPROVED, S.REJECTED, S.PENDING},
    S.APPROVED: {S.REJECTED, S.FLAGGED},
    S.REJECTED: {S.APPROVED, S.FLAGGED},
    S.WITHDRAWN: set(),
}
PAIRS = [(current, wanted) for current in S for wanted in S]


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def a_testimony(status: ReviewStatus, hearing=None) -> Testimony:
    hearing = hearing or make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW).testimony
    return set_review_status(testimony, status, now=NOW)


def decision_to(status: ReviewStatus, **kwargs) -> Decision:
    if status is S.REJECTED:
        kwargs.setdefault("reason", R.SPAM)
    return Decision(status, **kwargs)


def test_the_table_of_moves_is_the_documented_one():
    assert {status: set(targets) for status, targets in TRANSITIONS.items()} == ALLOWED


@pytest.mark.parametrize(
    ("current", "wanted"),
    [pair for pair in PAIRS if pair[1] in ALLOWED[pair[0]]],
    ids=lambda s: s.value,
)
def test_allowed_move_changes_the_status_and_records_who_when_and_why(db, current, wanted):
    testimony = a_testimony(current)
    moderator = make_staff_user()

    row = decide(moderator, testimony, decision_to(wanted), expected=current, now=LATER)

    assert testimony.status is wanted
    assert testimony.rejection_reason is (R.SPAM if wanted is S.REJECTED else None)
    stored = db.session.scalars(select(ReviewDecision)).one()
    assert stored is row
    assert (stored.testimony_id, stored.actor_id, stored.decided_at) == (
        testimony.id,
        moderator.id,
        LATER,
    )
    assert (stored.from_status, stored.to_status) == (current, wanted)
    assert stored.reason is (R.SPAM if wanted is S.REJECTED else None)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.decided")
    ).one()
    assert event.actor == f"user:{moderator.id}"
    assert (event.subject_type, event.subject_id) == ("testimonies", testimony.id)
    assert event.occurred_at == LATER
    assert event.data == {
        "from_status": current.value,
        "to_status": wanted.value,
        "reason": "spam" if wanted is S.REJECTED else None,
    }


@pytest.mark.parametrize(
    ("current", "wanted"),
    [pair for pair in PAIRS if pair[1] not in ALLOWED[pair[0]]],
    ids=lambda s: s.value,
)
def test_refused_move_raises_not_allowed_and_changes_nothing(db, current, wanted):
    testimony = a_testimony(current)
    moderator = make_staff_user()
    audit_before = count(db, AuditEvent)

    with pytest.raises(NotAllowed) as raised:
        decide(moderator, testimony, decision_to(wanted), expected=current, now=LATER)

    assert f"cannot be marked {wanted.value}" in str(raised.value)
    db.session.expire_all()
    assert testimony.status is current
    assert count(db, ReviewDecision) == 0
    assert count(db, AuditEvent) == audit_before


@pytest.mark.parametrize("claimed", list(S), ids=lambda s: s.value)
def test_a_withdrawn_testimony_is_never_approved_whatever_status_the_form_claims(db, claimed):
    testimony = a_testimony(S.WITHDRAWN)

    with pytest.raises((DecidedMeanwhile, NotAllowed)) as raised:
        decide(make_staff_user(), testimony, Decision(S.APPROVED), expected=claimed, now=LATER)

    if claimed in (S.PENDING, S.FLAGGED, S.REJECTED):  # from these, approving is a move
        assert raised.value.current is S.WITHDRAWN
        assert "The resident withdrew this testimony" in str(raised.value)
    db.session.expire_all()
    assert testimony.status is S.WITHDRAWN
    assert count(db, ReviewDecision) == 0


def test_a_withdrawal_between_page_load_and_approval_wins(db):
    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW).testimony
    seen = testimony.status  # the moderator loads the page
    withdraw_testimony(testimony, now=NOW + timedelta(minutes=1))

    with pytest.raises(DecidedMeanwhile):
        decide(make_staff_user(), testimony, Decision(S.APPROVED), expected=seen, now=LATER)

    assert testimony.status is S.WITHDRAWN
    assert count(db, ReviewDecision) == 0


@pytest.mark.parametrize("reason", [r for r in R if r is not R.OTHER])
def test_reject_with_each_reason(db, reason):
    testimony = a_testimony(S.PENDING)

    row = decide(
        make_staff_user(), testimony, Decision(S.REJECTED, reason), expected=S.PENDING, now=LATER
    )

    assert testimony.rejection_reason is reason
    assert row.reason is reason
    assert row.note is None


def test_reject_as_other_keeps_the_note(db):
    testimony = a_testimony(S.PENDING)
    decision = Decision(S.REJECTED, R.OTHER, note="Testimony on a different hearing")

    row = decide(make_staff_user(), testimony, decision, expected=S.PENDING, now=LATER)

    assert (row.reason, row.note) == (R.OTHER, "Testimony on a different hearing")
    assert testimony.rejection_reason is R.OTHER


@pytest.mark.parametrize(
    "decision",
    [
        Decision(S.REJECTED),
        Decision(S.REJECTED, R.OTHER),
        Decision(S.REJECTED, R.OTHER, note=""),
    ],
    ids=["no reason", "other without note", "other with empty note"],
)
def test_reject_without_a_usable_reason_is_refused(db, decision):
    testimony = a_testimony(S.PENDING)
    audit_before = count(db, AuditEvent)

    with pytest.raises(ReasonRequired):
        decide(make_staff_user(), testimony, decision, expected=S.PENDING, now=LATER)

    db.session.expire_all()
    assert testimony.status is S.PENDING
    assert count(db, ReviewDecision) == 0
    assert count(db, AuditEvent) == audit_before


def test_a_reason_only_sticks_to_a_rejection(db):
    testimony = a_testimony(S.PENDING)

    row = decide(
        make_staff_user(), testimony, Decision(S.APPROVED, R.SPAM), expected=S.PENDING, now=LATER
    )

    assert row.reason is None
    assert testimony.rejection_reason is None


def test_approving_a_rejected_testimony_clears_its_reason(db):
    testimony = a_testimony(S.PENDING)
    moderator = make_staff_user()
    decide(moderator, testimony, Decision(S.REJECTED, R.ABUSIVE), expected=S.PENDING, now=NOW)

    decide(moderator, testimony, Decision(S.APPROVED), expected=S.REJECTED, now=LATER)

    assert testimony.status is S.APPROVED
    assert testimony.rejection_reason is None


def test_decisions_are_appended_never_rewritten(db):
    testimony = a_testimony(S.PENDING)
    first, second = make_staff_user(name="First Moderator"), make_staff_user(name="Second")
    moves = [
        (first, S.PENDING, Decision(S.FLAGGED, note="Check the address")),
        (second, S.FLAGGED, Decision(S.REJECTED, R.DUPLICATE)),
        (first, S.REJECTED, Decision(S.APPROVED)),
    ]
    for minutes, (actor, expected, decision) in enumerate(moves):
        decide(actor, testimony, decision, expected=expected, now=NOW + timedelta(minutes=minutes))

    rows = db.session.scalars(select(ReviewDecision).order_by(ReviewDecision.id)).all()
    assert [(r.actor_id, r.from_status, r.to_status, r.reason, r.note) for r in rows] == [
        (first.id, S.PENDING, S.FLAGGED, None, "Check the address"),
        (second.id, S.FLAGGED, S.REJECTED, R.DUPLICATE, None),
        (first.id, S.REJECTED, S.APPROVED, None, None),
    ]
    assert [r.decided_at for r in rows] == [NOW + timedelta(minutes=m) for m in range(3)]


def test_the_second_of_two_decisions_from_the_same_page_load_is_refused(db):
    testimony = a_testimony(S.PENDING)
    one, two = make_staff_user(), make_staff_user()
    decide(one, testimony, Decision(S.APPROVED), expected=S.PENDING, now=NOW)

    with pytest.raises(DecidedMeanwhile) as raised:
        decide(two, testimony, Decision(S.REJECTED, R.SPAM), expected=S.PENDING, now=LATER)

    assert raised.value.current is S.APPROVED
    assert "Nothing was changed" in str(raised.value)
    assert testimony.status is S.APPROVED
    assert testimony.rejection_reason is None
    assert [r.actor_id for r in db.session.scalars(select(ReviewDecision))] == [one.id]
    assert count(db, AuditEvent) == 2  # submitted, decided once


def test_an_amendment_since_the_moderator_read_the_text_refuses_the_decision(db):
    from app.testimony.services import amend_testimony
    from app.testimony.submissions import Amendment

    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW).testimony
    read = testimony.version
    amend_testimony(
        testimony,
        Amendment(
            measure_id=testimony.measure_id,
            position=testimony.position,
            body="New text nobody has reviewed",
            speaking_request=testimony.speaking_request,
            reason="Second thoughts",
        ),
        now=NOW + timedelta(minutes=1),
    )

    with pytest.raises(DecidedMeanwhile) as raised:
        decide(
            make_staff_user(),
            testimony,
            Decision(S.APPROVED),
            expected=S.PENDING,
            expected_version=read,
            now=LATER,
        )

    assert raised.value.current is S.PENDING
    assert testimony.status is S.PENDING
    assert count(db, ReviewDecision) == 0
    decide(
        make_staff_user(),
        testimony,
        Decision(S.APPROVED),
        expected=S.PENDING,
        expected_version=2,
        now=LATER,
    )
    assert testimony.status is S.APPROVED


# Two moderators in two threads, each with its own connection.


def _decide_in_thread(app, testimony_id, actor_id, decision, *, before_commit=None):
    """Decide in a fresh application context (own session); return the row id or the error."""
    with app.app_context():
        testimony = _db.session.get(Testimony, testimony_id)
        actor = _db.session.get(StaffUser, actor_id)
        try:
            row = decide(actor, testimony, decision, expected=S.PENDING, now=LATER)
        except DecidedMeanwhile as error:
            _db.session.rollback()
            return error
        if before_commit:
            before_commit()
        _db.session.commit()
        return row.id


def _two_moderators_and_a_pending_testimony(db):
    testimony = a_testimony(S.PENDING)
    one, two = make_staff_user(), make_staff_user()
    ids = testimony.id, one.id, two.id
    db.session.commit()  # the threads must see them; on SQLite this also frees the write lock
    return ids


def _assert_exactly_one_won(db, testimony_id, results, winner_status) -> None:
    rows = [r for r in results if isinstance(r, int)]
    losers = [r for r in results if isinstance(r, DecidedMeanwhile)]
    assert len(rows) == 1
    assert len(losers) == 1
    assert losers[0].current is winner_status
    db.session.expire_all()
    assert db.session.get(Testimony, testimony_id).status is winner_status
    decisions = db.session.scalars(select(ReviewDecision)).all()
    assert [d.id for d in decisions] == rows
    assert decisions[0].to_status is winner_status
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "testimony.decided")
        )
        == 1
    )


def test_two_moderators_deciding_at_the_same_moment_one_wins(app, db):
    testimony_id, one, two = _two_moderators_and_a_pending_testimony(db)
    start = threading.Barrier(2, timeout=TIMEOUT)

    def moderator(actor_id, decision):
        def go():
            start.wait()
            return _decide_in_thread(app, testimony_id, actor_id, decision)

        return go

    results = run_threads(
        moderator(one, Decision(S.APPROVED)),
        moderator(two, Decision(S.APPROVED)),
        join_seconds=TIMEOUT * 2,
    )

    _assert_exactly_one_won(db, testimony_id, results, S.APPROVED)


def test_a_decision_waiting_on_an_uncommitted_one_is_refused_once_it_commits(app, db):
    """Moderator two's UPDATE runs while moderator one's is still uncommitted."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the second cannot start meanwhile")
    testimony_id, one, two = _two_moderators_and_a_pending_testimony(db)
    one_updated = threading.Event()
    two_loaded = threading.Event()

    def moderator_one():
        two_loaded.wait(TIMEOUT)

        def hold():
            one_updated.set()
            time.sleep(0.3)  # moderator two's UPDATE now waits on this row's lock

        return _decide_in_thread(
            app, testimony_id, one, Decision(S.REJECTED, R.SPAM), before_commit=hold
        )

    def moderator_two():
        with app.app_context():
            testimony = _db.session.get(Testimony, testimony_id)
            actor = _db.session.get(StaffUser, two)
            assert testimony.status is S.PENDING  # what moderator two sees on the page
            two_loaded.set()
            one_updated.wait(TIMEOUT)
            try:
                decide(actor, testimony, Decision(S.APPROVED), expected=S.PENDING, now=LATER)
            except DecidedMeanwhile as error:
                _db.session.rollback()
                return error
            _db.session.commit()
            return "approved"

    results = run_threads(moderator_one, moderator_two, join_seconds=TIMEOUT * 2)

    _assert_exactly_one_won(db, testimony_id, results, S.REJECTED)
    db.session.expire_all()
    assert db.session.get(Testimony, testimony_id).rejection_reason is R.SPAM


# The running counts the queue shows


def test_status_counts_stay_true_through_decisions_withdrawals_and_expired_objects(db):
    from app.moderation.queries import status_counts

    hearing = make_hearing(now=NOW)
    made = [make_testimony(hearing, now=NOW).testimony for _ in range(5)]
    moderator = make_staff_user()
    decide(moderator, made[0], Decision(S.REJECTED, R.SPAM), expected=S.PENDING, now=LATER)
    set_review_status(made[1], S.REJECTED)  # straight after the insert, nothing loaded
    db.session.commit()  # every object is now expired
    decide(moderator, made[0], Decision(S.APPROVED), expected=S.REJECTED, now=LATER)
    set_review_status(made[1], S.FLAGGED)
    withdraw_testimony(made[2], now=NOW + timedelta(minutes=1))
    db.session.commit()
    made[3].status = S.APPROVED  # a bare attribute change on an expired object
    db.session.flush()

    actual = dict.fromkeys(S, 0) | dict(
        db.session.execute(
            select(Testimony.status, func.count(Testimony.id))
            .where(Testimony.hearing_id == hearing.id)
            .group_by(Testimony.status)
        ).all()
    )
    assert status_counts(hearing) == actual
    assert actual == {S.PENDING: 1, S.APPROVED: 2, S.REJECTED: 0, S.FLAGGED: 1, S.WITHDRAWN: 1}


# Bulk decisions


def test_decide_many_decides_the_hearings_testimony_and_counts_the_rest(db):
    hearing = make_hearing(now=NOW)
    pending = [a_testimony(S.PENDING, hearing) for _ in range(3)]
    withdrawn = a_testimony(S.WITHDRAWN, hearing)
    approved = a_testimony(S.APPROVED, hearing)
    elsewhere = a_testimony(S.PENDING)  # another hearing's testimony, slipped into the form
    moderator = make_staff_user()
    ids = [t.id for t in pending] + [withdrawn.id, approved.id, elsewhere.id, 987654]

    outcome = decide_many(moderator, ids, Decision(S.APPROVED), hearing_id=hearing.id, now=LATER)

    assert (outcome.decided, outcome.skipped) == (3, 4)
    db.session.expire_all()
    assert {t.status for t in pending} == {S.APPROVED}
    assert withdrawn.status is S.WITHDRAWN
    assert approved.status is S.APPROVED
    assert elsewhere.status is S.PENDING
    decided = db.session.scalars(select(ReviewDecision.testimony_id)).all()
    assert sorted(decided) == sorted(t.id for t in pending)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.bulk_decided")
    ).one()
    assert event.actor == f"user:{moderator.id}"
    assert event.data == {
        "hearing_id": hearing.id,
        "to_status": "approved",
        "decided": 3,
        "skipped": 4,
    }


def test_decide_many_rejects_with_the_one_reason_given(db):
    hearing = make_hearing(now=NOW)
    testimonies = [a_testimony(S.PENDING, hearing) for _ in range(2)]

    outcome = decide_many(
        make_staff_user(),
        [t.id for t in testimonies],
        Decision(S.REJECTED, R.DUPLICATE),
        hearing_id=hearing.id,
        now=LATER,
    )

    assert outcome.decided == 2
    assert {(t.status, t.rejection_reason) for t in testimonies} == {(S.REJECTED, R.DUPLICATE)}


def test_decide_many_without_a_reason_for_rejecting_changes_nothing(db):
    hearing = make_hearing(now=NOW)
    testimony = a_testimony(S.PENDING, hearing)
    audit_before = count(db, AuditEvent)

    with pytest.raises(ReasonRequired):
        decide_many(
            make_staff_user(),
            [testimony.id],
            Decision(S.REJECTED),
            hearing_id=hearing.id,
            now=LATER,
        )

    assert testimony.status is S.PENDING
    assert count(db, ReviewDecision) == 0
    assert count(db, AuditEvent) == audit_before


def test_decide_many_skips_one_decided_meanwhile(db, monkeypatch):
    hearing = make_hearing(now=NOW)
    first, second = a_testimony(S.PENDING, hearing), a_testimony(S.PENDING, hearing)
    real_move = services._move_status

    def another_moderator_got_there_first(old_reasons, *args):
        # Between reading the rows and updating them, someone flags the second one.
        db.session.execute(
            update(Testimony).where(Testimony.id == second.id).values(status=S.FLAGGED)
        )
        return real_move(old_reasons, *args)

    monkeypatch.setattr(services, "_move_status", another_moderator_got_there_first)

    outcome = decide_many(
        make_staff_user(),
        [first.id, second.id],
        Decision(S.APPROVED),
        hearing_id=hearing.id,
        now=LATER,
    )

    assert (outcome.decided, outcome.skipped) == (1, 1)
    assert db.session.get(Testimony, second.id).status is S.FLAGGED  # not overruled
    decided = db.session.scalars(select(ReviewDecision.testimony_id)).all()
    assert decided == [first.id]


def test_decide_many_skips_rows_no_longer_in_the_status_the_moderator_saw(db):
    hearing = make_hearing(now=NOW)
    still_pending = a_testimony(S.PENDING, hearing)
    rejected_meanwhile = a_testimony(S.REJECTED, hearing)
    flagged_meanwhile = a_testimony(S.FLAGGED, hearing)

    outcome = decide_many(
        make_staff_user(),
        [still_pending.id, rejected_meanwhile.id, flagged_meanwhile.id],
        Decision(S.APPROVED),
        hearing_id=hearing.id,
        now=LATER,
        seen_status=S.PENDING,
    )

    assert (outcome.decided, outcome.skipped) == (1, 2)
    assert [t.status for t in (still_pending, rejected_meanwhile, flagged_meanwhile)] == [
        S.APPROVED,
        S.REJECTED,
        S.FLAGGED,
    ]


def test_decide_many_of_nothing_decides_nothing(db):
    hearing = make_hearing(now=NOW)
    outcome = decide_many(
        make_staff_user(), [], Decision(S.FLAGGED), hearing_id=hearing.id, now=LATER
    )
    assert (outcome.decided, outcome.skipped) == (0, 0)


# Notes


def test_a_note_is_kept_for_staff_and_its_text_stays_out_of_the_audit_log(db):
    testimony = a_testimony(S.PENDING)
    moderator = make_staff_user()

    note = add_note(moderator, testimony, "Caller says this is her neighbour's address", now=LATER)

    stored = db.session.scalars(select(ModeratorNote)).one()
    assert stored is note
    assert (stored.testimony_id, stored.author_id, stored.created_at) == (
        testimony.id,
        moderator.id,
        LATER,
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.note_added")
    ).one()
    assert event.actor == f"user:{moderator.id}"
    assert event.subject_id == testimony.id
    assert event.data == {"note_id": note.id}
    assert testimony.status is S.PENDING
