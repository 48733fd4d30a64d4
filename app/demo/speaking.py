"""The demo's held hearing as its day went: the run sheet, who spoke for how long, a no-show
and a walk-in, so the speaker list and the console show a finished hearing."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.accounts.models import Role
from app.demo.staff import demo_staff
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.speaking import floor, services
from app.speaking.models import OrderRule, RunSheet, SpeakerMode, SpeakerStatus
from app.testimony.models import Position

# Seconds each called speaker used, in turn; the second one called is not there.
USED = (165, None, 178, 142, 180)
WALK_IN = "Keisha Brown"


def load_hearing_day(hearings: dict[str, Hearing], now: datetime) -> int:
    """Run the held hearing's speakers once; return how many records were created."""
    hearing = hearings["held"]
    if hearing.starts_at >= now or db.session.get(RunSheet, hearing.id) is not None:
        return 0
    clerk, created = demo_staff("demo-clerk@example.gov", "Demo Clerk", Role.CLERK, now)
    start = hearing.starts_at
    services.refresh(clerk, hearing, now=start - timedelta(hours=2))
    services.propose_order(
        clerk,
        hearing,
        rule=OrderRule.ALTERNATE,
        officials_first=False,
        group_interpreters=True,
        seen_version=services.run_sheet(hearing).version,
        now=start - timedelta(hours=2),
    )
    # Told by e-mail at the time; the demo sends nothing.
    services.run_sheet(hearing).published_at = start - timedelta(hours=2)
    floor.add_walk_in(
        clerk,
        hearing,
        floor.WalkIn(
            full_name=WALK_IN,
            city="Mattapan",
            organization=None,
            measure_id=hearing.measures[0].id,
            position=Position.SUPPORT,
            mode=SpeakerMode.IN_PERSON,
            interpreter_language_id=None,
            interpreter_other=None,
            language="en",
        ),
        now=start - timedelta(minutes=5),
    )
    moment = start + timedelta(minutes=10)
    for used in USED:
        waiting = [s for s in services.speakers(hearing) if s.status is SpeakerStatus.WAITING]
        if not waiting:
            break
        version = services.run_sheet(hearing).version
        if used is None:
            floor.mark_no_show(clerk, hearing, waiting[0].id, seen_version=version, now=moment)
            continue
        floor.call_next(clerk, hearing, seen_version=version, now=moment)
        moment += timedelta(seconds=used)
    floor.finish_current(
        clerk, hearing, seen_version=services.run_sheet(hearing).version, now=moment
    )
    return created + len(services.speakers(hearing)) + 1
