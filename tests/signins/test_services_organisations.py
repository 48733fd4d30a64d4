"""A sign-in an organisation sent without the resident's address: its receipt and every later
message go to the organisation, with no link that speaks for an address."""

from __future__ import annotations

from sqlalchemy import select

from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.signins.models import SignIn
from app.signins.services import change_positions
from app.testimony.models import Position
from tests.factories import make_hearing, make_organisation, make_sign_in


def _mail(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_sign_in_changed_later_is_told_to_the_organisation(db):
    hearing = make_hearing(measures=2)
    organisation = make_organisation(contact_email="in@nu.example")
    receipt = make_sign_in(hearing, email="", organisation_id=organisation.id)
    sign_in = db.session.get(SignIn, receipt.sign_in_id)
    change_positions(
        sign_in,
        ((hearing.measures[1].id, Position.SUPPORT),),
        now=utcnow(),
        seen_version=sign_in.version,
    )
    received, changed = _mail(db)
    assert received.to_address == changed.to_address == "in@nu.example"
    for message in (received, changed):
        assert "/dispute/" not in message.body_text and "/confirm/" not in message.body_text
        assert "If that was not you, reply to the clerk of the committee." in message.body_text
