"""A campaign that ends hands what organisations signed on to it to where its letters went:
the campaign it was merged into, the letter left when it dissolves, or (no letter left) the
letter that stood for it, wherever that is now. Nothing is deleted without an audit row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.campaigns import endings
from app.campaigns.models import Campaign
from app.campaigns.placement import place
from app.campaigns.regrouping import regroup
from app.endorsements.models import Endorsement
from app.endorsements.queries import endorsements_for_campaigns, endorsements_for_testimony
from app.endorsements.services import endorse
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.campaigns import letters as L
from tests.endorsements.helpers import published
from tests.factories import make_hearing, make_organisation

NOW = utcnow()
KEY = "api_key:1"


def _campaign_of(hearing, text: str, size: int) -> tuple[Campaign, list[Testimony]]:
    letters = [
        published(hearing, body=text, full_name=f"Sender Number{n}", email=f"s{n}@example.net")
        for n in range(size)
    ]
    assert len({letter.campaign_id for letter in letters}) == 1
    return _db.session.get(Campaign, letters[0].campaign_id), letters


def _move_letters(letters, campaign_id) -> None:
    _db.session.execute(
        update(Testimony)
        .where(Testimony.id.in_([letter.id for letter in letters]))
        .values(campaign_id=campaign_id)
    )


def _signed_names(campaign_id: int) -> list[str]:
    return [line.name for line in endorsements_for_campaigns([campaign_id])[campaign_id]]


def test_a_regroup_that_empties_a_campaign_takes_its_sign_ons_where_its_letter_went(db):
    """Placement split one letter's copies in two campaigns; a regroup puts them together in
    the one most were in, and the other's sign-on follows its letter there."""
    hearing = make_hearing(now=NOW)
    emptied, letters = _campaign_of(hearing, L.COAL_ASH, 3)
    other = Campaign(hearing_id=hearing.id, representative_id=letters[1].id)
    _db.session.add(other)
    _db.session.flush()
    _move_letters(letters[1:], other.id)
    endorse(make_organisation(name="Digital Fourth"), emptied, now=NOW, actor=KEY)
    emptied_id = emptied.id

    regroup(hearing, "user:7", now=NOW + timedelta(hours=1))

    assert _db.session.get(Campaign, emptied_id) is None
    assert _signed_names(other.id) == ["Digital Fourth"]
    [event] = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "endorsement.moved")
    ).all()
    assert event.actor == "user:7"
    assert (event.data["from_campaign_id"], event.data["to_campaign_id"]) == (emptied_id, other.id)


def test_with_no_letter_left_the_sign_on_goes_to_the_letter_that_stood_for_it(db):
    hearing = make_hearing(now=NOW)
    campaign, letters = _campaign_of(hearing, L.COAL_ASH, 2)
    endorse(make_organisation(name="Digital Fourth"), campaign, now=NOW, actor=KEY)
    representative = campaign.representative_id
    _move_letters(letters, None)

    endings.end_dissolved(campaign.id, actor="system", now=NOW)

    assert [line.name for line in endorsements_for_testimony([representative])[representative]] == [
        "Digital Fourth"
    ]


def test_with_every_letter_deleted_the_sign_ons_go_only_into_the_audit_log(db):
    hearing = make_hearing(now=NOW)
    campaign, letters = _campaign_of(hearing, L.COAL_ASH, 2)
    endorse(make_organisation(), campaign, now=NOW, actor=KEY)
    for letter in letters:
        _db.session.delete(letter)
    _db.session.flush()
    _db.session.refresh(campaign)

    endings.end_dissolved(campaign.id, actor="system", now=NOW)

    assert _db.session.scalar(select(func.count(Endorsement.id))) == 0
    assert (
        _db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "endorsement.dropped")
        )
        == 1
    )


def test_a_campaign_of_two_letters_is_not_dissolved(db):
    campaign, _letters = _campaign_of(make_hearing(now=NOW), L.COAL_ASH, 2)
    with pytest.raises(ValueError):
        endings.end_dissolved(campaign.id, actor="system", now=NOW)
    assert _db.session.get(Campaign, campaign.id) is not None


def test_a_merged_campaign_ends_and_its_sign_ons_move(db):
    hearing = make_hearing(now=NOW)
    ended, letters = _campaign_of(hearing, L.COAL_ASH, 2)
    survivor, _others = _campaign_of(hearing, L.CRUDE_EXPORT, 2)
    endorse(make_organisation(name="Digital Fourth"), ended, now=NOW, actor=KEY)
    _move_letters(letters, survivor.id)
    ended_id = ended.id

    endings.end_merged(ended_id, survivor.id, actor="system", now=NOW)

    assert _db.session.get(Campaign, ended_id) is None
    assert _signed_names(survivor.id) == ["Digital Fourth"]


def test_a_letter_amended_out_of_a_campaign_of_two_leaves_the_sign_on_on_the_other(db):
    hearing = make_hearing(now=NOW)
    campaign, (kept, amended) = _campaign_of(hearing, L.COAL_ASH, 2)
    endorse(make_organisation(name="Digital Fourth"), campaign, now=NOW, actor=KEY)
    amended.body = L.CRUDE_EXPORT  # as an amendment leaves it; placement runs after it
    _db.session.flush()

    place(amended)

    assert amended.campaign_id is None
    assert [line.name for line in endorsements_for_testimony([kept.id])[kept.id]] == [
        "Digital Fourth"
    ]
    [event] = _db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "endorsement.moved")
    ).all()
    assert (event.actor, event.data["to_testimony_id"]) == ("system", kept.id)
