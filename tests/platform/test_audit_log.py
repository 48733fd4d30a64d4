"""Reading the audit log: filters, keyset pages, local times and the CSV of a selection."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.platform import audit
from app.platform import audit_log as log
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.testimony.models import SpeakingRequest
from tests.factories import (
    make_body,
    make_committee,
    make_hearing,
    make_sign_in,
    make_staff_user,
    make_testimony,
)
from tests.platform.test_audit_subjects import counted

WINTER = datetime(2026, 1, 15, 17, 30, 5, tzinfo=UTC)  # 12:30:05 in Boston, 11:30:05 in Chicago
SUMMER = datetime(2026, 7, 15, 17, 30, 5, tzinfo=UTC)  # 13:30:05 EDT


NOT_A_NUMBER = "Enter a tracking number like OT-ABCD-2345 or OS-ABCD-2345."


def _filters(**args) -> log.Filters:
    return log.parse_filters(args)


def _actions(filters: log.Filters, **kwargs) -> list[str]:
    return [entry.action for entry in log.read_page(filters, **kwargs).entries]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, log.Filters()),
        (
            {"start": "2026-03-01", "end": "2026-03-31"},
            log.Filters(date(2026, 3, 1), date(2026, 3, 31)),
        ),
        ({"subject": " ot-abcd-2345 "}, log.Filters(subject="OT-ABCD-2345")),
        ({"subject": "osABCD2345"}, log.Filters(subject="OS-ABCD-2345")),
        (
            {"actor": " user:4 ", "action": "login.\x00"},
            log.Filters(actor="user:4", action="login."),
        ),
        ({"actor": "x" * 500}, log.Filters(actor="x" * 64)),
    ],
)
def test_filters_as_asked(app, args, expected):
    with app.test_request_context():
        filters = log.parse_filters(args)
    assert filters == expected and filters.errors == ()


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ({"start": "2026-02-30"}, "The first day is not a date (YYYY-MM-DD)."),
        ({"end": "yesterday"}, "The last day is not a date (YYYY-MM-DD)."),
        ({"start": "0001-01-01"}, "The first day must be between 2000 and 2999."),
        ({"end": "9999-12-31"}, "The last day must be between 2000 and 2999."),
        (
            {"start": "2026-03-02", "end": "2026-03-01"},
            "The first day must not be after the last day.",
        ),
        ({"subject": "<script>"}, NOT_A_NUMBER),
        ({"subject": "OT-ABCD-23456"}, NOT_A_NUMBER),
    ],
)
def test_filters_that_cannot_be_used_say_why_and_show_nothing(app, db, args, error):
    audit.record("system", "test.event", None)
    with app.test_request_context():
        filters = log.parse_filters(args)
        page = log.read_page(filters)
    assert filters.errors == (error,)
    assert page.entries == [] and page.older is None


def test_the_filters_go_back_into_links_as_typed():
    filters = log.Filters(date(2026, 3, 1), None, "user:4", "login.", "OT-ABCD-2345")
    assert filters.args() == {
        "start": "2026-03-01",
        "actor": "user:4",
        "action": "login.",
        "subject": "OT-ABCD-2345",
    }


@pytest.mark.parametrize(
    ("value", "before"),
    [
        ("120", 120),
        ("0", None),
        ("-5", None),
        ("abc", None),
        ("99999999999999999999", None),
        (None, None),
        ("2147483648", None),
        ("2147483647", 2147483647),
    ],
)
def test_the_keyset_is_an_id_a_column_can_hold(value, before):
    assert log.parse_before(value) == before


def test_days_are_whole_days_in_the_sites_zone(app, db):
    # 04:59 UTC on 1 March is still 28 February in Boston; 05:00 is 1 March.
    for hour, minute, name in [(4, 59, "before"), (5, 0, "first"), (23, 0, "evening")]:
        at = datetime(2026, 3, 1, hour, minute, tzinfo=UTC)
        audit.record("system", f"test.{name}", None, at=at)
    audit.record("system", "test.next", None, at=datetime(2026, 3, 2, 5, 0, tzinfo=UTC))
    with app.test_request_context():
        one_day = _actions(_filters(start="2026-03-01", end="2026-03-01"))
        from_day = _actions(_filters(start="2026-03-01"))
        to_day = _actions(_filters(end="2026-02-28"))
    assert one_day == ["test.evening", "test.first"]
    assert from_day == ["test.next", "test.evening", "test.first"]
    assert to_day == ["test.before"]


def test_who_and_which_action(app, db):
    admin = make_staff_user(Role.ADMIN)
    audit.record(admin.audit_name, "speaker.moved", None)
    audit.record(admin.audit_name, "speaker.moved_up", None)
    audit.record("resident", "testimony.submitted", None)
    audit.record(admin.audit_name, "login.succeeded", None)
    audit.record("anonymous", "login.failed", None)
    with app.test_request_context():
        # A named action is that action only; anything else is the start of names.
        assert _actions(_filters(action="speaker.moved")) == ["speaker.moved"]
        assert _actions(_filters(action="speaker.")) == ["speaker.moved_up", "speaker.moved"]
        assert _actions(_filters(action="login.")) == ["login.failed", "login.succeeded"]
        assert _actions(_filters(actor=admin.audit_name, action="login.")) == ["login.succeeded"]
        assert _actions(_filters(actor="resident")) == ["testimony.submitted"]
        assert _actions(_filters(action="%")) == []  # a wildcard is a character like any other


def test_a_tracking_number_finds_everything_about_its_testimony(app, db):
    hearing = make_hearing()
    staff = make_staff_user(Role.CLERK)
    receipt = make_testimony(
        hearing, speaking_request=SpeakingRequest.IN_PERSON, endorsed_by=("Digital Fourth",)
    )
    other = make_testimony(hearing, body="Another letter entirely.")
    from app.speaking import services as speaking

    speaking.refresh(staff, hearing, now=utcnow())
    sign_in = make_sign_in(hearing)
    from app.signins.models import SignIn

    sign_in_number = db.session.get(SignIn, sign_in.sign_in_id).tracking_number
    number = receipt.testimony.tracking_number
    with app.test_request_context():
        about = _actions(_filters(subject=number.lower().replace("-", "")))
        about_other = _actions(_filters(subject=other.testimony.tracking_number))
        about_sign_in = _actions(_filters(subject=sign_in_number))
        nobody = _actions(_filters(subject="OT-2222-2222"))
    assert set(about) == {"testimony.submitted", "endorsements.named"}
    assert "testimony.submitted" in about_other and "endorsements.named" not in about_other
    assert about_sign_in == ["sign_in.recorded"]
    assert nobody == []


def test_pages_go_back_by_id_without_offset(app, db):
    for number in range(7):
        audit.record("system", f"test.event{number}", None)
    with app.test_request_context():
        first = log.read_page(_filters(), size=3)
        with counted(db) as statements:
            second = log.read_page(_filters(), before=first.older, size=3)
        last = log.read_page(_filters(), before=second.older, size=3)
    assert [e.action for e in first.entries] == ["test.event6", "test.event5", "test.event4"]
    assert [e.action for e in second.entries] == ["test.event3", "test.event2", "test.event1"]
    assert [e.action for e in last.entries] == ["test.event0"] and last.older is None
    assert first.older == first.entries[-1].id
    # The older page starts after the last row shown: its time, then its id. (SQLite writes
    # "OFFSET 0" after every LIMIT; PostgreSQL shows there is no offset at all.)
    paging = statements[-1]
    assert "(audit_events.occurred_at, audit_events.id) <" in paging
    if db.engine.dialect.name == "postgresql":
        assert "OFFSET" not in paging.upper()


def test_rows_are_in_time_order_whatever_order_they_were_written_in(app, db):
    audit.record("system", "test.noon", None, at=datetime(2026, 3, 1, 17, tzinfo=UTC))
    audit.record("system", "test.morning", None, at=datetime(2026, 3, 1, 14, tzinfo=UTC))
    audit.record("system", "test.evening", None, at=datetime(2026, 3, 1, 23, tzinfo=UTC))
    audit.record("system", "test.also_noon", None, at=datetime(2026, 3, 1, 17, tzinfo=UTC))
    with app.test_request_context():
        first = log.read_page(_filters(), size=2)
        rest = log.read_page(_filters(), before=first.older, size=2)
        from_nowhere = log.read_page(_filters(), before=999_999, size=9)
        exported = list(csv.reader(io.StringIO("".join(log.csv_lines(_filters()))[1:])))
    assert [e.action for e in first.entries + rest.entries] == [
        "test.evening",
        "test.also_noon",
        "test.noon",
        "test.morning",
    ]
    assert len(from_nowhere.entries) == 4
    assert [row[4] for row in exported[1:]] == [
        "Test: evening",
        "Test: also noon",
        "Test: noon",
        "Test: morning",
    ]


def test_times_are_in_the_zone_of_the_rows_body(app, db):
    chicago = make_hearing(committee=make_committee(make_body(timezone="America/Chicago")))
    staff = make_staff_user(Role.CLERK)
    audit.record(staff.audit_name, "hearing.opened", chicago, at=WINTER)
    audit.record(staff.audit_name, "staff.created", staff, at=WINTER)
    audit.record("system", "test.summer", None, at=SUMMER)
    with app.test_request_context():
        summer, about_staff, about_hearing = log.read_page(_filters()).entries
    assert about_hearing.local_time == "2026-01-15 11:30:05 CST"
    assert about_staff.local_time == "2026-01-15 12:30:05 EST"
    assert summer.local_time == "2026-07-15 13:30:05 EDT"
    assert about_hearing.utc_time == "2026-01-15T17:30:05Z"


def test_a_page_is_named_in_a_bounded_number_of_queries(app, db):
    hearing = make_hearing()
    staff = [make_staff_user(Role.MODERATOR) for _ in range(3)]

    def rows(count: int) -> None:
        for number in range(count):
            testimony = make_testimony(hearing).testimony
            audit.record(staff[number % 3].audit_name, "testimony.decided", testimony,
                         to_status="approved")  # fmt: skip
            audit.record(staff[number % 3].audit_name, "hearing.opened", hearing)

    rows(2)
    db.session.commit()
    with app.test_request_context():
        with counted(db) as few:
            log.read_page(_filters(action="testimony.decided"))
        rows(20)
        db.session.commit()
        with counted(db) as many:
            entries = log.read_page(_filters()).entries
    assert len(entries) == log.PAGE_SIZE
    assert len(many) <= len(few) + 1  # one more kind of subject (hearings), not one per row
    assert len(many) <= 5


def test_the_csv_has_every_matching_row_in_words_and_no_formulas(app, db, monkeypatch):
    monkeypatch.setattr(log, "EXPORT_BATCH", 4)  # several batches
    admin = make_staff_user(Role.ADMIN, name='=HYPERLINK("http://evil")', email="a@example.gov")
    testimony = make_testimony(make_hearing()).testimony
    audit.record(admin.audit_name, "testimony.decided", testimony, at=WINTER,
                 from_status="pending", to_status="rejected", reason="spam")  # fmt: skip
    audit.record(admin.audit_name, "login.succeeded", admin, at=WINTER, address="203.0.113.9")
    for number in range(9):
        audit.record("system", f"test.bulk{number}", None, at=WINTER)
    db.session.commit()
    with app.test_request_context():
        text = "".join(log.csv_lines(_filters()))
        only_logins = "".join(log.csv_lines(_filters(action="login.")))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == list(log.CSV_COLUMNS)
    body = rows[1:]
    # Every row, in order, across batches; the testimony's own submission among them.
    assert len(body) == 12
    # The submission is now; the rest were in January, the latest written first among equals.
    assert [row[4] for row in body[:3]] == ["Submitted testimony", "Test: bulk8", "Test: bulk7"]
    decided = next(row for row in body if row[4] == "Rejected testimony")
    assert decided == [
        "2026-01-15 12:30:05 EST",
        "2026-01-15T17:30:05Z",
        '\'=HYPERLINK("http://evil")',
        "Admin",
        "Rejected testimony",
        f"Testimony {testimony.tracking_number}",
        testimony.tracking_number,
        "from: pending; to: rejected; reason: spam",
    ]
    assert "203.0.113.9" not in text  # network addresses stay out of a records request
    assert [row[4] for row in list(csv.reader(io.StringIO(only_logins[1:])))[1:]] == ["Signed in"]


def test_an_empty_selection_is_a_header(app, db):
    with app.test_request_context():
        text = "".join(log.csv_lines(_filters(actor="nobody")))
    assert text == "\ufeff" + ",".join(log.CSV_COLUMNS) + "\r\n"


def test_the_export_is_recorded_with_its_filters(app, db):
    admin = make_staff_user(Role.ADMIN)
    with app.test_request_context():
        log.record_export(
            admin.audit_name, _filters(action="login.", start="2026-01-01"), now=WINTER
        )
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == log.EXPORTED))
    assert (row.actor, row.occurred_at) == (admin.audit_name, WINTER)
    assert row.data == {"filters": {"action": "login.", "start": "2026-01-01"}}


def test_the_filter_lists_every_staff_member_then_the_others(app, db):
    second = make_staff_user(name="Bea Second", email="bea@example.gov")
    first = make_staff_user(name="Al First", email="al@example.gov", active=False)
    with app.test_request_context():
        choices = log.actor_choices()
    assert choices[:2] == [
        (first.audit_name, "Al First (al@example.gov)"),
        (second.audit_name, "Bea Second (bea@example.gov)"),
    ]
    assert [value for value, _words in choices[2:]] == ["resident", "system", "anonymous", "kiosk"]


def test_the_sites_zone_in_words(app, config):
    with app.test_request_context():
        assert log.site_zone_words() == "Eastern Time (America/New_York)"
        config["DEFAULT_TIMEZONE"] = "Europe/Lisbon"
        assert "(Europe/Lisbon)" in log.site_zone_words()
