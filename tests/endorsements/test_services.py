"""A registered organisation signs on to published testimony and campaigns' letters, once,
and withdraws its sign-on; anything unpublished is not found; every change is audited."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.campaigns.models import Campaign
from app.endorsements.models import Endorsement, EndorsementSource
from app.endorsements.queries import endorsements_for_campaigns, endorsements_for_testimony
from app.endorsements.services import TargetNotFound, endorse, withdraw_endorsement
from app.organisations.errors import NotWhileArchived
from app.organisations.models import Organisation
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus, Testimony
from tests.endorsements.helpers import campaign_letters, published
from tests.factories import (
    make_admin,
    make_hearing,
    make_organisation,
    make_testimony,
    run_threads,
    set_review_status,
)

NOW = utcnow()
ACTOR = "api_key:1"


def _rows(db) -> int:
    return db.session.scalar(select(func.count(Endorsement.id)))


def _audited(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_organisation_signs_on_to_published_testimony_once(db):
    testimony = published(make_hearing())
    organisation = make_organisation(name="Digital Fourth")

    first = endorse(organisation, testimony, now=NOW, actor=ACTOR)
    again = endorse(organisation, testimony, now=NOW + timedelta(minutes=1), actor=ACTOR)

    assert first.created and not again.created
    assert again.endorsement.id == first.endorsement.id
    assert _rows(db) == 1
    [line] = endorsements_for_testimony([testimony.id])[testimony.id]
    assert (line.name, line.source, line.is_registered) == (
        "Digital Fourth",
        EndorsementSource.ORGANISATION,
        True,
    )
    [event] = _audited(db, "endorsement.made")
    assert event.actor == ACTOR
    assert event.data == {"organisation_id": organisation.id, "testimony_id": testimony.id}


@pytest.mark.parametrize(
    "status", [ReviewStatus.PENDING, ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN]
)
def test_testimony_not_published_cannot_be_endorsed(db, status):
    testimony = make_testimony(make_hearing()).testimony
    set_review_status(testimony, status)
    with pytest.raises(TargetNotFound):
        endorse(make_organisation(), testimony, now=NOW, actor=ACTOR)
    assert _rows(db) == 0


def test_disputed_or_unconfirmed_testimony_is_not_published_so_not_endorsable(db):
    disputed = published(make_hearing())
    disputed.disputed_at = NOW
    unconfirmed = published(make_hearing(confirmed_only=True))
    for testimony in (disputed, unconfirmed):
        with pytest.raises(TargetNotFound):
            endorse(make_organisation(), testimony, now=NOW, actor=ACTOR)
    disputed.dispute_kept_at = NOW  # a moderator kept it: published again
    assert endorse(make_organisation(), disputed, now=NOW, actor=ACTOR).created


def test_a_campaign_is_endorsable_only_with_a_published_letter(db):
    hearing = make_hearing()
    waiting = campaign_letters(hearing, approved=0, pending=2)
    campaign = db.session.get(Campaign, waiting[0].campaign_id)
    organisation = make_organisation()
    with pytest.raises(TargetNotFound, match="campaign"):
        endorse(organisation, campaign, now=NOW, actor=ACTOR)

    set_review_status(waiting[1], ReviewStatus.APPROVED)
    done = endorse(organisation, campaign, now=NOW, actor=ACTOR)
    assert done.created and done.endorsement.campaign_id == campaign.id
    assert done.endorsement.testimony_id is None
    [line] = endorsements_for_campaigns([campaign.id])[campaign.id]
    assert line.organisation_id == organisation.id


def test_withdrawing_keeps_the_row_and_signing_again_renews_it(db):
    testimony = published(make_hearing())
    organisation = make_organisation()
    endorse(organisation, testimony, now=NOW, actor=ACTOR)

    assert withdraw_endorsement(organisation, testimony, now=NOW, actor=ACTOR) is True
    assert withdraw_endorsement(organisation, testimony, now=NOW, actor=ACTOR) is False
    assert endorsements_for_testimony([testimony.id]) == {testimony.id: []}
    assert len(_audited(db, "endorsement.withdrawn")) == 1

    later = NOW + timedelta(hours=1)
    again = endorse(organisation, testimony, now=later, actor=ACTOR)
    assert again.renewed and not again.created
    assert _rows(db) == 1
    [line] = endorsements_for_testimony([testimony.id])[testimony.id]
    assert line.endorsed_at == later
    assert _audited(db, "endorsement.made")[-1].data["again"] is True


def test_a_sign_on_can_be_withdrawn_after_the_letter_is_unpublished(db):
    testimony = published(make_hearing())
    organisation = make_organisation()
    endorse(organisation, testimony, now=NOW, actor=ACTOR)
    set_review_status(testimony, ReviewStatus.WITHDRAWN)

    assert withdraw_endorsement(organisation, testimony, now=NOW, actor=ACTOR) is True
    # Another organisation, which never signed, learns nothing about it.
    with pytest.raises(TargetNotFound):
        withdraw_endorsement(make_organisation(), testimony, now=NOW, actor=ACTOR)


def test_an_archived_organisation_cannot_sign_on(db):
    organisation = make_organisation()
    organisation.archived_at, organisation.archived_by_id = NOW, make_admin().id
    with pytest.raises(NotWhileArchived):
        endorse(organisation, published(make_hearing()), now=NOW, actor=ACTOR)
    assert _rows(db) == 0


def test_two_organisations_sign_the_same_letter_in_the_order_they_signed(db):
    testimony = published(make_hearing())
    second, first = make_organisation(name="Second Org"), make_organisation(name="First Org")
    endorse(first, testimony, now=NOW, actor=ACTOR)
    endorse(second, testimony, now=NOW + timedelta(seconds=1), actor=ACTOR)
    lines = endorsements_for_testimony([testimony.id])[testimony.id]
    assert [line.name for line in lines] == ["First Org", "Second Org"]


def test_two_requests_signing_at_the_same_moment_make_one_sign_on(app, db):
    testimony_id, organisation_id = published(make_hearing()).id, make_organisation().id
    db.session.commit()  # the threads must see them; on SQLite this also frees the write lock
    start = threading.Barrier(2, timeout=10)

    def sign() -> bool:
        start.wait()  # before any reading: on SQLite a transaction here holds the write lock
        with app.app_context():
            testimony = _db.session.get(Testimony, testimony_id)
            organisation = _db.session.get(Organisation, organisation_id)
            done = endorse(organisation, testimony, now=NOW, actor=ACTOR)
            _db.session.commit()
            return done.created

    results = run_threads(sign, sign, join_seconds=20)
    assert sorted(results) == [False, True]
    assert _rows(db) == 1
    assert len(_audited(db, "endorsement.made")) == 1
