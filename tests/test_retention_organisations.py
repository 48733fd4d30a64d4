"""Retention and what organisations sent: receipts that went to the organisation for residents
without an address are removed with the residents' own mail, and once the hearing's personal
data is gone nothing more is sent about those testimonies."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app import retention
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.factories import (
    make_body,
    make_committee,
    make_hearing,
    make_organisation,
    make_sign_in,
    make_testimony,
)


def test_the_organisations_copies_of_receipts_go_with_the_hearings_data(db):
    now = utcnow()
    committee = make_committee(make_body(name="Somerville City Council", retention_days=365))
    old = make_hearing(committee=committee, now=now - timedelta(days=400))
    organisation = make_organisation(contact_email="intake@nu.example")
    sent_at = old.testimony_opens_at + timedelta(hours=1)
    for name in ("Ana Souza", "Bo Li"):
        make_testimony(old, now=sent_at, email="", full_name=name, organisation_id=organisation.id)
    make_sign_in(old, now=sent_at, email="", organisation_id=organisation.id)
    db.session.execute(update(OutboxMessage).values(created_at=sent_at))
    db.session.flush()
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 3

    plan = retention.apply(now=now)
    assert plan.testimonies == 2 and plan.messages == 3
    assert db.session.scalars(select(OutboxMessage)).all() == []
    for testimony in db.session.scalars(select(Testimony)):
        db.session.refresh(testimony)
        assert (testimony.email, testimony.street_address) == ("", "")
        assert testimony.email_key.startswith(retention.REMOVED_KEY_PREFIX)
        # Removed, the address is nobody's: no more mail about it, to the organisation either.
        assert not testimony.mails_organisation and testimony.mail_address == ""
