"""The hearings the public pages list: open ones by soonest deadline, upcoming ones (and a
cancelled one until its date has passed), and recent past ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.hearings.queries import open_hearings, recent_past_hearings, upcoming_hearings
from tests.factories import make_hearing

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def hearing(title, *, opens, closes, starts, cancelled=False):
    return make_hearing(
        title=title,
        testimony_opens_at=NOW + opens,
        testimony_closes_at=NOW + closes,
        speaker_signup_closes_at=NOW + closes,
        starts_at=NOW + starts,
        cancelled_at=NOW - DAY if cancelled else None,
    )


def titles(hearings) -> list[str]:
    return [h.title for h in hearings]


def test_open_hearings_come_soonest_deadline_first_and_leave_out_the_rest(db):
    hearing("Closes later", opens=-DAY, closes=5 * DAY, starts=6 * DAY)
    hearing("Closes soon", opens=-2 * DAY, closes=DAY, starts=2 * DAY)
    hearing("Not open yet", opens=DAY, closes=3 * DAY, starts=4 * DAY)
    hearing("Closed", opens=-5 * DAY, closes=-DAY, starts=DAY)
    hearing("Cancelled", opens=-DAY, closes=2 * DAY, starts=3 * DAY, cancelled=True)
    db.session.flush()
    assert titles(open_hearings(NOW)) == ["Closes soon", "Closes later"]


def test_a_hearing_closing_this_very_moment_is_no_longer_open(db):
    hearing("Closes now", opens=-DAY, closes=timedelta(0), starts=DAY)
    db.session.flush()
    assert open_hearings(NOW) == []
    assert titles(recent_past_hearings(NOW)) == ["Closes now"]


def test_upcoming_hearings_include_a_cancelled_one_until_its_date(db):
    hearing("In a month", opens=20 * DAY, closes=25 * DAY, starts=30 * DAY)
    hearing("Next week", opens=2 * DAY, closes=5 * DAY, starts=7 * DAY)
    hearing("Cancelled, still ahead", opens=-DAY, closes=DAY, starts=3 * DAY, cancelled=True)
    hearing("Cancelled, past", opens=-9 * DAY, closes=-8 * DAY, starts=-7 * DAY, cancelled=True)
    hearing("Open now", opens=-DAY, closes=DAY, starts=2 * DAY)
    db.session.flush()
    assert titles(upcoming_hearings(NOW)) == [
        "Cancelled, still ahead",
        "Next week",
        "In a month",
    ]


def test_recent_past_hearings_are_the_latest_first_cancelled_left_out(db):
    for weeks in range(1, 5):
        start = -7 * weeks * DAY
        hearing(f"{weeks} weeks ago", opens=start - 3 * DAY, closes=start - DAY, starts=start)
    hearing("Cancelled", opens=-9 * DAY, closes=-8 * DAY, starts=-7 * DAY, cancelled=True)
    db.session.flush()
    assert titles(recent_past_hearings(NOW, limit=3)) == [
        "1 weeks ago",
        "2 weeks ago",
        "3 weeks ago",
    ]
