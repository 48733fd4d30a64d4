"""Two staff screens calling the next speaker at the same moment move the queue by one.

Both screens show run sheet version n and send it with "Call next". The first call to take
the run sheet's row lock (`services.lock_sheet`: SELECT ... FOR UPDATE) calls the next speaker
and makes the version n+1; the second waits on the lock until the first commits, then reads
n+1 and is refused with StaleSheet, changing nothing.

On SQLite every writing transaction starts with BEGIN IMMEDIATE (app/platform/database.py), so
the second call waits for the first to commit before it reads anything: no two calls race.
The same outcome through the console's own requests, on both databases, is
tests/speaking/test_console_views.py::test_two_screens_calling_next_at_once_move_the_queue_by_one.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role, StaffUser
from app.hearings.models import Hearing
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.speaking import floor, services
from app.speaking.models import SpeakerStatus
from app.speaking.services import StaleSheet
from tests.factories import make_hearing, make_staff_user
from tests.speaking.helpers import propose, sign_up

TIMEOUT = 10


def test_two_screens_calling_next_at_once_move_the_queue_by_one(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers with BEGIN IMMEDIATE: no two requests race")
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    seen = services.run_sheet(hearing).version
    hearing_id, clerk_id = hearing.id, clerk.id
    db.session.commit()

    barrier = threading.Barrier(2, timeout=TIMEOUT)
    outcomes: list = [None, None]
    errors: list[BaseException] = []

    def call(index: int) -> None:
        # Each screen is its own request: an app context, a session and a connection of its own.
        try:
            with app.app_context():
                actor = _db.session.get(StaffUser, clerk_id)
                target = _db.session.get(Hearing, hearing_id)
                _db.session.commit()  # loaded; nothing held while waiting at the barrier
                barrier.wait()
                try:
                    called = floor.call_next(actor, target, seen_version=seen, now=utcnow())
                    _db.session.commit()
                    outcomes[index] = called.full_name
                except StaleSheet as refused:
                    _db.session.rollback()
                    outcomes[index] = refused
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a call hung"
    assert not errors, errors

    assert sorted(outcomes, key=lambda o: isinstance(o, StaleSheet))[0] == "Ana Reyes"
    assert sum(isinstance(o, StaleSheet) for o in outcomes) == 1
    db.session.expire_all()
    hearing = db.session.get(Hearing, hearing_id)
    assert [(s.full_name, s.status) for s in services.speakers(hearing)] == [
        ("Ana Reyes", SpeakerStatus.SPEAKING),
        ("Bo Chen", SpeakerStatus.WAITING),
        ("Cy Dubois", SpeakerStatus.WAITING),
    ]
    assert services.run_sheet(hearing).version == seen + 1
    called = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "speaker.called")
    )
    assert called == 1
