"""The demo has one confirmed follower of the Boston ordinance; loading again adds none."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import load_demo
from app.demo.following import FOLLOWER_EMAIL
from app.following.models import Follower, SubjectKind
from app.hearings.models import Measure


def test_the_demo_has_a_confirmed_follower_of_the_ordinance(db):
    load_demo()
    db.session.commit()
    follower = db.session.scalars(select(Follower)).one()
    assert follower.email == FOLLOWER_EMAIL and follower.is_active
    (follow,) = follower.follows
    assert follow.subject_kind is SubjectKind.MEASURE and follow.confirmed_at is not None
    assert db.session.get(Measure, follow.subject_id).number == "Docket #0683"
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(Follower)) == 1
