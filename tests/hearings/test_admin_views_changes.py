"""Closing testimony early, rescheduling and cancelling: the clerk confirms, the published
deadline stays on record, and everyone with testimony on the hearing is told by e-mail once, in
the language they used. The hearing form keeps deadlines before the hearing starts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.platform.extensions import db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import local_time, utcnow
from app.testimony.models import ReviewStatus, SpeakingRequest, Testimony
from tests.factories import (
    edit_hearing_url,
    field_value,
    form_fields,
    hearing_fields,
    hearing_url,
    local,
    log_in,
    make_hearing,
    make_staff_user,
    make_testimony,
    post_form,
    press,
    set_review_status,
    snapshot,
    text_of,
)

SPANISH_FOOTER = "Recibió este mensaje porque se envió un testimonio"
ENGLISH_FOOTER = "You received this message because testimony was submitted"


pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


@pytest.fixture
def browser(client, db):
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk", email="clerk@example.gov")
    db.session.commit()
    assert log_in(client, clerk).status_code == 303
    return client


@pytest.fixture
def resident(app):
    return app.test_client()


def hearing_with_residents():
    """A hearing with testimony from four addresses, one of them twice (first in English, then
    in Spanish, in other letter case), one in Spanish with a request to speak, one withdrawn."""
    hearing = make_hearing(title="Hearing on a ban of face surveillance")
    senders = [
        ("ana@example.org", "en", SpeakingRequest.NONE),
        ("Ana@Example.org", "es", SpeakingRequest.NONE),
        ("beto@example.org", "es", SpeakingRequest.IN_PERSON),
        ("carl@example.org", None, SpeakingRequest.NONE),
        ("dee@example.org", "en", SpeakingRequest.NONE),
    ]
    for email, language, speaking in senders:
        testimony = make_testimony(hearing, email=email, speaking_request=speaking).testimony
        testimony.language = language
        if email.startswith("dee"):
            testimony.status = ReviewStatus.WITHDRAWN
            testimony.withdrawn_at = utcnow()
    carl = db.session.scalars(select(Testimony).filter_by(email="carl@example.org")).one()
    set_review_status(carl, ReviewStatus.APPROVED)
    return hearing


def mails(db, kind: str) -> dict[str, OutboxMessage]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    ).all()
    by_address = {row.to_address.lower(): row for row in rows}
    assert len(by_address) == len(rows), "an address was written to twice"
    return by_address


def assert_told_once_each_in_their_language(db, kind: str) -> dict[str, OutboxMessage]:
    told = mails(db, kind)
    assert set(told) == {"ana@example.org", "beto@example.org", "carl@example.org"}
    # Ana wrote last in Spanish; Carl's testimony predates the language record: the default.
    assert SPANISH_FOOTER in told["ana@example.org"].body_text
    assert SPANISH_FOOTER in told["beto@example.org"].body_text
    assert ENGLISH_FOOTER in told["carl@example.org"].body_text
    assert ENGLISH_FOOTER not in told["beto@example.org"].body_text
    return told


def test_testimony_keeps_the_language_its_sender_used(db, resident):
    hearing = make_hearing()
    db.session.commit()
    spanish = {"Accept-Language": "es"}
    page = resident.get(f"/hearings/{hearing.id}/testimony/new", headers=spanish).text
    response = resident.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page), headers=spanish
    )
    assert response.status_code == 303
    page = resident.get(f"/hearings/{hearing.id}/testimony/new").text
    response = resident.post(
        f"/hearings/{hearing.id}/testimony/new",
        data=form_fields(hearing, page, email="eve@example.org"),
    )
    assert response.status_code == 303
    db.session.expire_all()
    languages = dict(db.session.execute(select(Testimony.email, Testimony.language)).all())
    assert languages == {"denise@example.org": "es", "eve@example.org": "en"}


def test_closing_early_asks_first_and_says_who_will_be_told(db, browser):
    hearing = hearing_with_residents()
    db.session.commit()

    page = browser.get(hearing_url(hearing)).text
    confirm_url = f"{hearing_url(hearing)}/close/confirm"
    assert f'href="{confirm_url}"' in page  # a link to a page, not a button that acts at once
    confirm = browser.get(confirm_url)
    assert confirm.status_code == 200
    assert "3 residents with testimony or a request to speak" in confirm.text
    assert 'name="confirm"' in confirm.text
    before = snapshot(db)

    refused = post_form(browser, confirm_url, {}, to=f"{hearing_url(hearing)}/close")

    assert refused.status_code == 422
    assert "Tick the box to confirm." in refused.text
    assert snapshot(db) == before


def test_closing_early_keeps_the_published_deadline_and_tells_everyone(db, browser, resident):
    hearing = hearing_with_residents()
    db.session.commit()
    published = hearing.testimony_closes_at

    response = press(browser, hearing, "close")

    assert "Testimony is closed." in response.text
    assert "3 residents are being told by e-mail." in response.text
    db.session.expire_all()
    assert hearing.published_closes_at == published
    assert hearing.testimony_closes_at <= utcnow() < published
    closed, was = (
        local_time(hearing.testimony_closes_at, hearing.timezone),
        local_time(published, hearing.timezone),
    )
    line = f"Testimony closed early on {closed}; the published deadline was {was}."
    assert line in text_of(resident.get(f"/hearings/{hearing.id}"))
    assert line in text_of(browser.get(hearing_url(hearing)))
    told = assert_told_once_each_in_their_language(db, "hearing_closed_early")
    assert line in told["carl@example.org"].body_text
    assert told["carl@example.org"].subject == f"Testimony closed early: {hearing.title}"
    assert f"/hearings/{hearing.id}" in told["beto@example.org"].body_text

    # Closing again changes nothing and writes to no one.
    press(browser, hearing, "close")
    assert len(mails(db, "hearing_closed_early")) == 3


def test_an_address_removed_under_retention_is_not_written_to(db, browser):
    hearing = hearing_with_residents()
    carl = db.session.scalars(select(Testimony).filter_by(email="carl@example.org")).one()
    carl.email, carl.email_key = "", f"removed:{carl.id}"
    db.session.commit()

    press(browser, hearing, "cancel")

    assert set(mails(db, "hearing_cancelled")) == {"ana@example.org", "beto@example.org"}


def test_saving_a_closed_early_hearing_keeps_the_record_until_a_new_deadline(db, browser):
    hearing = make_hearing()
    db.session.commit()
    press(browser, hearing, "close")
    db.session.expire_all()
    closed, published = hearing.testimony_closes_at, hearing.published_closes_at

    # The form sends the early close back to the minute: the same deadline, kept exactly.
    edit = browser.get(edit_hearing_url(hearing)).text
    fields = hearing_fields(
        [m.id for m in hearing.measures],
        title="Renamed hearing",
        starts_at=field_value(edit, "starts_at"),
        testimony_opens_at=field_value(edit, "testimony_opens_at"),
        testimony_closes_at=field_value(edit, "testimony_closes_at"),
        speaker_signup_closes_at=field_value(edit, "speaker_signup_closes_at"),
    )
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303
    db.session.expire_all()
    assert (hearing.title, hearing.testimony_closes_at) == ("Renamed hearing", closed)
    assert hearing.published_closes_at == published

    # A new deadline replaces the record: testimony is open again until then.
    fields |= {"testimony_closes_at": local(utcnow() + timedelta(days=2))}
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303
    db.session.expire_all()
    assert hearing.published_closes_at is None
    assert hearing.is_accepting_testimony(utcnow())


def test_rescheduling_tells_everyone_the_new_time_once(db, browser):
    hearing = hearing_with_residents()
    db.session.commit()
    old_start = hearing.starts_at
    new_start = utcnow() + timedelta(days=9)
    edit = browser.get(edit_hearing_url(hearing)).text
    fields = hearing_fields(
        [m.id for m in hearing.measures],
        testimony_opens_at=field_value(edit, "testimony_opens_at"),
        testimony_closes_at=field_value(edit, "testimony_closes_at"),
        speaker_signup_closes_at=field_value(edit, "speaker_signup_closes_at"),
    )

    # Other changes tell no one.
    fields["starts_at"] = field_value(edit, "starts_at")
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303
    assert mails(db, "hearing_rescheduled") == {}

    fields["starts_at"] = local(new_start)
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303

    told = assert_told_once_each_in_their_language(db, "hearing_rescheduled")
    db.session.expire_all()
    english = told["carl@example.org"].body_text
    assert f"New time: {local_time(hearing.starts_at, hearing.timezone)}" in english
    assert f"It was: {local_time(old_start, hearing.timezone)}" in english
    assert told["carl@example.org"].subject == f"Hearing rescheduled: {hearing.title}"


def test_cancelling_asks_first_and_tells_everyone_and_reinstating_tells_them_again(
    db, browser, resident
):
    hearing = hearing_with_residents()
    db.session.commit()
    confirm = browser.get(f"{hearing_url(hearing)}/cancel/confirm")
    assert "Cancel the hearing?" in confirm.text
    before = snapshot(db)
    refused = post_form(
        browser, f"{hearing_url(hearing)}/cancel/confirm", {}, to=f"{hearing_url(hearing)}/cancel"
    )
    assert refused.status_code == 422
    assert snapshot(db) == before

    response = press(browser, hearing, "cancel")

    assert "The hearing is cancelled." in response.text
    assert "3 residents are being told by e-mail." in response.text
    told = assert_told_once_each_in_their_language(db, "hearing_cancelled")
    assert "is cancelled" in told["carl@example.org"].body_text
    press(browser, hearing, "cancel")  # twice: no second round of mail
    assert len(mails(db, "hearing_cancelled")) == 3

    press(browser, hearing, "reinstate")
    assert_told_once_each_in_their_language(db, "hearing_reinstated")


def test_no_mail_is_queued_when_the_change_is_refused(db, browser):
    hearing = make_hearing(
        testimony_closes_at=utcnow() - timedelta(hours=1), speaker_signup_closes_at=None
    )
    make_testimony(hearing, now=utcnow() - timedelta(hours=2))
    db.session.commit()

    response = press(browser, hearing, "close")

    assert "Testimony is not open, so there is nothing to close." in response.text
    assert mails(db, "hearing_closed_early") == {}


@pytest.mark.parametrize(
    ("field", "message"),
    [
        (
            "testimony_closes_at",
            "The testimony deadline must be no later than the hearing's start.",
        ),
        ("speaker_signup_closes_at", "Sign-up to speak must close by the hearing's start."),
    ],
)
def test_hearing_form_refuses_a_deadline_after_the_start(db, browser, field, message):
    hearing = make_hearing()
    db.session.commit()
    now = utcnow()
    fields = hearing_fields(
        [m.id for m in hearing.measures],
        starts_at=local(now + timedelta(days=3)),
        testimony_closes_at=local(now + timedelta(days=3)),
    )
    fields[field] = local(now + timedelta(days=3, minutes=1))
    before = snapshot(db)

    response = post_form(browser, edit_hearing_url(hearing), fields)

    assert response.status_code == 200
    page = text_of(response)
    assert message in page
    assert f'id="{field}-error"' in response.text  # on the field itself
    assert snapshot(db) == before

    # A deadline at the very start is allowed.
    fields[field] = local(now + timedelta(days=3))
    assert post_form(browser, edit_hearing_url(hearing), fields).status_code == 303
