"""The demo's held hearing has the committee's action on its ordinance, shown on its public
page; loading the demo again adds no second one."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.demo import load_demo
from app.hearings.actions import COMMITTEE_ACTED, CommitteeAction, CommitteeActionKind
from app.platform.jobs import Job


def test_the_held_hearings_measure_has_its_action_on_the_public_page(client, db):
    load_demo()
    db.session.commit()
    [action] = db.session.scalars(select(CommitteeAction))
    assert action.kind is CommitteeActionKind.HELD
    assert action.hearing.starts_at.date() <= action.recorded_at.date()
    assert action.measure in action.hearing.measures
    # Loading the demo tells no one.
    assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == COMMITTEE_ACTED)) == 0

    page = re.sub(r"<[^>]+>", "", client.get(f"/hearings/{action.hearing_id}").text)
    assert "Committee action: Held in committee" in page
    assert "working session" in page

    assert load_demo() == 0
    assert db.session.scalar(select(func.count(CommitteeAction.id))) == 1
