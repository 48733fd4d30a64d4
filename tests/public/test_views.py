"""Public hearing pages: the list, one hearing, and the form page when testimony is not open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.hearings.models import Hearing, HearingStatus
from app.platform.timezones import utcnow
from tests.factories import make_body, make_committee, make_hearing, make_measure, section

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def _submit_href(hearing: Hearing) -> str:
    return f'href="/hearings/{hearing.id}/testimony/new"'


# Home page


def test_home_lists_open_and_upcoming_hearings_in_separate_sections(client, db):
    now = utcnow()
    open_hearing = make_hearing(title="Open hearing on the ordinance")
    upcoming = make_hearing(
        title="Upcoming hearing on the moratorium",
        testimony_opens_at=now + timedelta(days=3),
        testimony_closes_at=now + timedelta(days=20),
        speaker_signup_closes_at=now + timedelta(days=19),
        starts_at=now + timedelta(days=20),
    )
    closed = make_hearing(
        title="Closed hearing on the camera policy",
        testimony_opens_at=now - timedelta(days=20),
        testimony_closes_at=now - timedelta(days=1),
        speaker_signup_closes_at=now - timedelta(days=2),
        starts_at=now + timedelta(days=1),
    )
    db.session.commit()

    html = client.get("/").text

    open_section = section(html, "open-heading")
    upcoming_section = section(html, "upcoming-heading")
    assert open_section and upcoming_section
    assert open_hearing.title in open_section
    assert open_hearing.title not in upcoming_section
    assert upcoming.title in upcoming_section
    assert upcoming.title not in open_section
    assert closed.title not in open_section
    assert closed.title not in upcoming_section
    assert closed.title in section(html, "past-heading")


def test_home_says_so_when_nothing_is_open(client, db):
    html = client.get("/").text
    assert "No hearing is taking testimony right now." in html
    assert "No upcoming hearings are scheduled." in html


def test_home_leaves_cancelled_hearings_out_of_open(client, db):
    cancelled = make_hearing(title="Cancelled hearing", cancelled_at=utcnow())
    db.session.commit()
    html = client.get("/").text
    assert cancelled.title not in section(html, "open-heading")
    # Still listed where residents look for what is coming, marked cancelled.
    upcoming = section(html, "upcoming-heading")
    assert cancelled.title in upcoming
    assert "Cancelled" in upcoming


# One hearing


def test_hearing_page_shows_committee_body_time_place_and_measures(client, db):
    body = make_body(name="Massachusetts General Court")
    committee = make_committee(body, name="Joint Committee on the Judiciary")
    bills = [
        make_measure(
            committee,
            number=number,
            title=f"Moratorium bill {number}",
            summary=f"Summary of {number}: pauses face recognition.",
            official_url=f"https://malegislature.gov/Bills/191/{number.replace('.', '')}",
        )
        for number in ("H.1538", "S.1385")
    ]
    hearing = make_hearing(
        committee=committee,
        measures=0,
        location="Gardner Auditorium, Massachusetts State House",
        remote_url="https://malegislature.gov/Events/Hearings",
    )
    hearing.measures = bills
    db.session.commit()

    response = client.get(f"/hearings/{hearing.id}")

    assert response.status_code == 200
    html = response.text
    assert "Joint Committee on the Judiciary" in html
    assert "Massachusetts General Court" in html
    assert "Gardner Auditorium, Massachusetts State House" in html
    assert 'href="https://malegislature.gov/Events/Hearings"' in html
    for bill in bills:
        assert bill.number in html
        assert bill.title in html
        assert bill.summary in html
        assert f'href="{bill.official_url}"' in html
        assert f"Read the official text of {bill.number}" in html


def test_hearing_page_says_when_there_is_no_remote_option(client, db):
    hearing = make_hearing(remote_url=None)
    db.session.commit()
    html = client.get(f"/hearings/{hearing.id}").text
    assert "No remote option" in html
    assert "Remote access information" not in html


def test_hearing_page_shows_deadlines_in_local_winter_time(client, db):
    hearing = make_hearing(
        starts_at=datetime(2026, 12, 8, 19, 0, tzinfo=UTC),
        testimony_opens_at=datetime(2026, 11, 1, 13, 0, tzinfo=UTC),
        testimony_closes_at=datetime(2026, 12, 8, 19, 0, tzinfo=UTC),
        speaker_signup_closes_at=datetime(2026, 12, 7, 22, 0, tzinfo=UTC),
    )
    db.session.commit()

    html = client.get(f"/hearings/{hearing.id}").text

    assert "Tuesday, December 8, 2026 at 2:00 PM EST" in html  # hearing and deadline
    assert "Monday, December 7, 2026 at 5:00 PM EST" in html  # speaker sign-up cut-off
    assert "Sunday, November 1, 2026 at 8:00 AM EST" in html  # window opens (after DST ends)
    assert "7:00 PM" not in html
    assert "UTC" not in html


def test_hearing_page_shows_deadlines_in_local_summer_time(client, db):
    hearing = make_hearing(
        starts_at=datetime(2026, 7, 14, 20, 0, tzinfo=UTC),
        testimony_opens_at=datetime(2026, 6, 1, 13, 0, tzinfo=UTC),
        testimony_closes_at=datetime(2026, 7, 14, 20, 0, tzinfo=UTC),
        speaker_signup_closes_at=datetime(2026, 7, 13, 21, 0, tzinfo=UTC),
    )
    db.session.commit()

    html = client.get(f"/hearings/{hearing.id}").text

    assert "Tuesday, July 14, 2026 at 4:00 PM EDT" in html
    assert "Monday, July 13, 2026 at 5:00 PM EDT" in html
    assert "EST" not in html


def test_hearing_page_uses_the_bodys_time_zone(client, db):
    committee = make_committee(make_body(timezone="America/Los_Angeles"))
    hearing = make_hearing(
        committee=committee,
        starts_at=datetime(2026, 12, 8, 19, 0, tzinfo=UTC),
        testimony_opens_at=datetime(2026, 11, 1, 13, 0, tzinfo=UTC),
        testimony_closes_at=datetime(2026, 12, 8, 19, 0, tzinfo=UTC),
        speaker_signup_closes_at=None,
    )
    db.session.commit()
    html = client.get(f"/hearings/{hearing.id}").text
    assert "Tuesday, December 8, 2026 at 11:00 AM PST" in html


def test_open_hearing_offers_submit_testimony(client, db):
    hearing = make_hearing()
    db.session.commit()
    html = client.get(f"/hearings/{hearing.id}").text
    assert "Open for testimony" in html
    assert "Submit testimony" in html
    assert _submit_href(hearing) in html


@pytest.mark.parametrize(
    ("opens", "closes", "starts", "expected"),
    [
        (3, 10, 11, "Testimony opens on"),  # scheduled
        (-10, -1, 2, "The deadline for written testimony has passed."),  # closed
        (-10, -2, -1, "The deadline for written testimony has passed."),  # held
    ],
    ids=["scheduled", "closed", "held"],
)
def test_hearing_not_open_offers_no_submit(client, db, opens, closes, starts, expected):
    now = utcnow()
    hearing = make_hearing(
        testimony_opens_at=now + timedelta(days=opens),
        testimony_closes_at=now + timedelta(days=closes),
        speaker_signup_closes_at=None,
        starts_at=now + timedelta(days=starts),
    )
    db.session.commit()
    html = client.get(f"/hearings/{hearing.id}").text
    assert expected in html
    assert "Submit testimony" not in html
    assert _submit_href(hearing) not in html


def test_cancelled_hearing_says_so_and_offers_no_submit(client, db):
    hearing = make_hearing(cancelled_at=utcnow())
    db.session.commit()
    html = client.get(f"/hearings/{hearing.id}").text
    assert "This hearing has been cancelled." in html
    assert "Testimony is not being accepted." in html
    assert "Submit testimony" not in html
    assert _submit_href(hearing) not in html


# The form page when testimony is not open


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("scheduled", "Testimony opens on"),
        ("closed", "The deadline for written testimony was"),
        ("cancelled", "This hearing has been cancelled."),
    ],
)
def test_form_page_explains_when_testimony_is_not_open(client, db, kind, expected):
    now = utcnow()
    times = {
        "scheduled": {
            "testimony_opens_at": now + timedelta(days=2),
            "testimony_closes_at": now + timedelta(days=9),
        },
        "closed": {
            "testimony_opens_at": now - timedelta(days=9),
            "testimony_closes_at": now - timedelta(minutes=1),
        },
        "cancelled": {"cancelled_at": now},
    }[kind]
    hearing = make_hearing(speaker_signup_closes_at=None, **times)
    db.session.commit()

    response = client.get(f"/hearings/{hearing.id}/testimony/new")

    assert response.status_code == 200
    html = response.text
    assert "This hearing is not taking testimony" in html
    assert expected in html
    assert hearing.title in html
    assert "testimony-form" not in html  # no testimony form (the language switch is one)
    assert 'name="body"' not in html  # nothing to type testimony into


def test_form_page_shows_the_form_while_open(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = client.get(f"/hearings/{hearing.id}/testimony/new")
    assert response.status_code == 200
    assert "<form" in response.text
    assert "This hearing is not taking testimony" not in response.text


# Errors and hostile text


@pytest.mark.parametrize("path", ["/hearings/999999", "/hearings/999999/testimony/new"])
def test_unknown_hearing_is_a_friendly_404(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "text/html" in response.content_type
    assert "Page not found" in response.text
    assert "Go to the list of hearings" in response.text
    assert "Traceback" not in response.text
    assert "NotFound" not in response.text


def test_hearing_id_that_is_not_a_number_is_404(client, db):
    assert client.get("/hearings/abc").status_code == 404
    assert client.get("/hearings/-1").status_code == 404


HOSTILE = "<script>alert('x')</script>{{ 7*191 }}{% raw %}<img src=x onerror=alert(1)>"


def test_hearing_and_measure_text_is_escaped(client, db):
    committee = make_committee(make_body(name=f"Body {HOSTILE}"), name=f"Committee {HOSTILE}")
    measure = make_measure(
        committee,
        number="<b>#1</b>",
        title=f"Title {HOSTILE}",
        summary=f"Summary {HOSTILE}",
        official_url='https://example.org/"><script>alert(2)</script>',
    )
    hearing = make_hearing(
        committee=committee,
        measures=0,
        title=f"Hearing {HOSTILE}",
        description=f"Description {HOSTILE}",
        location=f"Room {HOSTILE}",
    )
    hearing.measures = [measure]
    db.session.commit()

    for path in ("/", f"/hearings/{hearing.id}", f"/hearings/{hearing.id}/testimony/new"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.text
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert "<b>#1</b>" not in html, path
        assert "1337" not in html, path  # the template syntax was not evaluated
        assert "&lt;script&gt;alert(" in html, path
        assert "{{ 7*191 }}" in html, path


# The model: status derived from times


def _hearing(**overrides) -> Hearing:
    values = {
        "title": "Hearing",
        "testimony_opens_at": NOW - timedelta(days=1),
        "testimony_closes_at": NOW + timedelta(days=7),
        "speaker_signup_closes_at": NOW + timedelta(days=6),
        "starts_at": NOW + timedelta(days=8),
        "cancelled_at": None,
    }
    return Hearing(**(values | overrides))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (NOW - timedelta(days=2), HearingStatus.SCHEDULED),
        (NOW - timedelta(days=1, microseconds=1), HearingStatus.SCHEDULED),
        (NOW - timedelta(days=1), HearingStatus.OPEN),  # opens at exactly this moment
        (NOW, HearingStatus.OPEN),
        (NOW + timedelta(days=7, microseconds=-1), HearingStatus.OPEN),
        (NOW + timedelta(days=7), HearingStatus.CLOSED),  # the deadline is exclusive
        (NOW + timedelta(days=8, microseconds=-1), HearingStatus.CLOSED),
        (NOW + timedelta(days=8), HearingStatus.HELD),
        (NOW + timedelta(days=400), HearingStatus.HELD),
    ],
)
def test_status_follows_the_clock(now, expected):
    assert _hearing().status(now) is expected


def test_status_when_testimony_stays_open_after_the_hearing_starts():
    hearing = _hearing(starts_at=NOW + timedelta(days=3))
    assert hearing.status(NOW + timedelta(days=4)) is HearingStatus.OPEN
    assert hearing.status(NOW + timedelta(days=7)) is HearingStatus.HELD


@pytest.mark.parametrize("days", [-2, 0, 7, 30])
def test_cancelled_wins_over_every_time(days):
    hearing = _hearing(cancelled_at=NOW - timedelta(days=5))
    now = NOW + timedelta(days=days)
    assert hearing.status(now) is HearingStatus.CANCELLED
    assert not hearing.is_accepting_testimony(now)
    assert not hearing.is_accepting_speakers(now)


def test_accepting_testimony_only_while_open():
    hearing = _hearing()
    assert not hearing.is_accepting_testimony(NOW - timedelta(days=2))
    assert hearing.is_accepting_testimony(NOW)
    assert not hearing.is_accepting_testimony(NOW + timedelta(days=7))


def test_speakers_accepted_until_the_sign_up_cut_off():
    hearing = _hearing()
    assert not hearing.is_accepting_speakers(NOW - timedelta(days=2))
    assert hearing.is_accepting_speakers(NOW)
    assert hearing.is_accepting_speakers(NOW + timedelta(days=6, microseconds=-1))
    assert not hearing.is_accepting_speakers(NOW + timedelta(days=6))
    # Written testimony is still welcome after the speaker list closes.
    assert hearing.is_accepting_testimony(NOW + timedelta(days=6, hours=1))


def test_speaker_cut_off_defaults_to_the_testimony_deadline():
    hearing = _hearing(speaker_signup_closes_at=None)
    assert hearing.speaker_signup_deadline == hearing.testimony_closes_at
    assert hearing.is_accepting_speakers(NOW + timedelta(days=7, microseconds=-1))
    assert not hearing.is_accepting_speakers(NOW + timedelta(days=7))


def test_status_values_are_the_documented_names():
    assert {status.value for status in HearingStatus} == {
        "scheduled",
        "open",
        "closed",
        "held",
        "cancelled",
    }
