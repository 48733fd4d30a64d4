"""Automated submissions are marked for moderators, bursts are slowed, and nothing is lost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.exports.packet.data import approved_ids
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.testimony import bot_defence
from app.testimony.models import QuarantineReason, ReviewStatus, Testimony
from tests.factories import form_fields, make_hearing, set_review_status

RECEIPT_PREFIX = "/receipts/"


@pytest.fixture(autouse=True)
def generous_limits(config):
    """Limits high enough not to matter, unless a test lowers them."""
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "1000 per minute"
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1000 per minute"


def form_url(hearing) -> str:
    return f"/hearings/{hearing.id}/testimony/new"


def post(client, hearing, **overrides):
    page = client.get(form_url(hearing))
    assert page.status_code == 200
    return client.post(form_url(hearing), data=form_fields(hearing, page.text, **overrides))


def stored(db) -> list[Testimony]:
    db.session.expire_all()
    return list(db.session.scalars(select(Testimony).order_by(Testimony.id)))


def test_a_person_taking_their_time_is_not_marked(app, db, config):
    config["SUBMIT_MIN_SECONDS"] = 3
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    page = client.get(form_url(hearing))
    opened = bot_defence.opened_stamp(utcnow() - timedelta(seconds=40))
    fields = form_fields(hearing, page.text, opened=opened)
    response = client.post(form_url(hearing), data=fields)
    assert response.status_code == 303
    [testimony] = stored(db)
    assert testimony.quarantine_reason is None
    assert testimony.status is ReviewStatus.PENDING


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"website": "http://cheap-pills.example"}, QuarantineReason.HIDDEN_FIELD),
        ({"opened": None}, QuarantineReason.NO_FORM),
        ({"opened": "forged.stamp"}, QuarantineReason.NO_FORM),
        ({}, QuarantineReason.TOO_FAST),
    ],
    ids=["trap-field", "no-stamp", "forged-stamp", "too-fast"],
)
def test_a_submission_that_looks_automated_is_kept_and_marked(app, db, config, overrides, reason):
    config["SUBMIT_MIN_SECONDS"] = 3
    hearing = make_hearing()
    db.session.commit()
    response = post(app.test_client(), hearing, **overrides)
    # The sender sees exactly what a person sees: a receipt.
    assert response.status_code == 303
    assert response.headers["Location"].startswith(RECEIPT_PREFIX)
    [testimony] = stored(db)
    assert testimony.quarantine_reason is reason
    assert testimony.status is ReviewStatus.PENDING
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.submitted")
    ).one()
    assert event.data == {"quarantine": reason.value}


def test_marked_testimony_stays_out_of_the_packet_until_a_moderator_approves_it(app, db, config):
    config["SUBMIT_MIN_SECONDS"] = 3
    hearing = make_hearing()
    db.session.commit()
    post(app.test_client(), hearing, website="filled by a bot")
    [testimony] = stored(db)
    assert approved_ids(hearing) == []
    set_review_status(testimony, ReviewStatus.APPROVED)
    db.session.commit()
    assert approved_ids(hearing) == [testimony.id]


def test_the_trap_field_is_hidden_from_people(app, db):
    hearing = make_hearing()
    db.session.commit()
    html = app.test_client().get(form_url(hearing)).text
    # Hidden by the attribute itself, and by the stylesheet for good measure.
    trap = re.search(r'<div class="form-trap" hidden>(.*?)</div>', html, re.S)
    assert trap and 'name="website"' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1)
    assert "data-1p-ignore" in trap.group(1) and 'data-lpignore="true"' in trap.group(1)
    css = app.test_client().get("/static/css/site.css").text
    assert re.search(r"\.form-trap\s*\{\s*display:\s*none;", css)


def test_a_burst_from_one_address_is_slowed_and_keeps_everything_accepted(app, db, config):
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "3 per minute"
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    accepted = [
        post(client, hearing, email=f"resident{n}@example.org", body=f"Testimony number {n}.")
        for n in range(3)
    ]
    assert [r.status_code for r in accepted] == [303, 303, 303]
    limited = post(client, hearing, email="late@example.org", body="My words must not vanish.")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert "nothing was submitted this time" in limited.text
    assert "My words must not vanish." in limited.text  # handed back to send again
    assert 'value="late@example.org"' in limited.text
    assert [t.body for t in stored(db)] == [f"Testimony number {n}." for n in range(3)]


def test_one_email_address_is_limited_on_one_hearing_only(app, db, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "2 per hour"
    hearing, other = make_hearing(), make_hearing()
    db.session.commit()
    client = app.test_client()
    for n in range(2):
        assert post(client, hearing, email="Same@Example.org", body=f"Mine {n}.").status_code == 303
    # Case and spaces do not make it another address.
    again = post(client, hearing, email=" same@example.org", body="Third try.")
    assert again.status_code == 429
    assert "Third try." in again.text
    assert post(client, hearing, email="someone.else@example.org").status_code == 303
    assert post(client, other, email="same@example.org").status_code == 303
    assert db.session.scalar(select(func.count(Testimony.id))) == 4


def test_the_email_address_never_reaches_the_rate_limit_store(app, db, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "2 per hour"
    hearing = make_hearing()
    db.session.commit()
    post(app.test_client(), hearing, email="private.person@example.org")
    from app.platform.extensions import limiter

    keys = repr(getattr(limiter.storage, "storage", {}))
    assert "private.person" not in keys
    assert "testimony-email" in keys


def test_an_invalid_form_does_not_use_up_the_email_allowance(app, db, config):
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1 per hour"
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    bad = post(client, hearing, email="careful@example.org", zip_code="nope")
    assert bad.status_code == 200
    assert post(client, hearing, email="careful@example.org").status_code == 303


def test_moderators_see_and_filter_testimony_marked_as_automated(app, db, config):
    from app.accounts.models import Role
    from tests.factories import make_staff_user, signed_in_client

    config["SUBMIT_MIN_SECONDS"] = 3
    hearing = make_hearing()
    moderator = make_staff_user(Role.MODERATOR)
    db.session.commit()
    resident = app.test_client()
    post(resident, hearing, website="bot", full_name="Botty McBotface")
    page = resident.get(form_url(hearing))
    fields = form_fields(
        hearing,
        page.text,
        full_name="Real Person",
        opened=bot_defence.opened_stamp(utcnow() - timedelta(minutes=5)),
    )
    assert resident.post(form_url(hearing), data=fields).status_code == 303
    staff = signed_in_client(app, moderator)
    queue = f"/staff/hearings/{hearing.id}/queue"
    main = staff.get(queue).text
    assert "Real Person" in main and "Botty McBotface" not in main
    assert "1 possibly automated letter is in its own tab." in main
    everything = staff.get(queue, query_string={"automated": "any"}).text
    assert "Botty McBotface" in everything and "Real Person" in everything
    assert everything.count("Possibly automated</span>") == 1
    marked = staff.get(queue, query_string={"automated": "yes"}).text
    assert "Botty McBotface" in marked and "Real Person" not in marked
    unmarked = staff.get(queue, query_string={"automated": "no"}).text
    assert "Real Person" in unmarked and "Botty McBotface" not in unmarked


def test_sending_the_same_form_again_is_never_limited(app, db, config):
    """A retry or double click of a stored form gets its receipt, whatever the limits."""
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1 per hour"
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "1 per minute"
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    page = client.get(form_url(hearing))
    fields = form_fields(hearing, page.text)
    first = client.post(form_url(hearing), data=fields)
    again = client.post(form_url(hearing), data=fields)
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert len(stored(db)) == 1


def test_a_forged_cross_site_post_uses_up_no_allowance(app, db, config):
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "1 per minute"
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    page = client.get(form_url(hearing))
    for _ in range(3):  # another site posting without the form's token
        forged = form_fields(hearing, page.text, csrf_token="forged", email="x@example.org")
        assert client.post(form_url(hearing), data=forged).status_code == 200
    assert post(client, hearing).status_code == 303
