"""Two actors on the same sign-ins at once: the running counts always equal a recount.

Each pair runs in two threads with their own app context (their own session and connection),
released together: on PostgreSQL they really overlap and the row locks decide; on SQLite the
write lock makes one wait for the other. Either way, what each one finds must be what the other
left, and the tallies must equal counting the rows afterwards."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.signins import identity, review, services, tallies
from app.signins.models import SignIn
from app.testimony.models import Position, RejectionReason
from tests.factories import make_hearing, make_sign_in, make_sign_in_submission, make_staff_user

TIMEOUT = 20


def at_once(app, *actions) -> list:
    """Run each action in its own thread and transaction, released together; their results
    (or the exception each raised)."""
    barrier = threading.Barrier(len(actions), timeout=TIMEOUT)
    results: list = [None] * len(actions)

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[index] = actions[index]()
                _db.session.commit()
            except BaseException as error:  # reported to the test
                _db.session.rollback()
                results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "an action hung"
    return results


def recount(hearing_id: int) -> Counter:
    counted: Counter = Counter()
    for sign_in in _db.session.scalars(select(SignIn).where(SignIn.hearing_id == hearing_id)):
        for position in sign_in.positions:
            counted[(position.measure_id, position.position.value, sign_in.tally_state)] += 1
    return counted


def tallied(hearing_id: int) -> Counter:
    return Counter({key: n for key, n in tallies.counts([hearing_id])[hearing_id].items() if n})


def test_withdrawing_disputing_and_rejecting_at_once_keep_the_counts_true(app, db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    moderator = make_staff_user()
    both = ((first.id, Position.SUPPORT), (second.id, Position.OPPOSE))
    ids = [
        make_sign_in(hearing, email=f"c{n}@example.org", positions=both).sign_in_id
        for n in range(6)
    ]
    hearing_id, moderator_id = hearing.id, moderator.id
    db.session.commit()

    def withdraw(sign_in_id):
        def act():
            sign_in = _db.session.get(SignIn, sign_in_id)
            services.withdraw_sign_in(sign_in, now=utcnow(), seen_version=1)

        return act

    def dispute(sign_in_id):
        def act():
            sign_in = _db.session.get(SignIn, sign_in_id)
            identity.record(sign_in, identity.DISPUTE, now=utcnow())

        return act

    def reject(sign_in_ids):
        def act():
            actor = _db.session.get(type(moderator), moderator_id)
            return review.decide(
                actor,
                hearing_id,
                sign_in_ids,
                review.SignInStatus.REJECTED,
                reason=RejectionReason.SPAM,
                now=utcnow(),
            )

        return act

    for sign_in_id in ids[:3]:
        results = at_once(app, withdraw(sign_in_id), reject([sign_in_id]))
        assert not any(isinstance(r, BaseException) for r in results), results
    for sign_in_id in ids[3:]:
        results = at_once(app, dispute(sign_in_id), reject([sign_in_id]))
        assert not any(isinstance(r, BaseException) for r in results), results

    db.session.expire_all()
    assert tallied(hearing_id) == recount(hearing_id)


def test_two_tabs_changing_one_sign_in_at_once_change_it_once(app, db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    receipt = make_sign_in(hearing, positions=((first.id, Position.SUPPORT),))
    # Plain values: reading an attribute after the commit would begin a transaction here,
    # and on SQLite that one would hold the write lock the threads need.
    hearing_id, first_id, second_id = hearing.id, first.id, second.id
    db.session.commit()

    def change(positions):
        def act():
            sign_in = _db.session.get(SignIn, receipt.sign_in_id)
            return services.change_positions(sign_in, positions, now=utcnow(), seen_version=1)

        return act

    results = at_once(
        app,
        change(((first_id, Position.OPPOSE),)),
        change(((second_id, Position.NEUTRAL),)),
    )
    assert sorted(type(r).__name__ for r in results) == ["ChangedMeanwhile", "bool"], [
        repr(r) for r in results
    ]
    db.session.expire_all()
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    assert sign_in.version == 2 and len(sign_in.positions) == 1
    assert tallied(hearing_id) == recount(hearing_id)


def test_the_same_form_twice_at_once_is_one_sign_in(app, db):
    hearing = make_hearing()
    submission = make_sign_in_submission(hearing)
    hearing_id = hearing.id
    db.session.commit()

    def send():
        from app.hearings.models import Hearing

        return services.record_sign_in(
            _db.session.get(Hearing, hearing_id), submission, now=utcnow()
        )

    first, second = at_once(app, send, send)
    assert first == second
    db.session.expire_all()
    assert len(db.session.scalars(select(SignIn)).all()) == 1
    assert tallied(hearing_id) == recount(hearing_id)
