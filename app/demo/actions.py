"""What the committee did after the demo's held hearing: it kept the ordinance in committee for
a working session on the amendments proposed at the hearing (the demo's open hearing), as the
Boston City Council's Committee on Government Operations did with Docket #0683 in June 2020
before reporting it and the Council passing it unanimously."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Role
from app.demo.staff import demo_staff
from app.hearings.actions import CommitteeAction, CommitteeActionKind
from app.hearings.models import Hearing
from app.platform.extensions import db

NOTE = (
    "Kept in committee for a working session on the amendments proposed at the hearing. "
    "The committee will then report the ordinance to the full Council."
)


def load_committee_actions(hearings: dict[str, Hearing], now: datetime) -> int:
    """The held hearing's measure gets its committee action once; return how many records
    were created. Written directly, not through record_action: loading the demo tells no one."""
    held = hearings["held"]
    measure = held.measures[0]
    exists = db.session.scalar(
        select(CommitteeAction.id).where(CommitteeAction.measure_id == measure.id)
    )
    if exists is not None:
        return 0
    clerk, created = demo_staff("demo-clerk@example.gov", "Demo Clerk", Role.CLERK, now)
    db.session.add(
        CommitteeAction(
            measure_id=measure.id,
            hearing_id=held.id,
            kind=CommitteeActionKind.HELD,
            taken_on=held.starts_at.astimezone(ZoneInfo(held.timezone)).date(),
            note=NOTE,
            recorded_by_id=clerk.id,
            recorded_at=held.starts_at,
        )
    )
    db.session.flush()
    return created + 1
