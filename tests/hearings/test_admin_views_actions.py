"""Committee actions on the measure's page: a clerk records, corrects and removes them through
plain forms; bad input, a missing CSRF token or a moderator change nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings.actions import COMMITTEE_ACTED, CommitteeAction, CommitteeActionKind
from app.platform.audit import AuditEvent
from app.platform.jobs import Job
from app.platform.timezones import utcnow
from tests.factories import (
    csrf_token_from,
    log_in,
    make_committee_action,
    make_hearing,
    make_staff_user,
    post_form,
    snapshot,
    text_of,
)

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


@pytest.fixture
def browser(client, db):
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk", email="clerk@example.gov")
    db.session.commit()
    assert log_in(client, clerk).status_code == 303
    return client


@pytest.fixture
def hearing(db):
    hearing = make_hearing(
        title="Hearing on the face surveillance ban", now=utcnow() - timedelta(days=30)
    )
    db.session.commit()
    return hearing


def measure_url(measure) -> str:
    return f"/staff/manage/measures/{measure.id}"


def action_token(page_html: str) -> str:
    return re.search(r'name="action-csrf_token" type="hidden" value="([^"]+)"', page_html).group(1)


def record(browser, measure, **fields):
    page = browser.get(measure_url(measure)).text
    data = {
        "action-kind": "reported_favourably",
        "action-taken_on": (utcnow() - timedelta(days=1)).date().isoformat(),
        "action-hearing_id": "",
        "action-note": "",
        "action-csrf_token": action_token(page),
    }
    data |= {f"action-{name}": value for name, value in fields.items()}
    return browser.post(f"/staff/manage/measures/{measure.id}/actions", data=data)


def stored(db) -> list[CommitteeAction]:
    db.session.expire_all()
    return list(db.session.scalars(select(CommitteeAction).order_by(CommitteeAction.id)))


def test_the_measure_page_offers_the_form_and_says_when_nothing_is_recorded(browser, hearing):
    page = text_of(browser.get(measure_url(hearing.measures[0])))
    assert "Record committee action" in page
    assert "No action is recorded yet." in page
    assert "Sent to study" in page
    # The hearings with the measure on their agenda are offered.
    assert "Hearing on the face surveillance ban" in page


def test_a_clerk_records_an_action_and_sees_it_listed(browser, db, hearing):
    measure = hearing.measures[0]
    response = record(
        browser,
        measure,
        kind="reported_with_amendment",
        hearing_id=str(hearing.id),
        note="Reported in a new draft; see Docket #0683A.",
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{measure_url(measure)}#committee-actions")
    [action] = stored(db)
    assert action.kind is CommitteeActionKind.REPORTED_WITH_AMENDMENT
    assert action.hearing_id == hearing.id
    assert db.session.scalar(select(Job.id).where(Job.kind == COMMITTEE_ACTED)) is not None
    page = text_of(browser.get(measure_url(measure)))
    assert "The committee's action is recorded." in page
    assert "Reported favourably with an amendment" in page
    assert "Reported in a new draft; see Docket #0683A." in page
    assert "Recorded by Casey Clerk" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": ""}, "Choose what the committee did."),
        ({"kind": "vetoed"}, "Choose what the committee did."),
        ({"taken_on": ""}, "Enter the day the committee acted."),
        ({"taken_on": "next tuesday"}, "Enter the day as a date, such as 2026-12-07."),
        ({"taken_on": "0226-01-01"}, "Enter a year between 1900 and 2199."),
        ({"hearing_id": "999999"}, "Choose a hearing that had this measure on its agenda."),
        ({"kind": "other", "note": ""}, "Say in the note what the committee did."),
        ({"note": "x" * 1001}, "Use 1000 characters or fewer."),
        ({"note": "null\x00byte"}, "Remove the control characters"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(browser, db, hearing, fields, message):
    before = snapshot(db)
    response = record(browser, hearing.measures[0], **fields)
    assert response.status_code == 422
    assert message in text_of(response)
    assert "There is a problem" in response.text
    assert snapshot(db) == before


def test_a_day_still_to_come_is_refused(browser, db, hearing):
    before = snapshot(db)
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    response = record(browser, hearing.measures[0], taken_on=tomorrow)
    assert response.status_code == 422
    assert "cannot be in the future" in text_of(response)
    assert snapshot(db) == before


def test_markup_in_the_note_is_shown_as_text(browser, db, hearing):
    measure = hearing.measures[0]
    record(browser, measure, note="<script>alert(1)</script>")
    page = browser.get(measure_url(measure)).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_without_the_csrf_token_nothing_is_recorded(browser, db, hearing):
    before = snapshot(db)
    response = browser.post(
        f"/staff/manage/measures/{hearing.measures[0].id}/actions",
        data={"action-kind": "held", "action-taken_on": "2026-01-05"},
    )
    assert response.status_code in (400, 422)
    assert snapshot(db) == before


def test_a_moderator_cannot_record_correct_or_remove(client, db, hearing):
    action = make_committee_action(hearing.measures[0])
    moderator = make_staff_user(Role.MODERATOR)
    db.session.commit()
    log_in(client, moderator)
    before = snapshot(db)
    assert client.get(measure_url(hearing.measures[0])).status_code == 403
    assert client.get(f"/staff/manage/committee-actions/{action.id}").status_code == 403
    token = csrf_token_from(client.get("/staff/").text)
    for path in (
        f"/staff/manage/committee-actions/{action.id}/remove",
        f"/staff/manage/measures/{hearing.measures[0].id}/actions",
    ):
        assert client.post(path, data={"csrf_token": token}).status_code == 403
    after = snapshot(db)
    # The refusals themselves are recorded in the audit log; nothing else changes.
    assert after.pop("audit_events") != before.pop("audit_events")
    assert after == before


def test_a_clerk_corrects_an_entry(browser, db, hearing):
    action = make_committee_action(
        hearing.measures[0], kind=CommitteeActionKind.REPORTED_FAVOURABLY
    )
    db.session.commit()
    url = f"/staff/manage/committee-actions/{action.id}"
    page = browser.get(url)
    assert page.status_code == 200
    assert re.search(r'<input checked [^>]*value="reported_favourably"', page.text)

    response = post_form(
        browser,
        url,
        {
            "kind": "reported_unfavourably",
            "taken_on": "2026-11-20",
            "hearing_id": str(hearing.id),
            "note": "Ought not to pass.",
        },
    )

    assert response.status_code == 303
    [corrected] = stored(db)
    assert corrected.kind is CommitteeActionKind.REPORTED_UNFAVOURABLY
    assert corrected.taken_on == date(2026, 11, 20)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "committee_action.corrected")
    )
    assert event.data["before"]["kind"] == "reported_favourably"
    assert "corrected by Casey Clerk" in text_of(browser.get(measure_url(hearing.measures[0])))


def test_a_bad_correction_is_explained_and_changes_nothing(browser, db, hearing):
    action = make_committee_action(hearing.measures[0])
    db.session.commit()
    before = snapshot(db)
    url = f"/staff/manage/committee-actions/{action.id}"
    response = post_form(browser, url, {"kind": "other", "taken_on": "2026-11-20", "note": ""})
    assert response.status_code == 422
    assert "Say in the note what the committee did." in text_of(response)
    assert snapshot(db) == before


def test_a_clerk_removes_an_entry_and_it_is_gone_from_the_list(browser, db, hearing):
    measure = hearing.measures[0]
    action = make_committee_action(measure, note="Entered on the wrong measure")
    db.session.commit()
    page = browser.get(measure_url(measure)).text
    assert "Entered on the wrong measure" in page

    response = browser.post(
        f"/staff/manage/committee-actions/{action.id}/remove",
        data={"csrf_token": csrf_token_from(page)},
    )

    assert response.status_code == 303
    assert stored(db)[0].removed_at is not None
    page = text_of(browser.get(measure_url(measure)))
    assert "Entered on the wrong measure" not in page
    assert "The entry is removed." in page
    # A removed entry has no correction page.
    assert browser.get(f"/staff/manage/committee-actions/{action.id}").status_code == 404
