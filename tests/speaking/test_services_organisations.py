"""A speaker whose testimony an organisation sent without their e-mail address is told their
place through the organisation, the notice saying for whom."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import Role
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.speaking import services
from tests.factories import make_hearing, make_organisation, make_staff_user
from tests.speaking.helpers import propose, sign_up, version


def test_the_place_goes_to_the_organisation_for_a_speaker_without_an_address(db):
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    organisation = make_organisation(name="Neighbours United", contact_email="in@nu.example")
    sign_up(hearing, "Ana Reyes", minutes_ago=30, email="", organisation_id=organisation.id)
    sign_up(hearing, "Bo Chen", minutes_ago=20, organisation_id=organisation.id)
    propose(clerk, hearing)
    services.publish(clerk, hearing, seen_version=version(hearing), now=utcnow())
    notices = {
        message.to_address: message.body_text
        for message in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "speaker_place")
        )
    }
    assert set(notices) == {"in@nu.example", "bo@example.org"}
    assert (
        "Neighbours United sent this for Ana Reyes, who gave no e-mail address"
        in (notices["in@nu.example"])
    )
    assert "Your place in the speaking order: 1" in notices["in@nu.example"]
    assert "Neighbours United sent this for you" in notices["bo@example.org"]
