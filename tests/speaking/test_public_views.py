"""A speaker's own page and their receipt: confirming and cancelling a place."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.platform.extensions import db as _db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.speaking import services
from app.testimony.models import SpeakingRequest
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    snapshot,
    text_of,
)
from tests.speaking.helpers import propose, sign_up, version

pytestmark = pytest.mark.usefixtures("isolated_requests")


@pytest.fixture
def scene(db):
    hearing = make_hearing(max_speakers=1)
    ana = sign_up(hearing, "Ana Reyes", minutes_ago=30)
    bo = sign_up(hearing, "Bo Chen", minutes_ago=20)
    clerk = make_staff_user(Role.CLERK)
    propose(clerk, hearing)
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    _db.session.commit()
    return {"hearing": hearing, "ana": ana, "bo": bo}


def notice_token(db, address: str) -> str:
    body = db.session.scalars(
        select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == address, OutboxMessage.kind.like("speaker_%"))
        .order_by(OutboxMessage.id.desc())
    ).first()
    return body.split("/speaking/")[1].split()[0]  # "<speaker id>/<token>"


def statuses(hearing) -> dict[str, str]:
    _db.session.expire_all()
    return {s.full_name: s.status.value for s in services.speakers(hearing)}


def test_the_notice_link_shows_the_place_and_confirms_it(client, db, scene):
    token = notice_token(db, "ana@example.org")
    page = text_of(client.get(f"/speaking/{token}"))
    assert "Place in the speaking order" in page and "Ana Reyes" in page
    assert scene["hearing"].location in page
    response = client.post(
        f"/speaking/{token}/confirm-place",
        data={"csrf_token": csrf_token_from(page)},
        follow_redirects=True,
    )
    assert "Thank you: your place is confirmed." in text_of(response)
    assert "Confirm I will speak" not in text_of(response)


def test_cancelling_asks_first_then_moves_the_waitlist(client, db, scene):
    token = notice_token(db, "ana@example.org")
    ask = client.get(f"/speaking/{token}/cancel-place")
    assert "Cancel your place to speak?" in text_of(ask)
    assert statuses(scene["hearing"])["Ana Reyes"] == "waiting"
    response = client.post(
        f"/speaking/{token}/cancel-place",
        data={"csrf_token": csrf_token_from(ask.text)},
        follow_redirects=True,
    )
    assert "Your place is cancelled." in text_of(response)
    assert statuses(scene["hearing"]) == {"Bo Chen": "waiting", "Ana Reyes": "cancelled"}
    told = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.to_address == "bo@example.org")
    ).all()
    assert "speaker_moved_up" in told


def test_an_expired_form_changes_nothing(client, db, scene):
    token = notice_token(db, "ana@example.org")
    before = snapshot(db)
    response = client.post(
        f"/speaking/{token}/cancel-place", data={"csrf_token": "expired"}, follow_redirects=True
    )
    assert "The page expired before you confirmed" in text_of(response)
    assert snapshot(db) == before


def test_unknown_links_are_not_found(client, db, scene):
    link = notice_token(db, "ana@example.org")
    speaker_id, token = link.split("/")
    for path in (
        "/speaking/nope",
        f"/speaking/{speaker_id}/nope",
        f"/speaking/{speaker_id}/" + "x" * 300,
        f"/speaking/{int(speaker_id) + 1}/{token}",
        f"/speaking/999999/{token}/cancel-place",
        "/receipts/nope/cancel-place",
    ):
        assert client.get(path).status_code == 404, path


def test_the_receipt_shows_the_place_and_can_cancel_it(client, db, scene):
    hearing = make_hearing()
    receipt = make_testimony(
        hearing, full_name="Dee Walker", speaking_request=SpeakingRequest.IN_PERSON
    )
    receipt_token = receipt.token
    clerk = make_staff_user(Role.CLERK, email="clerk2@example.org")
    propose(clerk, hearing)
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    _db.session.commit()
    page = text_of(client.get(f"/receipts/{receipt_token}"))
    assert "Your place to speak" in page and "Place in the speaking order" in page
    ask = client.get(f"/receipts/{receipt_token}/cancel-place")
    response = client.post(
        f"/receipts/{receipt_token}/cancel-place",
        data={"csrf_token": csrf_token_from(ask.text)},
        follow_redirects=True,
    )
    assert response.request.path == f"/receipts/{receipt_token}"
    assert "You gave up your place to speak." in text_of(response)
    assert statuses(hearing) == {"Dee Walker": "cancelled"}
