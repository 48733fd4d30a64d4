"""The calendars and the Atom feed, read back the way calendar programs and feed readers read
them: with the icalendar library and an XML parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from icalendar import Calendar

from app.accounts.models import Role
from app.hearings import services
from app.public import feeds
from tests.factories import make_body, make_committee, make_hearing, make_staff_user

SITE = feeds.Site("https://testimony.example.gov/")
A = "{http://www.w3.org/2005/Atom}"


def read(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def events(data: bytes) -> list:
    return read(data).walk("VEVENT")


def details_of(hearing, **changes) -> services.HearingDetails:
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
    return services.HearingDetails(**(values | changes))


def test_an_event_has_the_hearings_facts(db):
    hearing = make_hearing(title="Hearing on a ban of face surveillance")
    data = feeds.calendar([hearing], name="Boston City Council", site=SITE)

    cal = read(data)
    assert cal["VERSION"] == "2.0"
    assert cal["METHOD"] == "PUBLISH"
    assert cal["PRODID"] == feeds.PRODID
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == f"hearing-{hearing.id}@testimony.example.gov"
    assert str(event["SUMMARY"]) == "Hearing on a ban of face surveillance"
    assert str(event["LOCATION"]) == "Iannella Chamber, Boston City Hall"
    assert str(event["URL"]) == f"https://testimony.example.gov/hearings/{hearing.id}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["SEQUENCE"] == 0
    # To the second: iCalendar has no fractions of one.
    assert event.decoded("DTSTART") == hearing.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == feeds.HEARING_LENGTH
    assert event.decoded("DTSTAMP") == hearing.updated_at.replace(microsecond=0)
    description = str(event["DESCRIPTION"])
    measure = hearing.measures[0]
    assert f"{measure.number}: {measure.title}" in description
    assert "Written testimony accepted from" in description
    assert f"https://testimony.example.gov/hearings/{hearing.id}" in description


def test_the_uid_stays_and_the_sequence_rises_when_the_hearing_moves(db):
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    [before] = events(feeds.calendar([hearing], name="x", site=SITE))

    services.save_hearing(
        clerk,
        details_of(hearing, starts_at=hearing.starts_at + timedelta(hours=2)),
        hearing=hearing,
        now=hearing.created_at,
    )
    [moved] = events(feeds.calendar([hearing], name="x", site=SITE))

    assert str(moved["UID"]) == str(before["UID"])
    assert moved["SEQUENCE"] == before["SEQUENCE"] + 1
    assert moved.decoded("DTSTART") - before.decoded("DTSTART") == timedelta(hours=2)


def test_a_cancelled_hearing_stays_in_the_feed_marked_cancelled(db):
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    services.cancel_hearing(clerk, hearing, now=hearing.created_at)

    [event] = events(feeds.calendar([hearing], name="x", site=SITE))

    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1
    assert "This hearing has been cancelled." in str(event["DESCRIPTION"])


def test_times_are_local_with_the_right_offset_either_side_of_daylight_saving(db):
    committee = make_committee(make_body(timezone="America/New_York"))
    july = datetime(2027, 7, 15, 14, 0, tzinfo=UTC)  # 10:00 EDT (UTC-4)
    january = datetime(2027, 1, 14, 15, 0, tzinfo=UTC)  # 10:00 EST (UTC-5)
    summer = make_hearing(committee=committee, now=july - timedelta(days=7), starts_at=july)
    winter = make_hearing(committee=committee, now=january - timedelta(days=7), starts_at=january)

    data = feeds.calendar([winter, summer], name="x", site=SITE)

    text = data.decode()
    assert "DTSTART;TZID=America/New_York:20270114T100000" in text
    assert "DTSTART;TZID=America/New_York:20270715T100000" in text
    cal = read(data)
    [zone] = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    offsets = {
        (str(part["TZNAME"]), part.decoded("TZOFFSETTO")) for part in zone.walk("DAYLIGHT")
    } | {(str(part["TZNAME"]), part.decoded("TZOFFSETTO")) for part in zone.walk("STANDARD")}
    assert ("EDT", timedelta(hours=-4)) in offsets
    assert ("EST", timedelta(hours=-5)) in offsets
    first, second = cal.walk("VEVENT")
    assert first.decoded("DTSTART").utcoffset() == timedelta(hours=-5)
    assert second.decoded("DTSTART").utcoffset() == timedelta(hours=-4)
    assert first.decoded("DTSTART").hour == second.decoded("DTSTART").hour == 10
    assert first.decoded("DTSTART") == january
    assert second.decoded("DTSTART") == july


@pytest.mark.parametrize(
    "title",
    [
        "Hearing, on; face surveillance: a \\ backslash",
        "جلسة استماع حول حظر المراقبة بالوجه",
        "關於禁止人臉監控的聽證會，第二場",  # noqa: RUF001 (a Chinese comma, on purpose)
        "<script>alert(1)</script> & more",
    ],
)
def test_text_survives_escaping(db, title):
    hearing = make_hearing(title=title, location="Room 801; City Hall, 1 City Hall Sq\nBoston")
    hearing.measures[0].title = "Ordinance, amended;\nsecond line 人臉"

    data = feeds.calendar([hearing], name=f"{title} calendar", site=SITE)

    raw = data.decode()
    assert "Room 801\\; City Hall\\, 1 City Hall Sq\\nBoston" in raw
    cal = read(data)
    assert str(cal["X-WR-CALNAME"]) == f"{title} calendar"
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert str(event["LOCATION"]) == "Room 801; City Hall, 1 City Hall Sq\nBoston"
    assert "Ordinance, amended;\nsecond line 人臉" in str(event["DESCRIPTION"])
    # Folded lines never exceed 75 octets (RFC 5545, 3.1).
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))


def test_an_empty_calendar_is_still_a_calendar(db):
    cal = read(feeds.calendar([], name="Nothing scheduled", site=SITE))
    assert cal.walk("VEVENT") == []
    assert str(cal["X-WR-CALNAME"]) == "Nothing scheduled"


# Atom


def parse(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314 (our own output)


def test_the_atom_feed_is_valid_and_lists_hearings_newest_first(db):
    older = make_hearing(title="Older hearing")
    older.created_at = datetime(2026, 10, 1, tzinfo=UTC)
    newer = make_hearing(title="Newer hearing")
    newer.created_at = datetime(2026, 11, 1, tzinfo=UTC)

    data = feeds.atom(
        [newer, older],
        title="New hearings",
        feed_url="https://testimony.example.gov/hearings.atom",
        page_url="https://testimony.example.gov/",
        site=SITE,
    )

    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    feed = parse(data)
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id") == "https://testimony.example.gov/hearings.atom"
    assert feed.findtext(f"{A}title") == "New hearings"
    assert feed.findtext(f"{A}author/{A}name") == "OpenTestimony"
    self_link = feed.find(f"{A}link[@rel='self']")
    assert self_link.get("href") == "https://testimony.example.gov/hearings.atom"
    updated = datetime.fromisoformat(feed.findtext(f"{A}updated").replace("Z", "+00:00"))
    assert updated == max(h.updated_at for h in (older, newer)).replace(microsecond=0)
    entries = feed.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == ["Newer hearing", "Older hearing"]
    first = entries[0]
    assert first.findtext(f"{A}id") == f"tag:testimony.example.gov,2026-11-01:hearing-{newer.id}"
    assert first.findtext(f"{A}published") == "2026-11-01T00:00:00Z"
    assert first.find(f"{A}updated") is not None
    alternate = first.find(f"{A}link[@rel='alternate']")
    assert alternate.get("href") == f"https://testimony.example.gov/hearings/{newer.id}"
    assert first.find(f"{A}link[@rel='related']").get("type") == "text/calendar"
    assert newer.measures[0].number in first.findtext(f"{A}summary")


def test_atom_escapes_markup_and_keeps_any_script(db):
    title = '<b>Bold</b> & "quoted" 監控 مراقبة'
    hearing = make_hearing(title=title, location="Room <1> & 2")
    data = feeds.atom(
        [hearing], title=title, feed_url="https://x/a", page_url="https://x/", site=SITE
    )
    assert b"<b>" not in data
    feed = parse(data)
    assert feed.findtext(f"{A}title") == title
    entry = feed.find(f"{A}entry")
    assert entry.findtext(f"{A}title") == title
    assert "Room <1> & 2" in entry.findtext(f"{A}summary")


def test_an_empty_atom_feed_is_still_valid(db):
    feed = parse(
        feeds.atom([], title="t", feed_url="https://x/a", page_url="https://x/", site=SITE)
    )
    assert feed.findall(f"{A}entry") == []
    assert feed.findtext(f"{A}updated")
