"""The hearing form's speaking rules: minutes per speaker, the maximum (and its waitlist), how
speakers take part, officials first, the meeting PIN and the sign-up cut-off; shown to the
clerk, and to residents without the PIN."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import Role
from app.hearings.models import DEFAULT_SIGNUP_LEAD, Hearing, SpeakingModes
from app.platform.audit import AuditEvent
from app.platform.timezones import local_time, utcnow
from tests.factories import (
    edit_hearing_url,
    field_value,
    hearing_fields,
    hearing_url,
    local,
    log_in,
    make_body,
    make_committee,
    make_hearing,
    make_measure,
    make_staff_user,
    post_form,
    snapshot,
    text_of,
)

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")

PIN = "845 2091"


@pytest.fixture
def browser(client, db):
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk", email="clerk@example.gov")
    db.session.commit()
    assert log_in(client, clerk).status_code == 303
    return client


@pytest.fixture
def committee(db):
    committee = make_committee(make_body())
    make_measure(committee, number="Docket #0683")
    db.session.commit()
    return committee


def new_hearing_url(committee) -> str:
    return f"/staff/manage/committees/{committee.id}/hearings/new"


def rules(committee, **overrides) -> dict:
    return hearing_fields([committee.measures[0].id], **overrides)


def checked_value(page_html: str, name: str) -> str:
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', page_html):
        if "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    raise AssertionError(f"no {name} checked")


def saved(db) -> Hearing:
    db.session.expire_all()
    return db.session.scalars(select(Hearing)).one()


def assert_refused(response, *messages: str) -> None:
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    for message in messages:
        assert message in page, message


def test_clerk_sets_the_speaking_rules_and_residents_read_them_without_the_pin(
    db, browser, committee, app
):
    fields = rules(
        committee,
        speaking_modes="both",
        speaker_minutes="2",
        max_speakers="20",
        officials_first="y",
        remote_pin=f"  {PIN} ",
    )
    response = post_form(browser, new_hearing_url(committee), fields)
    assert response.status_code == 303

    hearing = saved(db)
    assert hearing.speaker_minutes == 2
    assert hearing.max_speakers == 20
    assert hearing.speaking_modes is SpeakingModes.BOTH
    assert hearing.officials_first is True
    assert hearing.remote_pin == PIN
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "hearing.created")
    ).one()
    assert {
        key: event.data[key]
        for key in ("speaker_minutes", "max_speakers", "speaking_modes", "officials_first")
    } == {
        "speaker_minutes": 2,
        "max_speakers": 20,
        "speaking_modes": "both",
        "officials_first": True,
    }
    # Whether there is a PIN, never the PIN itself.
    assert event.data["remote_pin"] is True
    assert PIN not in str(event.data)

    clerk_page = text_of(browser.get(hearing_url(hearing)))
    for shown in (
        "In person or remotely",
        "2 minutes",
        "Up to 20 speakers; those who sign up later go on a waitlist.",
        "Public officials speak first.",
        PIN,
    ):
        assert shown in clerk_page, shown

    public = text_of(app.test_client().get(f"/hearings/{hearing.id}"))
    for shown in ("In person or remotely", "2 minutes", "Sign-up to speak closes"):
        assert shown in public, shown
    assert PIN not in public
    assert "845" not in public

    # The edit form shows the rules back, and saving it unchanged keeps them.
    edit = browser.get(edit_hearing_url(hearing)).text
    assert field_value(edit, "speaker_minutes") == "2"
    assert field_value(edit, "max_speakers") == "20"
    assert field_value(edit, "remote_pin") == PIN
    assert checked_value(edit, "speaking_modes") == "both"
    response = post_form(browser, edit_hearing_url(hearing), fields)
    assert response.status_code == 303
    assert saved(db).remote_pin == PIN


def test_without_a_cut_off_sign_up_closes_an_hour_before_the_start(db, browser, committee):
    starts = local(utcnow() + timedelta(days=8))
    fields = rules(committee, starts_at=starts, testimony_closes_at=starts)
    response = post_form(browser, new_hearing_url(committee), fields)
    assert response.status_code == 303
    hearing = saved(db)
    assert hearing.speaker_signup_closes_at is None
    assert hearing.speaker_signup_deadline == hearing.starts_at - DEFAULT_SIGNUP_LEAD
    page = text_of(browser.get(hearing_url(hearing)))
    with browser.application.test_request_context():
        expected = local_time(hearing.starts_at - DEFAULT_SIGNUP_LEAD, hearing.timezone)
    assert expected in page
    assert "(the default)" in page
    form = text_of(browser.get(new_hearing_url(committee)))
    assert "sign-up closes one hour before the hearing starts" in form
    # A new hearing's form starts from three minutes, both ways of taking part, no limit.
    assert field_value(form, "speaker_minutes") == "3"
    assert field_value(form, "max_speakers") == ""


def test_empty_maximum_means_no_limit_and_in_person_only_needs_no_link(db, browser, committee):
    fields = rules(committee, remote_url="", speaking_modes="in_person", max_speakers="")
    assert post_form(browser, new_hearing_url(committee), fields).status_code == 303
    hearing = saved(db)
    assert hearing.max_speakers is None
    assert hearing.speaking_modes is SpeakingModes.IN_PERSON
    assert not hearing.has_remote_option
    page = text_of(browser.get(hearing_url(hearing)))
    assert "No limit" in page
    assert "In person only" in page
    assert "Meeting PIN" not in page


def test_a_cut_off_after_the_start_is_refused(db, browser, committee):
    before = snapshot(db)
    starts = utcnow() + timedelta(days=8)
    fields = rules(
        committee,
        starts_at=local(starts),
        testimony_closes_at=local(starts),
        speaker_signup_closes_at=local(starts + timedelta(minutes=1)),
    )
    response = post_form(browser, new_hearing_url(committee), fields)
    assert_refused(response, "Sign-up to speak must close by the hearing's start.")
    assert snapshot(db) == before


def test_the_database_refuses_a_cut_off_after_the_start(db):
    hearing = make_hearing()
    db.session.commit()
    hearing.speaker_signup_closes_at = hearing.starts_at + timedelta(minutes=1)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("modes", ["remote", "both"])
def test_remote_speaking_without_a_link_is_refused(db, browser, committee, modes):
    before = snapshot(db)
    fields = rules(committee, remote_url="", speaking_modes=modes)
    response = post_form(browser, new_hearing_url(committee), fields)
    assert_refused(
        response,
        "Remote speakers need the link to join: enter it under “Link to watch or join "
        "remotely”, or choose “In person only”.",
    )
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("speaker_minutes", "0", "Give each speaker between 1 and 60 minutes."),
        ("speaker_minutes", "61", "Give each speaker between 1 and 60 minutes."),
        ("speaker_minutes", "-3", "Give each speaker between 1 and 60 minutes."),
        ("speaker_minutes", "99999999999999999999999", "between 1 and 60 minutes"),
        ("speaker_minutes", "", "Enter the minutes each speaker has."),
        ("speaker_minutes", "three", "Enter the minutes per speaker as a whole number"),
        ("speaker_minutes", "2.5", "Enter the minutes per speaker as a whole number"),
        ("speaker_minutes", "3\x00", "Enter the minutes per speaker as a whole number"),
        ("max_speakers", "0", "Enter a maximum between 1 and 1000 speakers"),
        ("max_speakers", "-1", "Enter a maximum between 1 and 1000 speakers"),
        ("max_speakers", "twenty", "Enter the maximum number of speakers as a whole number"),
        ("speaking_modes", "everywhere", "Choose how speakers take part."),
        ("speaking_modes", "", "Choose how speakers take part."),
        ("remote_pin", "1" * 41, "Use 40 characters or fewer."),
        ("remote_pin", "12\x0034", "Remove the control characters"),
    ],
)
def test_bad_speaking_rules_are_refused_and_change_nothing(
    db, browser, committee, field, value, message
):
    before = snapshot(db)
    response = post_form(browser, new_hearing_url(committee), rules(committee, **{field: value}))
    assert_refused(response, message)
    assert snapshot(db) == before


def test_the_error_summary_leads_to_the_first_way_of_taking_part(db, browser, committee):
    response = post_form(
        browser, new_hearing_url(committee), rules(committee, remote_url="", speaking_modes="")
    )
    assert 'href="#speaking_modes-0"' in response.text
    assert 'id="speaking_modes-0"' in response.text


def test_changing_the_rules_is_recorded(db, browser, committee):
    assert post_form(browser, new_hearing_url(committee), rules(committee)).status_code == 303
    hearing = saved(db)
    fields = rules(committee, speaking_modes="remote", speaker_minutes="5", max_speakers="8")
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303
    hearing = saved(db)
    assert (hearing.speaking_modes, hearing.speaker_minutes, hearing.max_speakers) == (
        SpeakingModes.REMOTE,
        5,
        8,
    )
    assert not hearing.has_in_person_option
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "hearing.updated")
    ).one()
    assert event.data["speaking_modes"] == "remote"
    assert event.data["speaker_minutes"] == 5
    assert event.data["max_speakers"] == 8
    assert event.data["remote_pin"] is False
    assert "Remotely only" in text_of(browser.get(hearing_url(hearing)))


def test_the_speaking_rules_are_labelled_on_the_form(db, browser, committee):
    page = text_of(browser.get(new_hearing_url(committee)))
    for label in (
        "Speaking at the hearing",
        "How speakers take part",
        "Minutes per speaker",
        "Maximum number of speakers (optional)",
        "go on a waitlist",
        "Public officials speak first",
        "Meeting PIN or passcode for remote speakers (optional)",
        "Sign-up to speak closes (optional)",
    ):
        assert label in page, label
