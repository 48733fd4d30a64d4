"""The calendar SEQUENCE of a hearing rises when residents' calendars must change (time, place,
cancelled or back on), and only then; the row's updated_at follows every change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.hearings import services
from tests.factories import make_hearing, make_staff_user


@pytest.fixture
def clerk(db):
    return make_staff_user(Role.CLERK)


def save(clerk, hearing, **changes) -> None:
    values = {
        "title": hearing.title,
        "description": hearing.description,
        "starts_at": hearing.starts_at,
        "location": hearing.location,
        "remote_url": hearing.remote_url,
        "testimony_opens_at": hearing.testimony_opens_at,
        "testimony_closes_at": hearing.testimony_closes_at,
        "speaker_signup_closes_at": hearing.speaker_signup_closes_at,
        "measure_ids": tuple(m.id for m in hearing.measures),
    }
    details = services.HearingDetails(**(values | changes))
    services.save_hearing(clerk, details, hearing=hearing, now=hearing.created_at)


@pytest.mark.parametrize(
    "change",
    [
        lambda h: {"starts_at": h.starts_at + timedelta(days=1)},
        lambda h: {"location": "Piemonte Room, Boston City Hall"},
        lambda h: {"remote_url": "https://example.org/another-meeting"},
    ],
    ids=["time", "place", "remote link"],
)
def test_a_new_time_or_place_raises_the_sequence(db, clerk, change):
    hearing = make_hearing()
    save(clerk, hearing, **change(hearing))
    assert hearing.calendar_sequence == 1


def test_other_edits_leave_it_but_mark_the_row_changed(db, clerk):
    hearing = make_hearing()
    before = hearing.updated_at
    save(clerk, hearing, title="A clearer title", description="More about the hearing.")
    assert hearing.calendar_sequence == 0
    assert hearing.updated_at > before


def test_cancelling_and_reinstating_each_raise_it_once(db, clerk):
    hearing = make_hearing()
    services.cancel_hearing(clerk, hearing, now=hearing.created_at)
    services.cancel_hearing(clerk, hearing, now=hearing.created_at)  # already cancelled
    assert hearing.calendar_sequence == 1
    services.reinstate_hearing(clerk, hearing, now=hearing.created_at)
    assert hearing.calendar_sequence == 2
