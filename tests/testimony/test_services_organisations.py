"""Testimony an organisation sent: stored with the organisation and its reference, its receipt
and every later message to the resident's address, or, when they gave none, to the
organisation's, saying for whom and carrying no link that speaks for an address."""

from __future__ import annotations

from sqlalchemy import select

from app.platform.audit import AuditEvent
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony import services
from app.testimony.models import Position, SpeakingRequest
from app.testimony.submissions import Amendment
from tests.factories import make_hearing, make_organisation, make_testimony


def _mail(db) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_every_message_goes_to_the_organisation_when_the_resident_gave_no_address(db):
    hearing = make_hearing()
    organisation = make_organisation(name="Neighbours United", contact_email="in@nu.example")
    receipt = make_testimony(
        hearing,
        email="",
        full_name="Ana Souza",
        organisation_id=organisation.id,
        external_reference="crm-1",
    )
    testimony = receipt.testimony
    assert (testimony.organisation_id, testimony.external_reference) == (organisation.id, "crm-1")
    now = utcnow()
    services.amend_testimony(
        testimony,
        Amendment(
            measure_id=hearing.measures[0].id,
            position=Position.OPPOSE,
            body="On reflection I oppose it.",
            speaking_request=SpeakingRequest.NONE,
            reason="Changed my mind",
        ),
        now=now,
    )
    services.withdraw_testimony(testimony, now=now)
    sent = _mail(db)
    assert [m.kind for m in sent] == [
        "testimony_received",
        "testimony_amended",
        "testimony_withdrawn",
    ]
    for message in sent:
        assert message.to_address == "in@nu.example"
        assert "Neighbours United sent this for Ana Souza, who gave no e-mail address" in (
            message.body_text
        )
        assert "/identity/" not in message.body_text
    (submitted,) = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.submitted")
    )
    assert submitted.data == {"organisation_id": organisation.id}


def test_with_the_residents_address_they_are_told_who_sent_it(db):
    hearing = make_hearing()
    organisation = make_organisation(name="Neighbours United")
    make_testimony(hearing, email="ana@example.org", organisation_id=organisation.id)
    make_testimony(hearing, email="bo@example.org")
    from_organisation, own = _mail(db)
    assert from_organisation.to_address == "ana@example.org"
    assert "Neighbours United sent this for you through OpenTestimony." in (
        from_organisation.body_text
    )
    assert "/identity/" in from_organisation.body_text  # theirs to confirm, or dispute
    assert "sent this for" not in own.body_text
