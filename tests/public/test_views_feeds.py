"""The calendar and Atom addresses: what each holds, their headers and caching, and the links
to them on the public pages."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from icalendar import Calendar

from app.hearings.queries import CALENDAR_PAST
from app.platform.timezones import utcnow
from tests.factories import make_body, make_committee, make_hearing, section

A = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def council(db):
    """Two committees of one body, and a hearing of another body."""
    body = make_body(name="Boston City Council")
    operations = make_committee(body, name="Committee on Government Operations")
    safety = make_committee(body, name="Committee on Public Safety")
    now = utcnow()
    hearings = {
        "operations": make_hearing(committee=operations, title="Operations hearing"),
        "safety": make_hearing(committee=safety, title="Safety hearing"),
        "long_ago": make_hearing(
            committee=operations,
            title="Hearing long ago",
            now=now - CALENDAR_PAST - timedelta(days=30),
        ),
        "elsewhere": make_hearing(
            committee=make_committee(make_body(name="Massachusetts General Court")),
            title="State hearing",
        ),
    }
    db.session.commit()
    return body, operations, hearings


def titles(response) -> set[str]:
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")}


def test_one_hearings_calendar_file(client, council):
    hearing = council[2]["operations"]
    response = client.get(f"/hearings/{hearing.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="hearing-{hearing.id}.ics"'
    )
    assert titles(response) == {"Operations hearing"}
    assert client.get("/hearings/999999/calendar.ics").status_code == 404


def test_a_bodys_calendar_holds_its_recent_and_coming_hearings(client, council):
    body, _, _ = council
    response = client.get(f"/bodies/{body.id}/calendar.ics")
    assert response.status_code == 200
    assert titles(response) == {"Operations hearing", "Safety hearing"}
    assert str(Calendar.from_ical(response.data)["X-WR-CALNAME"]) == "Boston City Council"
    assert client.get("/bodies/999999/calendar.ics").status_code == 404


def test_a_committees_calendar_holds_only_its_hearings(client, council):
    _, operations, _ = council
    response = client.get(f"/committees/{operations.id}/calendar.ics")
    assert titles(response) == {"Operations hearing"}
    assert client.get("/committees/999999/calendar.ics").status_code == 404


def test_feeds_can_be_cached_and_asked_again_cheaply(client, council):
    body, _, _ = council
    url = f"/bodies/{body.id}/calendar.ics"
    first = client.get(url)
    assert first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    assert "max-age=300" in first.headers["Cache-Control"]
    assert "Accept-Language" in first.headers["Vary"]

    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_a_change_gives_a_new_etag(client, db, council):
    body, _, hearings = council
    url = f"/bodies/{body.id}/calendar.ics"
    first = client.get(url)
    hearings["operations"].location = "Piemonte Room"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_atom_of_all_new_hearings_and_of_one_body(client, council):
    body, _, _ = council
    response = client.get("/hearings.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["ETag"]
    feed = ElementTree.fromstring(response.data)  # noqa: S314 (our own output)
    assert feed.findtext(f"{A}title") == "New hearings"
    assert feed.findtext(f"{A}id") == "https://testimony.example.org/hearings.atom"
    assert {e.findtext(f"{A}title") for e in feed.findall(f"{A}entry")} == {
        "Operations hearing",
        "Safety hearing",
        "Hearing long ago",
        "State hearing",
    }

    data = client.get(f"/bodies/{body.id}/hearings.atom").data
    one = ElementTree.fromstring(data)  # noqa: S314 (our own output)
    assert one.findtext(f"{A}title") == "New hearings: Boston City Council"
    assert "State hearing" not in {e.findtext(f"{A}title") for e in one.findall(f"{A}entry")}
    assert client.get("/bodies/999999/hearings.atom").status_code == 404


def test_the_pages_link_to_the_feeds(client, council):
    body, operations, hearings = council
    hearing = hearings["operations"]
    page = client.get(f"/hearings/{hearing.id}").text
    assert f'href="/hearings/{hearing.id}/calendar.ics" download>Add to calendar' in page
    assert (
        f'<link rel="alternate" type="text/calendar" href="/hearings/{hearing.id}/calendar.ics"'
        in page
    )
    assert f'href="/committees/{operations.id}/calendar.ics"' in page

    home = client.get("/").text
    assert '<link rel="alternate" type="application/atom+xml" href="/hearings.atom"' in home
    feeds = section(home, "feeds-heading")
    assert f'href="/bodies/{body.id}/calendar.ics"' in feeds
    assert f'href="/bodies/{body.id}/hearings.atom"' in feeds
    assert f'href="/committees/{operations.id}/calendar.ics"' in feeds
    assert "Massachusetts General Court" in feeds
