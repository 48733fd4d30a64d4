"""A sign-in's confirm and dispute links, and a moderator keeping a disputed one."""

from __future__ import annotations

from sqlalchemy import select

from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins import identity, tallies
from app.signins.models import SignIn
from tests.factories import csrf_token_from, make_hearing, make_sign_in, make_staff_user


def published(hearing) -> int:
    return sum(
        value
        for key, value in tallies.counts([hearing.id])[hearing.id].items()
        if key[2] == "published"
    )


def test_the_receipt_mail_carries_working_links(client, db):
    hearing = make_hearing()
    receipt = make_sign_in(hearing)
    db.session.commit()
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    body = db.session.scalars(select(OutboxMessage.body_text)).one()
    confirm_url = identity.link(sign_in, identity.CONFIRM)
    assert confirm_url in body and identity.link(sign_in, identity.DISPUTE) in body
    path = confirm_url.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    # Opening the link changes nothing: a mail scanner may open it.
    assert page.status_code == 200
    db.session.refresh(sign_in)
    assert sign_in.email_confirmed_at is None
    done = client.post("/" + path, data={"csrf_token": csrf_token_from(page.text)})
    assert "your e-mail address is confirmed" in done.text
    db.session.refresh(sign_in)
    assert sign_in.email_confirmed_at is not None


def test_a_wrong_token_is_not_found(client, db):
    receipt = make_sign_in()
    db.session.commit()
    assert client.get(f"/positions/{receipt.sign_in_id}/confirm/{'0' * 40}").status_code == 404
    assert client.get(f"/positions/{receipt.sign_in_id}/other/{'0' * 40}").status_code == 404


def test_a_dispute_stops_the_count_until_a_moderator_keeps_it(db):
    hearing = make_hearing()
    receipt = make_sign_in(hearing)
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    assert published(hearing) == 1
    assert identity.record(sign_in, identity.DISPUTE, now=utcnow())
    assert not identity.record(sign_in, identity.DISPUTE, now=utcnow())
    assert published(hearing) == 0
    assert sign_in.tally_state == "disputed"
    moderator = make_staff_user()
    assert identity.keep_disputed(moderator, sign_in, now=utcnow())
    assert not identity.keep_disputed(moderator, sign_in, now=utcnow())
    assert published(hearing) == 1
