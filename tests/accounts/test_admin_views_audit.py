"""The audit log's page and its CSV export: names instead of references, local times,
the filters a records clerk needs, and a download that streams from a real server."""

from __future__ import annotations

import csv
import html
import io
import re
import threading
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.moderation import services as moderation
from app.moderation.services import Decision
from app.platform import audit
from app.platform.audit import AuditEvent
from app.platform.audit_log import CSV_COLUMNS, EXPORTED
from app.testimony.models import ReviewStatus
from tests.factories import (
    csrf_token_from,
    log_in,
    make_admin,
    make_hearing,
    make_staff_user,
    make_testimony,
    post_form,
)

AUDIT = "/staff/admin/audit"
EXPORT = "/staff/admin/audit/export"

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


@pytest.fixture
def admin(db):
    user = make_admin(email="admin@example.gov", name="Avery Admin")
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, admin):
    assert log_in(client, admin).status_code == 303
    return client


@pytest.fixture
def reviewed(db):
    """A testimony a moderator approved: its tracking number and the moderator."""
    hearing = make_hearing(title="Hearing on face surveillance")
    testimony = make_testimony(
        hearing, email="rosa.delgado@example.org", street_address="12 Example Street"
    ).testimony
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator", email="mm@example.gov")
    decision = Decision(to_status=ReviewStatus.APPROVED, reason=None, note="")
    moderation.decide(moderator, testimony, decision, expected=ReviewStatus.PENDING,
                      now=datetime(2026, 1, 15, 17, 30, 5, tzinfo=UTC))  # fmt: skip
    db.session.commit()
    return testimony, moderator


def cells(page_html: str) -> list[str]:
    """The visible text of the table's cells."""
    found = re.findall(r"<td>(.*?)</td>", page_html, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", " ", cell)).strip() for cell in found]


def test_rows_name_people_and_records_instead_of_references(admin_client, admin, db, reviewed):
    testimony, moderator = reviewed
    page = admin_client.get(AUDIT)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = " ".join(cells(page.text))
    assert "Morgan Moderator" in text and "Moderator · mm@example.gov" in text
    assert "Approved testimony" in text and "Signed in" in text and "Avery Admin" in text
    assert f"Testimony {testimony.tracking_number}" in text
    assert "Submitted testimony" in text and "Resident" in text
    assert f'href="/staff/testimony/{testimony.id}"' in page.text
    assert f'href="/staff/admin/users/{moderator.id}"' in page.text
    # No raw references, and nothing a resident gave but their words.
    for raw in [moderator.audit_name, admin.audit_name, "testimonies #", "resident"]:
        assert raw not in text
    for private in ["rosa.delgado@example.org", "12 Example Street"]:
        assert private not in page.text
    # Local time, with the exact UTC time in the markup.
    assert '<time datetime="2026-01-15T17:30:05Z"' in page.text
    assert "2026-01-15 12:30:05 EST" in text
    assert "whole days in Eastern Time (America/New_York)" in page.text


def test_filters_by_staff_member_action_tracking_number_and_days(admin_client, db, reviewed):
    testimony, moderator = reviewed
    other = make_testimony(testimony.hearing, body="A different letter.").testimony
    audit.record("system", "test.old", None, at=datetime(2025, 6, 1, 12, tzinfo=UTC))
    db.session.commit()

    by_moderator = cells(admin_client.get(AUDIT, query_string={"actor": moderator.audit_name}).text)
    assert len(by_moderator) == 5 and "Approved testimony" in " ".join(by_moderator)

    sign_ins = " ".join(cells(admin_client.get(AUDIT, query_string={"action": "login."}).text))
    assert "Signed in" in sign_ins and "Approved testimony" not in sign_ins

    page = admin_client.get(AUDIT, query_string={"subject": other.tracking_number.lower()}).text
    assert other.tracking_number in " ".join(cells(page))
    assert testimony.tracking_number not in " ".join(cells(page))
    assert f'value="{other.tracking_number}"' in page  # the box shows the number as read

    june = admin_client.get(AUDIT, query_string={"start": "2025-06-01", "end": "2025-06-01"})
    assert " ".join(cells(june.text)).count("Test: old") == 1
    assert "Approved testimony" not in june.text
    assert 'value="2025-06-01"' in june.text


def test_filters_that_cannot_be_used_are_explained(admin_client, db):
    page = admin_client.get(AUDIT, query_string={"start": "2026-13-01", "subject": "12345"})
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "The first day is not a date (YYYY-MM-DD)." in page.text
    assert "Enter a tracking number like OT-ABCD-2345 or OS-ABCD-2345." in page.text
    assert "No events match." in page.text


def test_the_log_pages_by_fifty_keeping_its_filters(admin_client, db):
    for number in range(60):
        audit.record("system", f"test.event{number:02d}", None)
    db.session.commit()
    first = admin_client.get(AUDIT, query_string={"action": "test."})
    assert "Test: event59" in first.text and "Test: event10" in first.text
    assert "Test: event09" not in first.text
    older = re.search(r'href="([^"]*before=\d+[^"]*)"', first.text).group(1)
    assert "action=test." in older
    second = admin_client.get(html.unescape(older))
    assert "Test: event09" in second.text and "Test: event00" in second.text
    assert "Test: event10" not in second.text
    assert "Older events" not in second.text and "Newest events" in second.text


@pytest.mark.parametrize(
    "query",
    [
        {"before": "abc"},
        {"actor": "x" * 500},
        {"action": "<script>alert(1)</script>"},
        {"action": "\x00"},
        {"actor": "user:\x001", "action": "login\x00"},
        {"before": "99999999999999999999999"},
        {"before": "-5"},
        {"action": "\u202egol", "actor": "\U0001f600"},
        {"subject": "<script>alert(1)</script>", "start": "<b>", "end": "9" * 400},
    ],
)
def test_odd_filters_do_not_break_the_page(admin_client, query):
    response = admin_client.get(AUDIT, query_string=query)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_the_export_needs_its_token_and_refuses_unusable_filters(admin_client, db):
    assert admin_client.post(EXPORT, data={"action": "login."}).status_code == 400
    refused = post_form(admin_client, AUDIT, {"subject": "not a number"}, to=EXPORT)
    assert refused.status_code == 303 and refused.location.startswith(AUDIT)
    assert "Enter a tracking number" in admin_client.get(refused.location).text
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == EXPORTED)) is None


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.CLERK])
def test_only_admins_read_or_export_the_log(client, db, role):
    user = make_staff_user(role)
    db.session.commit()
    log_in(client, user)
    token = csrf_token_from(client.get("/staff/account").text)
    assert client.get(AUDIT).status_code == 403
    assert client.post(EXPORT, data={"csrf_token": token}).status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == EXPORTED)) is None


# Through a real server: the rows are read while the answer is sent, after the view's
# transaction has ended (the test client shares one session with the test, and hid that).


class _LocalCookies(DefaultCookiePolicy):
    """Send the Secure session cookie to the test server on 127.0.0.1 over plain HTTP, as a
    browser does for a local address."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


@contextmanager
def served(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _browser(base: str, email: str, password: str):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(CookieJar(policy=_LocalCookies()))
    )

    def get(path: str) -> str:
        with opener.open(base + path, timeout=10) as answer:
            return answer.read().decode()

    def post(path: str, fields: dict):
        data = urllib.parse.urlencode(fields).encode()
        return opener.open(base + path, data=data, timeout=10)

    page = get("/staff/login")
    fields = {"csrf_token": csrf_token_from(page), "email": email, "password": password}
    with post("/staff/login", fields) as answer:
        assert "/staff/login" not in answer.url
    return get, post


def test_the_csv_downloads_from_a_real_server(app, db, admin, reviewed):
    from tests.factories import STAFF_PASSWORD

    testimony, _moderator = reviewed
    audit.record(make_staff_user(name="+SUM(1,2)").audit_name, "test.formula", None)
    for number in range(30):
        audit.record("system", f"test.filler{number}", None)
    number, admin_name = testimony.tracking_number, admin.audit_name
    db.session.commit()
    with served(app) as base:
        get, post = _browser(base, "admin@example.gov", STAFF_PASSWORD)
        token = csrf_token_from(get(AUDIT))
        with post(EXPORT, {"csrf_token": token, "action": "testimony."}) as answer:
            assert answer.status == 200
            assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
            assert answer.headers["Content-Disposition"].startswith(
                'attachment; filename="audit-log-'
            )
            assert "Content-Length" not in answer.headers  # streamed, not counted first
            raw = answer.read()
        with post(EXPORT, {"csrf_token": token}) as answer:
            everything = answer.read().decode("utf-8-sig")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == list(CSV_COLUMNS)
    # Newest first: submitted now, approved at a time given in January.
    assert [row[4] for row in rows[1:]] == ["Submitted testimony", "Approved testimony"]
    approved = rows[2]
    assert approved[:7] == [
        "2026-01-15 12:30:05 EST",
        "2026-01-15T17:30:05Z",
        "Morgan Moderator",
        "Moderator",
        "Approved testimony",
        f"Testimony {number}",
        number,
    ]
    assert "to: approved" in approved[7]
    assert rows[1][2] == "Resident"
    # All rows, formulas made text, and the first export already in the log.
    every = list(csv.reader(io.StringIO(everything)))
    assert sum(row[4].startswith("Test: filler") for row in every) == 30
    assert [row[2] for row in every if row[4] == "Test: formula"] == ["'+SUM(1,2)"]
    assert "rosa.delgado@example.org" not in everything
    assert "12 Example Street" not in everything
    db.session.rollback()
    exports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == EXPORTED)).all()
    assert [(e.actor, e.data) for e in exports] == [
        (admin_name, {"filters": {"action": "testimony."}}),
        (admin_name, {"filters": {}}),
    ]
    assert "Exported the audit log" in {row[4] for row in every}
