"""Demo data from the story the project grew from; `flask seed-demo` loads it."""

from __future__ import annotations

from datetime import datetime

from app.demo.actions import load_committee_actions
from app.demo.following import load_following
from app.demo.hearings import load_hearings
from app.demo.organisations import load_organisations
from app.demo.sign_ins import load_sign_ins
from app.demo.speaking import load_hearing_day
from app.demo.testimony import load_testimony
from app.platform.timezones import utcnow


def load_demo(now: datetime | None = None) -> int:
    """Add whatever part of the demo is missing; return how many records were created."""
    now = now or utcnow()
    hearings, created = load_hearings(now)
    created += load_testimony(hearings, now)
    created += load_sign_ins(hearings, now)
    created += load_following(hearings, now)
    created += load_committee_actions(hearings, now)
    created += load_organisations(hearings, now)
    return created + load_hearing_day(hearings, now)
