"""The demo's held hearing comes with its day run: who spoke, for how long, a no-show and a
walk-in; loading the demo again changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from app.demo import load_demo
from app.demo.speaking import WALK_IN
from app.hearings.models import Hearing
from app.platform.audit import AuditEvent
from app.speaking import services
from app.speaking.models import SpeakerStatus


def test_the_held_hearing_shows_who_spoke(db):
    load_demo()
    db.session.commit()
    hearing = next(
        h
        for h in db.session.scalars(select(Hearing))
        if services.speakers(h) and services.run_sheet(h).published_at is not None
    )
    everyone = services.speakers(hearing)
    outcomes = [s.status for s in everyone]
    assert outcomes.count(SpeakerStatus.NO_SHOW) == 1
    assert SpeakerStatus.SPOKE in outcomes
    assert SpeakerStatus.SPEAKING not in outcomes
    walk_in = next(s for s in everyone if s.full_name == WALK_IN)
    assert walk_in.is_walk_in and walk_in.status is SpeakerStatus.SPOKE
    assert all(s.seconds_used for s in everyone if s.status is SpeakerStatus.SPOKE)
    assert hearing.starts_at <= min(s.started_at for s in everyone if s.started_at)


def test_loading_the_demo_again_leaves_the_day_alone(db):
    load_demo()
    db.session.commit()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert load_demo() == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
