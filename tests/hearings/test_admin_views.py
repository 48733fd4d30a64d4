"""Clerks' hearing management through the real forms: bodies, committees, measures, hearings,
local times, validation, tampering, the testimony-window buttons and CSRF.

Who may reach these pages at all is covered by tests/accounts/test_access.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.hearings.models import Body, Committee, Hearing, Measure
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.factories import (
    edit_hearing_url,
    field_value,
    form_fields,
    hearing_fields,
    hearing_url,
    local,
    log_in,
    make_body,
    make_committee,
    make_hearing,
    make_measure,
    make_staff_user,
    make_testimony,
    post_form,
    press,
    section,
    snapshot,
    text_of,
)

MANAGE = "/staff/manage/"
NEW_BODY = "/staff/manage/bodies/new"
WEB_ADDRESS_ERROR = "Enter a web address starting with https://"
HOSTILE = "<script>alert('x')</script>{{ 7*191 }}<img src=x onerror=alert(1)>"
BAD_WEB_ADDRESSES = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "https://",
    "https:///no-host",
    "//example.org/no-scheme",
    "example.org/no-scheme",
    "ftp://example.org/file",
]


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


@pytest.fixture
def clerk(db):
    user = make_staff_user(Role.CLERK, name="Casey Clerk", email="clerk@example.gov")
    db.session.commit()
    return user


@pytest.fixture
def browser(client, clerk):
    """The clerk's browser, signed in."""
    assert log_in(client, clerk).status_code == 303
    return client


@pytest.fixture
def resident(app):
    """A separate browser with no staff session."""
    return app.test_client()


# URLs and helpers


def body_url(body) -> str:
    return f"/staff/manage/bodies/{body.id}"


def new_committee_url(body) -> str:
    return f"/staff/manage/bodies/{body.id}/committees/new"


def committee_url(committee) -> str:
    return f"/staff/manage/committees/{committee.id}"


def new_measure_url(committee) -> str:
    return f"/staff/manage/committees/{committee.id}/measures/new"


def measure_url(measure) -> str:
    return f"/staff/manage/measures/{measure.id}"


def new_hearing_url(committee) -> str:
    return f"/staff/manage/committees/{committee.id}/hearings/new"


def measure_fields(**overrides) -> dict:
    fields = {
        "kind": "ordinance",
        "number": "Docket #0683",
        "title": "Ordinance banning face surveillance in Boston",
        "summary": "Prohibits city use of face surveillance.",
        "official_url": "https://www.boston.gov/departments/city-council",
        "session": "2020",
    }
    return fields | overrides


def checked_value(page_html: str, name: str) -> str:
    """The value of the radio button named `name` that the page has checked."""
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page_html):
        if "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    raise AssertionError(f"no {name} checked")


def is_redirect_to(response, path: str) -> bool:
    return response.status_code == 303 and urlsplit(response.location).path == path


def events(db, action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def submit_testimony(resident, hearing, page_html: str | None = None):
    """Post a valid testimony form, from a page loaded earlier or loaded now."""
    page_html = page_html or resident.get(f"/hearings/{hearing.id}/testimony/new").text
    return resident.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page_html)
    )


def committee_with_measures(n: int = 2, *, timezone: str = "America/New_York", **body):
    committee = make_committee(make_body(timezone=timezone, **body))
    return committee, [
        make_measure(committee, number=f"Docket #{number:04d}", title=f"Measure {number}")
        for number in range(1, n + 1)
    ]


# The whole journey through the forms


def test_clerk_sets_up_hearings_through_the_forms_and_residents_testify(
    db, browser, resident, clerk
):
    response = post_form(
        browser,
        NEW_BODY,
        {
            "name": "Boston City Council",
            "jurisdiction": "City of Boston",
            "timezone": "America/New_York",
        },
    )
    assert is_redirect_to(response, MANAGE)
    body = db.session.scalars(select(Body)).one()
    assert (body.name, body.jurisdiction, body.timezone) == (
        "Boston City Council",
        "City of Boston",
        "America/New_York",
    )

    response = post_form(
        browser, new_committee_url(body), {"name": "Committee on Government Operations"}
    )
    assert is_redirect_to(response, MANAGE)
    committee = db.session.scalars(select(Committee)).one()
    assert committee.body_id == body.id

    for kind, number, title in [
        ("ordinance", "Docket #0683", "Ordinance banning face surveillance in Boston"),
        ("order", "Docket #0712", "Order for a hearing on surveillance technology"),
    ]:
        response = post_form(
            browser,
            new_measure_url(committee),
            measure_fields(kind=kind, number=number, title=title),
        )
        assert is_redirect_to(response, MANAGE)
    ordinance, order = db.session.scalars(select(Measure).order_by(Measure.number)).all()
    assert (ordinance.kind.value, order.kind.value) == ("ordinance", "order")

    index = browser.get(MANAGE).text
    assert "Boston City Council" in index
    assert "Committee on Government Operations" in index
    assert "Docket #0683" in index and "Docket #0712" in index

    # One hearing open now, the order first on its agenda; one opening in three days.
    now = utcnow()
    response = post_form(
        browser,
        new_hearing_url(committee),
        hearing_fields([order.id, ordinance.id], title="Open hearing on surveillance"),
    )
    open_hearing = db.session.scalars(select(Hearing)).one()
    assert is_redirect_to(response, hearing_url(open_hearing))
    response = post_form(
        browser,
        new_hearing_url(committee),
        hearing_fields(
            [ordinance.id, order.id],
            title="Upcoming hearing on surveillance",
            testimony_opens_at=local(now + timedelta(days=3)),
            testimony_closes_at=local(now + timedelta(days=10)),
            speaker_signup_closes_at=local(now + timedelta(days=9)),
            starts_at=local(now + timedelta(days=11)),
        ),
    )
    upcoming = db.session.scalars(select(Hearing).where(Hearing.id != open_hearing.id)).one()
    assert is_redirect_to(response, hearing_url(upcoming))
    assert [m.number for m in open_hearing.measures] == ["Docket #0712", "Docket #0683"]
    assert [m.number for m in upcoming.measures] == ["Docket #0683", "Docket #0712"]
    assert open_hearing.committee_id == upcoming.committee_id == committee.id

    home = resident.get("/").text
    open_section, upcoming_section = (
        section(home, "open-heading"),
        section(home, "upcoming-heading"),
    )
    assert "Open hearing on surveillance" in open_section
    assert "Open hearing on surveillance" not in upcoming_section
    assert "Upcoming hearing on surveillance" in upcoming_section
    assert "Upcoming hearing on surveillance" not in open_section
    assert open_section.index("Docket #0712") < open_section.index("Docket #0683")
    assert upcoming_section.index("Docket #0683") < upcoming_section.index("Docket #0712")

    page = resident.get(f"/hearings/{open_hearing.id}").text
    assert page.index(f'id="measure-{order.id}"') < page.index(f'id="measure-{ordinance.id}"')
    assert "Submit testimony" in page
    assert "Iannella Chamber, Boston City Hall" in page
    assert "Submit testimony" not in resident.get(f"/hearings/{upcoming.id}").text

    response = submit_testimony(resident, open_hearing)
    assert response.status_code == 303
    assert urlsplit(response.location).path.startswith("/receipts/")
    testimony = db.session.scalars(select(Testimony)).one()
    assert testimony.hearing_id == open_hearing.id
    assert testimony.measure_id == order.id  # the first measure on the agenda

    actions = ["body.created", "committee.created", "measure.created", "hearing.created"]
    for action, expected in zip(actions, [1, 1, 2, 2], strict=True):
        rows = events(db, action)
        assert len(rows) == expected, action
        assert {row.actor for row in rows} == {f"user:{clerk.id}"}


def test_editing_body_committee_and_measure_prefills_and_saves(db, browser, clerk):
    committee, (measure,) = committee_with_measures(1, name="Boston City Council")
    body = committee.body
    db.session.commit()

    page = browser.get(body_url(body)).text
    assert field_value(page, "name") == "Boston City Council"
    assert field_value(page, "timezone") == "America/New_York"
    response = post_form(
        browser,
        body_url(body),
        {"name": "Cambridge City Council", "jurisdiction": "City of Cambridge", "timezone": "UTC"},
    )
    assert is_redirect_to(response, MANAGE)

    assert field_value(browser.get(committee_url(committee)).text, "name") == committee.name
    response = post_form(browser, committee_url(committee), {"name": "Committee on Public Safety"})
    assert is_redirect_to(response, MANAGE)

    page = browser.get(measure_url(measure)).text
    assert field_value(page, "number") == "Docket #0001"
    assert 'value="ordinance" selected' in page or 'selected value="ordinance"' in page
    response = post_form(
        browser, measure_url(measure), measure_fields(number="Docket #0001", kind="resolution")
    )
    assert is_redirect_to(response, MANAGE)

    db.session.expire_all()
    assert (body.name, body.jurisdiction, body.timezone) == (
        "Cambridge City Council",
        "City of Cambridge",
        "UTC",
    )
    assert committee.name == "Committee on Public Safety"
    assert (measure.kind.value, measure.number) == ("resolution", "Docket #0001")
    assert measure.committee_id == committee.id
    for action in ("body.updated", "committee.updated", "measure.updated"):
        assert [row.actor for row in events(db, action)] == [f"user:{clerk.id}"], action


# Local times


@pytest.mark.parametrize(
    ("zone", "typed", "stored", "shown"),
    [
        ("America/New_York", "2026-12-08T14:00", datetime(2026, 12, 8, 19, 0), "2:00 PM EST"),
        ("America/New_York", "2027-07-13T14:00", datetime(2027, 7, 13, 18, 0), "2:00 PM EDT"),
        ("America/Los_Angeles", "2026-12-08T14:00", datetime(2026, 12, 8, 22, 0), "2:00 PM PST"),
    ],
    ids=["new-york-winter", "new-york-summer", "los-angeles"],
)
def test_times_typed_in_local_time_are_stored_in_utc_and_shown_back(
    db, browser, zone, typed, stored, shown
):
    committee, (measure,) = committee_with_measures(1, timezone=zone)
    db.session.commit()
    day = timedelta(days=1)
    typed_at = datetime.fromisoformat(typed)
    fields = hearing_fields(
        [measure.id],
        starts_at=typed,
        testimony_opens_at=(typed_at - 30 * day).strftime("%Y-%m-%dT%H:%M"),
        testimony_closes_at=typed,
        speaker_signup_closes_at=(typed_at - day).strftime("%Y-%m-%dT%H:%M"),
    )

    page = browser.get(new_hearing_url(committee)).text
    assert f"Enter times in {zone} local time." in page
    response = post_form(browser, new_hearing_url(committee), fields)
    assert response.status_code == 303

    hearing = db.session.scalars(select(Hearing)).one()
    expected = stored.replace(tzinfo=UTC)
    assert hearing.starts_at == expected
    assert hearing.testimony_closes_at == expected
    assert hearing.speaker_signup_closes_at == expected - day
    # Thirty days earlier may be on the other side of a clock change; still the typed hour.
    opens_local = hearing.testimony_opens_at.astimezone(ZoneInfo(zone))
    assert opens_local.replace(tzinfo=None) == typed_at - 30 * day

    edit = browser.get(edit_hearing_url(hearing)).text
    local_value = typed_at.strftime("%Y-%m-%d %H:%M:%S")
    assert field_value(edit, "starts_at") == local_value
    assert field_value(edit, "testimony_closes_at") == local_value
    assert field_value(edit, "speaker_signup_closes_at") == (typed_at - day).strftime(
        "%Y-%m-%d %H:%M:%S"
    )
    assert f"{stored:%H}:00" not in field_value(edit, "starts_at")
    assert shown in browser.get(hearing_url(hearing)).text

    # Saving the edit form unchanged keeps every time exactly where it was.
    unchanged = {
        name: field_value(edit, name)
        for name in (
            "title",
            "starts_at",
            "location",
            "remote_url",
            "testimony_opens_at",
            "testimony_closes_at",
            "speaker_signup_closes_at",
            "speaker_minutes",
            "max_speakers",
            "remote_pin",
        )
    }
    unchanged["speaking_modes"] = checked_value(edit, "speaking_modes")
    response = post_form(
        browser,
        edit_hearing_url(hearing),
        unchanged | {"description": hearing.description, "measures": [str(measure.id)]},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert hearing.starts_at == expected
    assert hearing.speaker_signup_closes_at == expected - day


# Validation: a clear message each, nothing stored


def assert_refused(response, *messages: str) -> None:
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "<title>Error:" in page
    for message in messages:
        assert message in page, message


def test_body_form_names_every_missing_field(db, browser):
    before = snapshot(db)
    response = post_form(browser, NEW_BODY, {"name": "", "jurisdiction": " ", "timezone": ""})
    assert_refused(
        response,
        "Enter the body's name.",
        "Enter the jurisdiction.",
        "Enter a time zone such as America/New_York.",
    )
    assert snapshot(db) == before


def test_committee_form_needs_a_name(db, browser):
    body = make_body()
    db.session.commit()
    before = snapshot(db)
    response = post_form(browser, new_committee_url(body), {"name": ""})
    assert_refused(response, "Enter the committee's name.")
    assert snapshot(db) == before


def test_measure_form_names_every_missing_field(db, browser):
    committee = make_committee()
    db.session.commit()
    before = snapshot(db)
    response = post_form(
        browser, new_measure_url(committee), measure_fields(number="", title="", kind="treaty")
    )
    assert_refused(response, "Enter the number.", "Enter the title.", "Not a valid choice")
    assert snapshot(db) == before


def test_hearing_form_names_every_missing_field(db, browser):
    committee, _ = committee_with_measures(1)
    db.session.commit()
    before = snapshot(db)
    empty = dict.fromkeys(hearing_fields([]), "")
    response = post_form(browser, new_hearing_url(committee), empty)
    assert_refused(
        response,
        "Enter the hearing's title.",
        "Enter when the hearing starts.",
        "Enter when testimony opens.",
        "Enter the testimony deadline.",
        "Choose at least one measure.",
    )
    assert snapshot(db) == before


@pytest.mark.parametrize("opens_offset", [timedelta(0), timedelta(hours=1)], ids=["same", "later"])
def test_deadline_before_opening_is_refused(db, browser, opens_offset):
    committee, (measure,) = committee_with_measures(1)
    db.session.commit()
    before = snapshot(db)
    closes = utcnow() + timedelta(days=7)
    fields = hearing_fields(
        [measure.id],
        testimony_opens_at=local(closes + opens_offset),
        testimony_closes_at=local(closes),
    )
    response = post_form(browser, new_hearing_url(committee), fields)
    assert_refused(response, "The deadline must be after testimony opens.")
    assert snapshot(db) == before


def test_speaker_cut_off_after_the_deadline_is_refused(db, browser):
    committee, (measure,) = committee_with_measures(1)
    db.session.commit()
    before = snapshot(db)
    closes = utcnow() + timedelta(days=7)
    fields = hearing_fields(
        [measure.id],
        testimony_closes_at=local(closes),
        speaker_signup_closes_at=local(closes + timedelta(minutes=1)),
    )
    response = post_form(browser, new_hearing_url(committee), fields)
    assert_refused(response, "Sign-up to speak must close by the testimony deadline.")
    assert snapshot(db) == before


def test_a_hearing_needs_a_measure(db, browser):
    committee, _ = committee_with_measures(2)
    db.session.commit()
    before = snapshot(db)
    response = post_form(browser, new_hearing_url(committee), hearing_fields([]))
    assert_refused(response, "Choose at least one measure.")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("starts_at", "next Tuesday"),
        ("testimony_closes_at", "2026-02-30T10:00"),
        ("measures", "abc"),
        ("title", "x" * 301),
        ("title", "Hearing\x00on NUL"),
        ("title", "!!! ..."),
        ("description", "y" * 5001),
    ],
)
def test_malformed_hearing_input_gets_an_error_not_a_crash(db, browser, field, value):
    committee, (measure,) = committee_with_measures(1)
    db.session.commit()
    before = snapshot(db)
    response = post_form(
        browser, new_hearing_url(committee), hearing_fields([measure.id], **{field: value})
    )
    assert_refused(response)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("zone", "field", "value"),
    [
        ("America/New_York", "starts_at", "9999-12-31T23:00"),
        ("America/New_York", "testimony_closes_at", "9999-12-31T23:00"),
        ("Europe/Berlin", "testimony_opens_at", "0001-01-01T00:30"),
        ("Europe/Berlin", "speaker_signup_closes_at", "0001-01-01T00:30"),
        ("America/New_York", "starts_at", "0226-12-08T14:00"),
    ],
)
def test_years_that_cannot_be_meant_are_refused(db, browser, zone, field, value):
    # Near year 1 or 9999 the conversion to UTC overflows: this was a 500.
    committee, (measure,) = committee_with_measures(1, timezone=zone)
    db.session.commit()
    before = snapshot(db)
    fields = hearing_fields([measure.id], **{field: value})
    response = post_form(browser, new_hearing_url(committee), fields)
    assert_refused(response, "Enter a year between 1900 and 2199.")
    assert snapshot(db) == before


@pytest.mark.parametrize("address", BAD_WEB_ADDRESSES)
def test_remote_link_must_be_a_web_address(db, browser, address):
    committee, (measure,) = committee_with_measures(1)
    db.session.commit()
    before = snapshot(db)
    response = post_form(
        browser, new_hearing_url(committee), hearing_fields([measure.id], remote_url=address)
    )
    assert_refused(response, WEB_ADDRESS_ERROR)
    assert snapshot(db) == before


@pytest.mark.parametrize("address", BAD_WEB_ADDRESSES)
def test_official_text_link_must_be_a_web_address(db, browser, address):
    committee = make_committee()
    db.session.commit()
    before = snapshot(db)
    response = post_form(browser, new_measure_url(committee), measure_fields(official_url=address))
    assert_refused(response, WEB_ADDRESS_ERROR)
    assert snapshot(db) == before


def test_links_are_optional_and_plain_https_is_kept(db, browser):
    committee, (measure,) = committee_with_measures(1)
    db.session.commit()
    response = post_form(
        browser,
        new_measure_url(committee),
        measure_fields(number="H.1538", official_url=" https://malegislature.gov/Bills/191/H1538 "),
    )
    assert response.status_code == 303
    response = post_form(
        browser,
        new_hearing_url(committee),
        hearing_fields([measure.id], remote_url="", speaking_modes="in_person"),
    )
    assert response.status_code == 303
    added = db.session.scalars(select(Measure).where(Measure.number == "H.1538")).one()
    assert added.official_url == "https://malegislature.gov/Bills/191/H1538"
    assert db.session.scalars(select(Hearing)).one().remote_url is None


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "America/New York", "../../../etc/passwd", "EST+5"]
)
def test_unknown_time_zone_is_refused(db, browser, zone):
    body = make_body(timezone="America/New_York")
    db.session.commit()
    before = snapshot(db)
    fields = {"name": "Springfield Council", "jurisdiction": "Springfield", "timezone": zone}
    assert_refused(post_form(browser, NEW_BODY, fields), "Enter a time zone such as")
    assert_refused(post_form(browser, body_url(body), fields), "Enter a time zone such as")
    assert snapshot(db) == before


def body_fields(**overrides) -> dict:
    fields = {
        "name": "Boston City Council",
        "jurisdiction": "City of Boston",
        "resident_places": "",
        "resident_zip_prefixes": "",
        "timezone": "America/New_York",
    }
    return fields | overrides


def test_clerk_sets_who_counts_as_a_resident(db, browser, clerk):
    body = make_body(jurisdiction="City of Boston")
    db.session.commit()
    page = text_of(browser.get(body_url(body)))
    assert "Places whose residents count as local, one per line" in page
    assert "ZIP code prefixes that count as local, separated by commas" in page

    response = post_form(
        browser,
        body_url(body),
        body_fields(
            resident_places=" Boston\r\nDorchester\r\nEast Boston, Jamaica Plain \r\n",
            resident_zip_prefixes=" 021, 022 ",
        ),
    )
    assert is_redirect_to(response, MANAGE)
    db.session.expire_all()
    assert body.resident_places == "Boston\nDorchester\nEast Boston, Jamaica Plain"
    assert body.resident_zip_prefixes == "021, 022"
    assert body.is_resident("jamaica plain", "90210")
    assert body.is_resident("Cambridge", "02139")
    assert not body.is_resident("Cambridge", "03139")
    assert [row.actor for row in events(db, "body.updated")] == [f"user:{clerk.id}"]

    page = browser.get(body_url(body)).text
    assert "Dorchester\nEast Boston, Jamaica Plain</textarea>" in page
    assert field_value(page, "resident_zip_prefixes") == "021, 022"

    # Emptying both brings back the rule "the jurisdiction's own name".
    assert is_redirect_to(post_form(browser, body_url(body), body_fields()), MANAGE)
    db.session.expire_all()
    assert (body.resident_places, body.resident_zip_prefixes) == ("", "")
    assert body.is_resident("Boston", "90210")


def test_a_new_body_keeps_its_resident_rule(db, browser):
    response = post_form(
        browser,
        NEW_BODY,
        body_fields(
            name="Massachusetts General Court",
            jurisdiction="Commonwealth of Massachusetts",
            resident_zip_prefixes="010,027,055",
        ),
    )
    assert is_redirect_to(response, MANAGE)
    body = db.session.scalars(select(Body)).one()
    assert (body.resident_places, body.resident_zip_prefixes) == ("", "010,027,055")
    assert body.is_resident("Andover", "05501")


PLACES_ERROR = "Shorten each place name to 100 characters or fewer"
ZIP_ERROR = "Enter ZIP code prefixes of 1 to 5 digits, separated by commas"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"resident_places": "x" * 5001}, "Use 5000 characters or fewer."),
        (
            {"resident_places": "\n".join(f"Place {n}" for n in range(201))},
            "List 200 places or fewer; this list has 201.",
        ),
        (
            {"resident_places": "Boston, " + "Y" * 101},
            f"{PLACES_ERROR}: “{'Y' * 30}…” is longer.",
        ),
        ({"resident_places": "Boston\x00"}, "Remove the control characters (such as NUL)"),
        ({"resident_zip_prefixes": "021, 02a"}, f"{ZIP_ERROR}: “02a” is not one."),
        ({"resident_zip_prefixes": "123456"}, f"{ZIP_ERROR}: “123456” is not one."),
        ({"resident_zip_prefixes": "010 011"}, f"{ZIP_ERROR}: “010 011” is not one."),
        ({"resident_zip_prefixes": "٠٢١"}, f"{ZIP_ERROR}: “٠٢١” is not one."),
        ({"resident_zip_prefixes": "<b>021</b>"}, f"{ZIP_ERROR}: “<b>021</b>” is not one."),
        ({"resident_zip_prefixes": "0, " * 70}, "Use 200 characters or fewer."),
    ],
)
def test_bad_resident_rules_are_refused_and_change_nothing(db, browser, fields, message):
    body = make_body(resident_places="Boston", resident_zip_prefixes="021")
    db.session.commit()
    before = snapshot(db)
    for url in (NEW_BODY, body_url(body)):
        response = post_form(browser, url, body_fields(name="Renamed council") | fields)
        assert_refused(response, message)
        assert "<b>021</b>" not in response.text
    assert snapshot(db) == before


def test_duplicate_measure_number_in_the_same_committee_and_session_is_refused(db, browser):
    committee = make_committee()
    other_committee = make_committee(committee.body)
    existing = make_measure(committee, number="H.1538", session="191st General Court")
    other = make_measure(committee, number="S.1385", session="191st General Court")
    db.session.commit()
    before = snapshot(db)
    same = measure_fields(number=" H.1538 ", session="191st General Court")

    response = post_form(browser, new_measure_url(committee), same)
    assert_refused(response, "This committee already has a measure with that number and session.")
    response = post_form(browser, measure_url(other), same)  # renumbering onto it
    assert_refused(response, "This committee already has a measure with that number and session.")
    assert snapshot(db) == before

    # The same number is fine in another session, another committee, or on the measure itself.
    assert (
        post_form(browser, new_measure_url(committee), same | {"session": "192nd"}).status_code
        == 303
    )
    assert post_form(browser, new_measure_url(other_committee), same).status_code == 303
    assert (
        post_form(browser, measure_url(existing), same | {"title": "Retitled"}).status_code == 303
    )
    db.session.expire_all()
    assert existing.title == "Retitled"
    assert count(db, Measure) == 4


def test_html_in_names_is_shown_escaped(db, browser, resident):
    response = post_form(
        browser,
        NEW_BODY,
        {"name": f"Council {HOSTILE}", "jurisdiction": f"City {HOSTILE}", "timezone": "UTC"},
    )
    assert response.status_code == 303
    body = db.session.scalars(select(Body)).one()
    assert body.name == f"Council {HOSTILE}"  # stored as typed, escaped when shown
    assert (
        post_form(browser, new_committee_url(body), {"name": f"Cttee {HOSTILE}"}).status_code == 303
    )
    committee = db.session.scalars(select(Committee)).one()
    response = post_form(
        browser,
        new_measure_url(committee),
        measure_fields(number="<b>#1</b>", title=f"Title {HOSTILE}", summary=f"Sum {HOSTILE}"),
    )
    assert response.status_code == 303
    measure = db.session.scalars(select(Measure)).one()
    response = post_form(
        browser,
        new_hearing_url(committee),
        hearing_fields(
            [measure.id],
            title=f"Hearing {HOSTILE}",
            description=f"Desc {HOSTILE}",
            location=f"Room {HOSTILE}",
            testimony_opens_at=local(utcnow() - timedelta(hours=1), "UTC"),
        ),
    )
    assert response.status_code == 303
    hearing = db.session.scalars(select(Hearing)).one()

    staff_pages = [
        MANAGE,
        body_url(body),
        new_committee_url(body),
        committee_url(committee),
        new_measure_url(committee),
        measure_url(measure),
        new_hearing_url(committee),
        edit_hearing_url(hearing),
        hearing_url(hearing),
    ]
    public_pages = ["/", f"/hearings/{hearing.id}", f"/hearings/{hearing.id}/testimony/new"]
    for browser_, path in [(browser, p) for p in staff_pages] + [
        (resident, p) for p in public_pages
    ]:
        response = browser_.get(path)
        assert response.status_code == 200, path
        page = response.text
        assert "<script>alert" not in page, path
        assert "<img src=x" not in page, path
        assert "<b>#1</b>" not in page, path
        assert "1337" not in page, path
        assert "&lt;script&gt;alert(" in page, path

    # An error page echoes the hostile input escaped, too.
    response = post_form(
        browser, new_hearing_url(committee), hearing_fields([], title=f"Again {HOSTILE}")
    )
    assert_refused(response, "Choose at least one measure.")
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(" in response.text


# Tampering


def test_measures_of_another_committee_are_refused(db, browser):
    committee, (own,) = committee_with_measures(1)
    foreign = make_measure(make_committee(committee.body), number="Docket #9999")
    hearing = make_hearing(committee=committee, measures=0)
    hearing.measures = [own]
    db.session.commit()
    before = snapshot(db)

    for url in (new_hearing_url(committee), edit_hearing_url(hearing)):
        for ids in ([foreign.id], [own.id, foreign.id]):
            response = post_form(browser, url, hearing_fields(ids))
            assert_refused(response, f"'{foreign.id}' is not a valid choice")
    # Nor can a measure of another committee be named on that committee's own URL.
    response = post_form(browser, new_hearing_url(foreign.committee), hearing_fields([own.id]))
    assert_refused(response)
    assert snapshot(db) == before


def test_editing_a_hearing_cannot_move_it_to_another_committee(db, browser):
    committee, (measure,) = committee_with_measures(1)
    other, (other_measure,) = committee_with_measures(1)
    hearing = make_hearing(committee=committee, measures=0)
    hearing.measures = [measure]
    db.session.commit()

    fields = hearing_fields(
        [measure.id], title="Renamed", committee_id=str(other.id), committee=str(other.id)
    )
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303
    db.session.expire_all()
    assert hearing.title == "Renamed"
    assert hearing.committee_id == committee.id
    assert [m.id for m in hearing.measures] == [measure.id]

    before = snapshot(db)
    response = post_form(browser, edit_hearing_url(hearing), hearing_fields([other_measure.id]))
    assert_refused(response)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "path",
    [
        "/staff/manage/bodies/999999",
        "/staff/manage/bodies/999999/committees/new",
        "/staff/manage/committees/999999",
        "/staff/manage/committees/999999/measures/new",
        "/staff/manage/committees/999999/hearings/new",
        "/staff/manage/measures/999999",
        "/staff/manage/hearings/999999",
        "/staff/manage/hearings/999999/edit",
    ],
)
def test_unknown_ids_are_404(db, browser, path):
    assert browser.get(path).status_code == 404


# The testimony-window buttons


def buttons(browser, hearing) -> set[str]:
    page = browser.get(hearing_url(hearing)).text
    labels = {
        "Open testimony now": "open",
        "Close testimony now": "close",
        "Cancel the hearing": "cancel",
        "Reinstate the hearing": "reinstate",
    }
    return {action for label, action in labels.items() if label in page}


def assert_audited(db, action: str, hearing, clerk) -> None:
    rows = events(db, action)
    assert len(rows) == 1, action
    assert rows[0].actor == f"user:{clerk.id}"
    assert (rows[0].subject_type, rows[0].subject_id) == ("hearings", hearing.id)


def scheduled_hearing():
    now = utcnow()
    return make_hearing(
        title="Hearing opening later",
        testimony_opens_at=now + timedelta(days=3),
        testimony_closes_at=now + timedelta(days=10),
        speaker_signup_closes_at=None,
        starts_at=now + timedelta(days=11),
    )


def test_open_now_starts_taking_testimony(db, browser, resident, clerk):
    hearing = scheduled_hearing()
    db.session.commit()
    assert buttons(browser, hearing) == {"open", "cancel"}
    assert "Testimony opens on" in resident.get(f"/hearings/{hearing.id}/testimony/new").text
    closes = hearing.testimony_closes_at

    response = press(browser, hearing, "open")

    assert response.status_code == 200
    assert "Testimony is open." in response.text
    assert buttons(browser, hearing) == {"close", "cancel"}
    db.session.expire_all()
    assert hearing.testimony_opens_at <= utcnow()
    assert hearing.testimony_closes_at == closes
    public = resident.get(f"/hearings/{hearing.id}").text
    assert "Open for testimony" in public and "Submit testimony" in public
    assert hearing.title in section(resident.get("/").text, "open-heading")
    assert submit_testimony(resident, hearing).status_code == 303
    assert count(db, Testimony) == 1
    assert_audited(db, "hearing.opened", hearing, clerk)


def test_close_now_stops_testimony_and_reopening_needs_a_new_deadline(db, browser, resident, clerk):
    hearing = make_hearing(title="Hearing closing early")
    db.session.commit()
    form_page = resident.get(f"/hearings/{hearing.id}/testimony/new").text  # loaded while open

    response = press(browser, hearing, "close")

    assert "Testimony is closed." in response.text
    assert_audited(db, "hearing.closed", hearing, clerk)
    db.session.expire_all()
    assert hearing.testimony_closes_at <= utcnow()
    assert hearing.speaker_signup_closes_at == hearing.testimony_closes_at
    public = resident.get(f"/hearings/{hearing.id}").text
    assert "Testimony closed early on" in public
    assert "Submit testimony" not in public
    assert hearing.title not in section(resident.get("/").text, "open-heading")
    response = submit_testimony(resident, hearing, form_page)
    assert response.status_code == 200
    assert "could not accept it" in response.text
    assert count(db, Testimony) == 0

    # Reopening after the deadline is not offered, and a forged press is refused with a
    # request for a new deadline.
    assert "open" not in buttons(browser, hearing)
    assert "set a new deadline" in browser.get(f"/staff/manage/hearings/{hearing.id}").text
    before = snapshot(db)
    response = press(browser, hearing, "open")
    assert "The deadline has passed. Set a new deadline first (Edit)." in response.text
    assert snapshot(db) == before
    # Closing again has nothing to close.
    response = press(browser, hearing, "close")
    assert "Testimony is not open, so there is nothing to close." in response.text
    assert snapshot(db) == before

    # With a new deadline set through the edit form, testimony is taken again.
    edit = browser.get(edit_hearing_url(hearing)).text
    fields = hearing_fields(
        [m.id for m in hearing.measures],
        testimony_opens_at=field_value(edit, "testimony_opens_at"),
        testimony_closes_at=local(utcnow() + timedelta(days=2)),
        speaker_signup_closes_at="",
    )
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303
    assert "Submit testimony" in resident.get(f"/hearings/{hearing.id}").text
    assert submit_testimony(resident, hearing).status_code == 303
    assert count(db, Testimony) == 1


def test_cancel_and_reinstate(db, browser, resident, clerk):
    hearing = make_hearing(title="Hearing to be cancelled")
    db.session.commit()
    form_page = resident.get(f"/hearings/{hearing.id}/testimony/new").text  # loaded while open

    response = press(browser, hearing, "cancel")

    assert "The hearing is cancelled." in response.text
    assert buttons(browser, hearing) == {"reinstate"}
    assert_audited(db, "hearing.cancelled", hearing, clerk)
    public = resident.get(f"/hearings/{hearing.id}").text
    assert "This hearing has been cancelled." in public
    assert "Submit testimony" not in public
    assert hearing.title not in section(resident.get("/").text, "open-heading")
    not_open = resident.get(f"/hearings/{hearing.id}/testimony/new").text
    assert "This hearing has been cancelled." in not_open
    assert "testimony-form" not in not_open  # no testimony form (the language switch is one)
    response = submit_testimony(resident, hearing, form_page)
    assert response.status_code == 200
    assert "This hearing has been cancelled. Testimony is not being accepted." in response.text
    assert "deadline for testimony on this hearing has passed" not in response.text
    assert count(db, Testimony) == 0

    # Opening a cancelled hearing is refused; it must be reinstated first.
    before = snapshot(db)
    response = press(browser, hearing, "open")
    assert "Reinstate the hearing before opening testimony." in response.text
    assert snapshot(db) == before

    response = press(browser, hearing, "reinstate")

    assert "The hearing is reinstated." in response.text
    assert buttons(browser, hearing) == {"close", "cancel"}
    assert_audited(db, "hearing.reinstated", hearing, clerk)
    db.session.expire_all()
    assert hearing.cancelled_at is None
    assert "This hearing has been cancelled." not in resident.get(f"/hearings/{hearing.id}").text
    assert hearing.title in section(resident.get("/").text, "open-heading")
    assert submit_testimony(resident, hearing).status_code == 303
    assert count(db, Testimony) == 1


def test_cancelled_upcoming_hearing_stays_listed_as_cancelled(db, browser, resident):
    hearing = scheduled_hearing()
    db.session.commit()
    press(browser, hearing, "cancel")
    upcoming = section(resident.get("/").text, "upcoming-heading")
    assert hearing.title in upcoming
    assert "Cancelled" in upcoming


# The agenda


def test_a_measure_with_testimony_stays_on_the_agenda(db, browser):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    make_testimony(hearing, measure_id=first.id)
    db.session.commit()
    before = snapshot(db)

    response = post_form(browser, edit_hearing_url(hearing), hearing_fields([second.id]))

    assert_refused(response, "A measure that already has testimony must stay on the agenda.")
    assert snapshot(db) == before

    # Reordering keeps it, and a measure without testimony may go.
    response = post_form(browser, edit_hearing_url(hearing), hearing_fields([second.id, first.id]))
    assert response.status_code == 303
    db.session.expire_all()
    assert [m.id for m in hearing.measures] == [second.id, first.id]
    response = post_form(browser, edit_hearing_url(hearing), hearing_fields([first.id]))
    assert response.status_code == 303
    db.session.expire_all()
    assert [m.id for m in hearing.measures] == [first.id]


# CSRF


def test_posts_without_a_csrf_token_change_nothing(db, browser):
    committee, (measure,) = committee_with_measures(1)
    hearing = make_hearing(committee=committee, measures=0)
    hearing.measures = [measure]
    db.session.commit()
    before = snapshot(db)
    body = committee.body
    attempts = [
        (NEW_BODY, {"name": "New body", "jurisdiction": "Town", "timezone": "UTC"}),
        (body_url(body), {"name": "Renamed", "jurisdiction": "Town", "timezone": "UTC"}),
        (new_committee_url(body), {"name": "New committee"}),
        (committee_url(committee), {"name": "Renamed committee"}),
        (new_measure_url(committee), measure_fields(number="H.1")),
        (measure_url(measure), measure_fields(number="H.2")),
        (new_hearing_url(committee), hearing_fields([measure.id])),
        (edit_hearing_url(hearing), hearing_fields([measure.id], title="Renamed")),
    ] + [(f"{hearing_url(hearing)}/{action}", {}) for action in ("close", "cancel")]
    for path, data in attempts:
        for token in ({}, {"csrf_token": "not-a-real-token"}):
            response = browser.post(path, data=data | token)
            assert response.status_code == 400, path
    assert snapshot(db) == before


def test_agenda_choices_keep_their_order_after_a_measure_is_edited(db, browser):
    committee, measures = committee_with_measures(3)
    db.session.commit()
    response = post_form(browser, measure_url(measures[0]), measure_fields(number="Docket #0001"))
    assert response.status_code == 303

    for url in (new_hearing_url(committee), MANAGE):
        page = browser.get(url).text
        positions = [page.index(m.number) for m in measures]
        assert positions == sorted(positions), url
