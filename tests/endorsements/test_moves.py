"""Organisations' sign-ons follow a campaign's letters when the campaign ends: merged, to the
campaign that remains (one per organisation), dissolved, to its letter; the API and the packet
show them where they went, and every move is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import Role
from app.campaigns.endings import SIGN_ONS, sign_ons
from app.campaigns.models import Campaign
from app.endorsements import moves
from app.endorsements.models import Endorsement
from app.endorsements.queries import endorsements_for_campaigns, endorsements_for_testimony
from app.endorsements.services import endorse, withdraw_endorsement
from app.moderation.campaign_services import merge, split_member
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.campaigns import letters as L
from tests.endorsements.helpers import published
from tests.exports.packet.test_campaigns import export
from tests.exports.packet.test_pdf import page_texts
from tests.factories import make_hearing, make_organisation, make_staff_user

# Whole seconds: the times compared below come back from the database.
NOW = utcnow().replace(microsecond=0)
KEY = "api_key:1"


def _campaign(hearing, text: str, size: int = 2) -> Campaign:
    letters = [
        published(hearing, body=text, full_name=f"Sender Number{n}", email=f"s{n}{len(text)}@e.net")
        for n in range(size)
    ]
    assert len({letter.campaign_id for letter in letters}) == 1
    return _db.session.get(Campaign, letters[0].campaign_id)


def _two_campaigns():
    hearing = make_hearing(now=NOW)
    return hearing, _campaign(hearing, L.COAL_ASH), _campaign(hearing, L.CRUDE_EXPORT)


def _names(campaign_id: int) -> list[str]:
    return [line.name for line in endorsements_for_campaigns([campaign_id])[campaign_id]]


def _moved() -> list[AuditEvent]:
    return list(
        _db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "endorsement.moved")
            .order_by(AuditEvent.id)
        )
    )


def test_the_campaigns_package_is_handed_these_moves(app):
    assert app.extensions[SIGN_ONS] is moves
    with app.app_context():
        assert sign_ons() is moves


def test_a_merge_moves_the_sign_on_to_the_campaign_that_remains(client, db):
    hearing, ended, survivor = _two_campaigns()
    organisation = make_organisation(name="Digital Fourth")
    signed = endorse(organisation, ended, now=NOW, actor=KEY).endorsement
    ended_id = ended.id

    merge(make_staff_user(), ended, survivor, now=NOW + timedelta(hours=1))
    db.session.commit()

    assert db.session.get(Campaign, ended_id) is None
    assert _names(survivor.id) == ["Digital Fourth"]
    db.session.refresh(signed)
    assert (signed.campaign_id, signed.created_at) == (survivor.id, NOW)  # signed since then
    [event] = _moved()
    assert event.subject_id == signed.id and event.actor.startswith("user:")
    assert event.data["from_campaign_id"] == ended_id
    assert event.data["to_campaign_id"] == survivor.id
    assert event.data["organisation_id"] == organisation.id
    # The public API lists it on the campaign that remains.
    answer = client.get(f"/api/v1/hearings/{hearing.id}/campaigns").get_json()
    [campaign] = answer["items"]
    assert campaign["id"] == survivor.id
    assert [e["name"] for e in campaign["endorsements"]] == ["Digital Fourth"]


def test_the_packet_prints_the_moved_sign_on_beside_the_merged_campaigns_letter(db):
    hearing, ended, survivor = _two_campaigns()
    endorse(make_organisation(name="Fight for the Future"), ended, now=NOW, actor=KEY)
    merge(make_staff_user(), ended, survivor, now=NOW)
    db.session.commit()

    _packet, data = export(hearing, make_staff_user(Role.CLERK))

    text = " ".join(page_texts(data))
    assert f"Campaign C-{survivor.id}" in text
    assert "Signed on by Fight for the Future" in text


def test_an_organisation_signed_on_to_both_campaigns_keeps_one_the_earlier(db):
    _hearing, ended, survivor = _two_campaigns()
    organisation = make_organisation(name="Digital Fourth")
    endorse(organisation, ended, now=NOW, actor=KEY)
    kept = endorse(organisation, survivor, now=NOW + timedelta(days=1), actor=KEY).endorsement
    endorse(make_organisation(name="Only Here"), survivor, now=NOW, actor=KEY)

    merge(make_staff_user(), ended, survivor, now=NOW + timedelta(days=2))

    signed = db.session.scalars(
        select(Endorsement).where(Endorsement.organisation_id == organisation.id)
    ).all()
    assert [(row.id, row.campaign_id, row.withdrawn_at) for row in signed] == [
        (kept.id, survivor.id, None)
    ]
    assert signed[0].created_at == NOW  # in force since the earlier sign-on
    assert sorted(_names(survivor.id)) == ["Digital Fourth", "Only Here"]
    [event] = _moved()
    assert event.subject_id == kept.id and event.data["combined_with_id"] != kept.id


def test_a_sign_on_in_force_is_not_lost_to_a_withdrawal_from_the_other_campaign(db):
    _hearing, ended, survivor = _two_campaigns()
    organisation = make_organisation(name="Digital Fourth")
    endorse(organisation, survivor, now=NOW, actor=KEY)
    withdraw_endorsement(organisation, survivor, now=NOW + timedelta(hours=1), actor=KEY)
    endorse(organisation, ended, now=NOW + timedelta(hours=2), actor=KEY)

    merge(make_staff_user(), ended, survivor, now=NOW + timedelta(hours=3))

    [line] = endorsements_for_campaigns([survivor.id])[survivor.id]
    assert (line.name, line.endorsed_at) == ("Digital Fourth", NOW + timedelta(hours=2))
    assert db.session.scalar(select(func.count(Endorsement.id))) == 1


def test_a_withdrawn_sign_on_moves_withdrawn_and_is_not_shown(db):
    _hearing, ended, survivor = _two_campaigns()
    organisation = make_organisation()
    endorse(organisation, ended, now=NOW, actor=KEY)
    withdraw_endorsement(organisation, ended, now=NOW, actor=KEY)

    merge(make_staff_user(), ended, survivor, now=NOW)

    [row] = db.session.scalars(select(Endorsement)).all()
    assert row.campaign_id == survivor.id and row.is_withdrawn
    assert _names(survivor.id) == []
    # Signing the survivor again puts the same sign-on back in force.
    assert endorse(organisation, survivor, now=NOW, actor=KEY).endorsement.id == row.id


def _letters(campaign_id: int) -> list[Testimony]:
    return list(
        _db.session.scalars(
            select(Testimony).where(Testimony.campaign_id == campaign_id).order_by(Testimony.id)
        )
    )


def test_a_dissolved_campaigns_sign_on_goes_to_the_letter_left(client, db):
    hearing = make_hearing(now=NOW)
    campaign = _campaign(hearing, L.COAL_ASH)
    left, taken_out = _letters(campaign.id)
    endorse(make_organisation(name="Digital Fourth"), campaign, now=NOW, actor=KEY)
    campaign_id = campaign.id

    split_member(make_staff_user(), campaign, taken_out, now=NOW + timedelta(hours=1))
    db.session.commit()

    assert db.session.get(Campaign, campaign_id) is None
    assert [line.name for line in endorsements_for_testimony([left.id])[left.id]] == [
        "Digital Fourth"
    ]
    assert endorsements_for_testimony([taken_out.id])[taken_out.id] == []
    [event] = _moved()
    assert (event.data["from_campaign_id"], event.data["to_testimony_id"]) == (
        campaign_id,
        left.id,
    )
    answer = client.get(f"/api/v1/hearings/{hearing.id}/testimony").get_json()
    shown = {item["id"]: [e["name"] for e in item["endorsements"]] for item in answer["items"]}
    assert shown[left.id] == ["Digital Fourth"] and shown[taken_out.id] == []


def test_a_letter_already_signed_keeps_one_sign_on_when_its_campaign_dissolves(db):
    campaign = _campaign(make_hearing(now=NOW), L.COAL_ASH)
    left, taken_out = _letters(campaign.id)
    organisation = make_organisation(name="Digital Fourth")
    endorse(organisation, left, now=NOW + timedelta(hours=1), actor=KEY)
    endorse(organisation, campaign, now=NOW, actor=KEY)

    split_member(make_staff_user(), campaign, taken_out, now=NOW + timedelta(hours=2))

    [row] = db.session.scalars(select(Endorsement)).all()
    assert (row.testimony_id, row.campaign_id, row.created_at) == (left.id, None, NOW)
    assert len(_moved()) == 1


def test_sign_ons_of_a_campaign_with_nothing_left_are_dropped_and_audited(db):
    campaign = _campaign(make_hearing(now=NOW), L.COAL_ASH)
    organisation = make_organisation()
    endorse(organisation, campaign, now=NOW, actor=KEY)

    assert moves.drop(campaign.id, actor="system", now=NOW) == 1

    assert db.session.scalar(select(func.count(Endorsement.id))) == 0
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "endorsement.dropped")
    ).all()
    assert event.data["organisation_id"] == organisation.id
    assert event.data["from_campaign_id"] == campaign.id
    assert event.data["endorsed_at"] == NOW.isoformat()


def test_a_campaign_without_sign_ons_moves_nothing(db):
    _hearing, ended, survivor = _two_campaigns()
    assert moves.follow_campaign(ended.id, survivor.id, actor="system", now=NOW) == 0
    assert _moved() == []
