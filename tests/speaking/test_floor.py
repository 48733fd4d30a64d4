"""The hearing day's services: calling speakers, no-shows, skipping, walk-ins, the kiosk and
what the room is shown, on the real services and database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.speaking import floor, services
from app.speaking.models import SpeakerMode, SpeakerStatus
from app.speaking.services import NotOnSheet, StaleSheet
from app.testimony.models import Position
from tests.factories import make_hearing, make_staff_user, snapshot
from tests.speaking.helpers import names, propose, sign_up, version

T0 = utcnow().replace(microsecond=0)


@pytest.fixture
def clerk(db):
    return make_staff_user(Role.CLERK, name="Casey Clerk")


@pytest.fixture
def hearing(db, clerk):
    """Three residents in first-come order: Ana, Bo, Cy."""
    hearing = make_hearing(speaker_minutes=3)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    return hearing


def _status(hearing) -> list[tuple[str, SpeakerStatus, int | None]]:
    return [(s.full_name, s.status, s.place) for s in services.speakers(hearing)]


def _actions(db) -> list[tuple[str, str]]:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("speaker.%")).order_by(AuditEvent.id)
    )
    return [(e.actor, e.action) for e in events]


def _walk_in(hearing, name="Dee Walker", **overrides) -> floor.WalkIn:
    values = {
        "full_name": name,
        "city": "Roxbury",
        "organization": None,
        "measure_id": hearing.measures[0].id,
        "position": Position.OPPOSE,
        "mode": SpeakerMode.IN_PERSON,
        "interpreter_language_id": None,
        "interpreter_other": None,
        "language": None,
    }
    return floor.WalkIn(**(values | overrides))


def test_call_next_marks_the_speaker_spoke_and_times_them(db, clerk, hearing):
    first = floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    assert first.full_name == "Ana Reyes"
    assert first.status is SpeakerStatus.SPEAKING
    assert first.started_at == T0
    assert services.run_sheet(hearing).floor_opened_at == T0

    second = floor.call_next(
        clerk, hearing, seen_version=version(hearing), now=T0 + timedelta(seconds=150)
    )
    assert second.full_name == "Bo Chen"
    ana = services.speakers(hearing)[0]
    assert ana.status is SpeakerStatus.SPOKE
    assert ana.ended_at == T0 + timedelta(seconds=150)
    assert ana.seconds_used == 150
    # The floor opened at the first call, and stays so.
    assert services.run_sheet(hearing).floor_opened_at == T0
    spoke = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "speaker.spoke"))
    assert [e.data["seconds"] for e in spoke] == [150]


def test_call_next_with_nobody_waiting_ends_the_last_speaker(db, clerk):
    hearing = make_hearing()
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    propose(clerk, hearing)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    assert floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0) is None
    assert _status(hearing) == [("Ana Reyes", SpeakerStatus.SPOKE, 1)]


def test_finish_current_marks_spoke_and_calls_nobody(db, clerk, hearing):
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    floor.finish_current(
        clerk, hearing, seen_version=version(hearing), now=T0 + timedelta(seconds=61)
    )
    assert _status(hearing) == [
        ("Ana Reyes", SpeakerStatus.SPOKE, 1),
        ("Bo Chen", SpeakerStatus.WAITING, 2),
        ("Cy Dubois", SpeakerStatus.WAITING, 3),
    ]
    assert services.speakers(hearing)[0].seconds_used == 61
    with pytest.raises(floor.NotWaiting):
        floor.finish_current(clerk, hearing, seen_version=version(hearing), now=T0)


def test_a_no_show_is_never_called(db, clerk, hearing):
    bo = services.speakers(hearing)[1]
    floor.mark_no_show(clerk, hearing, bo.id, seen_version=version(hearing), now=T0)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    assert [(n, s) for n, s, _place in _status(hearing)] == [
        ("Bo Chen", SpeakerStatus.NO_SHOW),
        ("Ana Reyes", SpeakerStatus.SPOKE),
        ("Cy Dubois", SpeakerStatus.SPEAKING),
    ]
    # Called and not at the microphone: the one speaking can be a no-show too.
    cy = services.speakers(hearing)[2]
    floor.mark_no_show(clerk, hearing, cy.id, seen_version=version(hearing), now=T0)
    assert cy.status is SpeakerStatus.NO_SHOW
    assert cy.started_at is None
    # A no-show is done: it cannot be marked again, or skipped.
    with pytest.raises(floor.NotWaiting):
        floor.mark_no_show(clerk, hearing, bo.id, seen_version=version(hearing), now=T0)
    with pytest.raises(floor.NotWaiting):
        floor.skip_to_later(clerk, hearing, bo.id, seen_version=version(hearing), now=T0)


def test_skip_to_later_moves_a_speaker_to_the_end(db, clerk, hearing):
    ana = services.speakers(hearing)[0]
    floor.skip_to_later(clerk, hearing, ana.id, seen_version=version(hearing), now=T0)
    assert _status(hearing) == [
        ("Bo Chen", SpeakerStatus.WAITING, 1),
        ("Cy Dubois", SpeakerStatus.WAITING, 2),
        ("Ana Reyes", SpeakerStatus.WAITING, 3),
    ]
    # Called but not ready: back to the end of those waiting, the clock stopped.
    bo = floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    floor.skip_to_later(clerk, hearing, bo.id, seen_version=version(hearing), now=T0)
    assert _status(hearing) == [
        ("Cy Dubois", SpeakerStatus.WAITING, 1),
        ("Ana Reyes", SpeakerStatus.WAITING, 2),
        ("Bo Chen", SpeakerStatus.WAITING, 3),
    ]
    assert bo.started_at is None
    assert floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0).id != bo.id


def test_a_walk_in_joins_the_end_of_the_list(db, clerk, hearing):
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    speaker = floor.add_walk_in(clerk, hearing, _walk_in(hearing), now=T0)
    assert speaker.is_walk_in
    assert speaker.status is SpeakerStatus.WAITING
    assert names(services.speakers(hearing))[-1] == "Dee Walker"
    assert speaker.place == 4
    assert speaker.city == "Roxbury"
    assert speaker.position is Position.OPPOSE
    # From the kiosk: nobody on the staff is the actor.
    floor.add_walk_in(None, hearing, _walk_in(hearing, "Eve Ng"), now=T0)
    walk_ins = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "speaker.walk_in").order_by(AuditEvent.id)
    ).all()
    assert [e.actor for e in walk_ins] == [clerk.audit_name, floor.KIOSK]
    assert walk_ins[0].data == {"place": 4, "waitlisted": False}


def test_a_walk_in_waits_on_the_waitlist_when_the_hearing_is_full(db, clerk):
    hearing = make_hearing(max_speakers=2)
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20)
    propose(clerk, hearing)
    speaker = floor.add_walk_in(clerk, hearing, _walk_in(hearing), now=T0)
    assert speaker.status is SpeakerStatus.WAITLISTED
    assert _status(hearing)[-1] == ("Dee Walker", SpeakerStatus.WAITLISTED, 3)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "speaker.walk_in"))
    assert event.data["waitlisted"] is True


def test_a_walk_in_on_a_measure_not_on_the_agenda_is_refused(db, clerk, hearing):
    other = make_hearing()
    before = snapshot(db)
    with pytest.raises(floor.UnknownMeasure):
        floor.add_walk_in(
            clerk, hearing, _walk_in(hearing, measure_id=other.measures[0].id), now=T0
        )
    assert snapshot(db) == before


def test_every_action_is_audited(db, clerk, hearing):
    _ana, bo, cy = services.speakers(hearing)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    floor.mark_no_show(clerk, hearing, bo.id, seen_version=version(hearing), now=T0)
    floor.skip_to_later(clerk, hearing, cy.id, seen_version=version(hearing), now=T0)
    floor.add_walk_in(clerk, hearing, _walk_in(hearing), now=T0)
    floor.finish_current(clerk, hearing, seen_version=version(hearing), now=T0)
    floor.open_kiosk(clerk, hearing, now=T0)
    floor.close_kiosk(clerk, hearing, now=T0)
    me = clerk.audit_name
    assert _actions(db) == [
        (me, "speaker.called"),
        (me, "speaker.no_show"),
        (me, "speaker.skipped"),
        (me, "speaker.walk_in"),
        (me, "speaker.spoke"),
    ]
    kiosk = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("kiosk.%")).order_by(AuditEvent.id)
    ).all()
    assert kiosk == ["kiosk.opened", "kiosk.closed"]


@pytest.mark.parametrize("action", ["call_next", "finish_current", "mark_no_show", "skip_to_later"])
def test_an_action_from_a_page_that_is_out_of_date_changes_nothing(db, clerk, hearing, action):
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    seen = version(hearing)
    # Another screen acts first.
    floor.add_walk_in(clerk, hearing, _walk_in(hearing), now=T0)
    before = snapshot(db)
    bo = services.speakers(hearing)[1]
    arguments = (bo.id,) if action in ("mark_no_show", "skip_to_later") else ()
    with pytest.raises(StaleSheet):
        getattr(floor, action)(clerk, hearing, *arguments, seen_version=seen, now=T0)
    assert snapshot(db) == before


def test_a_speaker_of_another_hearing_is_not_on_this_list(db, clerk, hearing):
    other = make_hearing()
    sign_up(other, "Zoe Park", minutes_ago=5)
    propose(clerk, other)
    [zoe] = services.speakers(other)
    with pytest.raises(NotOnSheet):
        floor.mark_no_show(clerk, hearing, zoe.id, seen_version=version(hearing), now=T0)
    with pytest.raises(NotOnSheet):
        floor.skip_to_later(clerk, hearing, 10**6, seen_version=version(hearing), now=T0)


def test_the_kiosk_link_works_until_it_is_closed_or_replaced(db, clerk, hearing):
    first = floor.open_kiosk(clerk, hearing, now=T0)
    assert floor.sheet_for_kiosk(first).hearing_id == hearing.id
    # Only a hash is kept.
    assert services.run_sheet(hearing).kiosk_token_hash == floor.kiosk_hash(first)
    second = floor.open_kiosk(clerk, hearing, now=T0)
    assert floor.sheet_for_kiosk(first) is None
    assert floor.sheet_for_kiosk(second).hearing_id == hearing.id
    floor.close_kiosk(clerk, hearing, now=T0)
    assert floor.sheet_for_kiosk(second) is None
    assert floor.sheet_for_kiosk("") is None
    assert floor.sheet_for_kiosk("x" * 5000) is None


def test_the_floor_shows_names_measures_and_positions_only(db, clerk, hearing):
    floor.add_walk_in(
        clerk, hearing, _walk_in(hearing, organization="ACLU of Massachusetts"), now=T0
    )
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0 + timedelta(minutes=2))
    sheet = services.run_sheet(hearing)
    board = floor.floor(hearing, sheet, services.speakers(hearing), "en")
    assert board.version == sheet.version
    assert board.now_speaking.name == "Bo Chen"
    assert board.started_at == T0 + timedelta(minutes=2)
    assert board.seconds_allowed == 180
    assert [s.name for s in board.up_next] == ["Cy Dubois", "Dee Walker"]
    assert board.up_next[1].organization == "ACLU of Massachusetts"
    assert board.up_next[1].measure == hearing.measures[0].number
    assert (board.waiting, board.spoke) == (2, 1)
    shown = str(board.as_json())
    for private in ("@example.org", "Dorchester", "Roxbury", "Example Street"):
        assert private not in shown
    # Before any sheet exists, the floor is empty at version 0.
    empty = floor.floor(make_hearing(), None, [], "en")
    assert (empty.version, empty.now_speaking, empty.up_next) == (0, None, ())
