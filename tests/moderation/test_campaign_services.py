"""A moderator's decisions on whole campaigns: decide every member at once, take a wrongly
grouped member out, merge two campaigns. Failures change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.campaigns import queries
from app.campaigns.models import Campaign
from app.endorsements.queries import endorsements_for_campaigns
from app.endorsements.services import endorse
from app.moderation import campaign_services as services
from app.moderation.models import ReviewDecision
from app.moderation.services import Decision, ReasonRequired
from app.platform.audit import AuditEvent
from app.testimony.models import RejectionReason, ReviewStatus, Testimony
from tests.campaigns import letters as L
from tests.factories import (
    make_hearing,
    make_organisation,
    make_staff_user,
    make_testimony,
    set_review_status,
)

S = ReviewStatus
NOW = datetime(2025, 3, 3, 15, 0, tzinfo=UTC)


def campaign_with(hearing, texts, statuses=None) -> tuple[Campaign, list[Testimony]]:
    """Submit the texts (which must form one campaign) and put members in the given statuses."""
    members = []
    for n, text in enumerate(texts):
        member = make_testimony(
            hearing,
            now=NOW + timedelta(minutes=n),
            full_name=f"Signer Number{n}",
            email=f"signer{n}-{len(text)}@example.net",
            body=text,
        ).testimony
        if statuses and statuses[n] is not S.PENDING:
            set_review_status(member, statuses[n], now=NOW)
        members.append(member)
    ids = {m.campaign_id for m in members}
    assert len(ids) == 1 and None not in ids, "the texts did not form one campaign"
    return members[0].campaign, members


def state(db) -> tuple:
    """Everything a campaign action can change."""
    db.session.expire_all()
    return (
        sorted(db.session.execute(select(Testimony.id, Testimony.status, Testimony.campaign_id))),
        sorted(db.session.execute(select(Campaign.id, Campaign.representative_id))),
        db.session.scalar(select(func.count(ReviewDecision.id))),
        db.session.scalar(select(func.count(AuditEvent.id))),
    )


def statuses(db, members) -> list[ReviewStatus]:
    db.session.expire_all()
    return [db.session.get(Testimony, m.id).status for m in members]


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.query.where(AuditEvent.action == action).order_by(AuditEvent.subject_id))


# Deciding a whole campaign


def test_approving_a_campaign_decides_only_the_members_still_pending(db):
    hearing = make_hearing(now=NOW)
    order = [S.PENDING, S.APPROVED, S.PENDING, S.FLAGGED, S.REJECTED, S.PENDING, S.WITHDRAWN]
    campaign, members = campaign_with(hearing, [L.COAL_ASH] * 7, order)
    moderator = make_staff_user()

    outcome = services.decide_campaign(
        moderator, campaign, Decision(S.APPROVED), seen_status=S.PENDING, now=NOW
    )

    assert (outcome.decided, outcome.skipped) == (3, 0)
    assert statuses(db, members) == [
        S.APPROVED, S.APPROVED, S.APPROVED, S.FLAGGED, S.REJECTED, S.APPROVED, S.WITHDRAWN
    ]  # fmt: skip
    decided = [members[i].id for i in (0, 2, 5)]
    rows = db.session.scalars(select(ReviewDecision).order_by(ReviewDecision.testimony_id)).all()
    assert [(r.testimony_id, r.actor_id, r.from_status, r.to_status) for r in rows] == [
        (i, moderator.id, S.PENDING, S.APPROVED) for i in decided
    ]
    assert [e.subject_id for e in events("testimony.decided")] == decided


def test_a_campaign_decision_is_audited_once_for_the_campaign(db):
    hearing = make_hearing(now=NOW)
    campaign, _members = campaign_with(hearing, [L.CONCERNS, L.CONCERNS_WARMING])
    moderator = make_staff_user()

    services.decide_campaign(
        moderator, campaign, Decision(S.APPROVED), seen_status=S.PENDING, now=NOW
    )

    (event,) = events("campaign.decided")
    assert (event.actor, event.subject_type, event.subject_id) == (
        f"user:{moderator.id}",
        "campaigns",
        campaign.id,
    )
    assert event.data == {
        "to_status": "approved",
        "reason": None,
        "only_status": "pending",
        "decided": 2,
        "skipped": 0,
        "upto": None,
    }


def test_deciding_every_member_skips_those_the_decision_cannot_apply_to(db):
    hearing = make_hearing(now=NOW)
    order = [S.PENDING, S.FLAGGED, S.APPROVED, S.WITHDRAWN]
    campaign, members = campaign_with(hearing, [L.CRUDE_EXPORT] * 4, order)

    outcome = services.decide_campaign(
        make_staff_user(),
        campaign,
        Decision(S.REJECTED, reason=RejectionReason.DUPLICATE),
        seen_status=None,
        now=NOW,
    )

    assert (outcome.decided, outcome.skipped) == (3, 1)
    assert statuses(db, members) == [S.REJECTED, S.REJECTED, S.REJECTED, S.WITHDRAWN]
    assert {db.session.get(Testimony, m.id).rejection_reason for m in members[:3]} == {
        RejectionReason.DUPLICATE
    }
    (event,) = events("campaign.decided")
    assert event.data["only_status"] is None and event.data["reason"] == "duplicate"


def test_only_flagged_members_can_be_chosen(db):
    hearing = make_hearing(now=NOW)
    campaign, members = campaign_with(hearing, [L.COAL_ASH] * 3, [S.FLAGGED, S.PENDING, S.FLAGGED])

    services.decide_campaign(
        make_staff_user(), campaign, Decision(S.APPROVED), seen_status=S.FLAGGED, now=NOW
    )

    assert statuses(db, members) == [S.APPROVED, S.PENDING, S.APPROVED]


@pytest.mark.parametrize(
    "decision",
    [
        Decision(S.REJECTED),
        Decision(S.REJECTED, reason=RejectionReason.OTHER),
        Decision(S.REJECTED, reason=RejectionReason.OTHER, note=""),
    ],
)
def test_rejecting_a_campaign_needs_a_reason_and_changes_nothing_without_one(db, decision):
    hearing = make_hearing(now=NOW)
    campaign, _members = campaign_with(hearing, [L.COAL_ASH] * 3)
    before = state(db)

    with pytest.raises(ReasonRequired):
        services.decide_campaign(
            make_staff_user(), campaign, decision, seen_status=S.PENDING, now=NOW
        )

    assert state(db)[:3] == before[:3]
    assert events("campaign.decided") == []


# Taking a member out


def test_a_member_taken_out_is_kept_apart_and_the_split_audited(db):
    hearing = make_hearing(now=NOW)
    campaign, members = campaign_with(hearing, [L.CONCERNS] * 3)
    moderator = make_staff_user()

    dissolved = services.split_member(moderator, campaign, members[1], now=NOW)

    assert dissolved is False
    db.session.expire_all()
    taken = db.session.get(Testimony, members[1].id)
    assert (taken.campaign_id, taken.kept_apart) == (None, True)
    assert services.member_ids(campaign) == [members[0].id, members[2].id]
    (event,) = events("campaign.member_split")
    assert (event.actor, event.subject_type, event.subject_id) == (
        f"user:{moderator.id}",
        "testimonies",
        members[1].id,
    )
    assert event.data == {"campaign_id": campaign.id}
    assert events("campaign.dissolved") == []


def test_taking_out_the_representative_chooses_another(db):
    hearing = make_hearing(now=NOW)
    texts = [L.COAL_ASH, L.COAL_ASH_CRIMINAL, L.COAL_ASH, L.COAL_ASH]
    campaign, members = campaign_with(hearing, texts)
    assert campaign.representative_id == members[0].id

    services.split_member(make_staff_user(), campaign, members[0], now=NOW)

    db.session.expire_all()
    # The wording most members still sent word for word, its earliest copy.
    assert db.session.get(Campaign, campaign.id).representative_id == members[2].id


def test_a_campaign_left_with_one_member_is_dissolved(db):
    hearing = make_hearing(now=NOW)
    campaign, members = campaign_with(hearing, [L.CRUDE_EXPORT, L.CRUDE_EXPORT_HUNTER])
    campaign_id = campaign.id

    dissolved = services.split_member(make_staff_user(), campaign, members[1], now=NOW)

    assert dissolved is True
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id) is None
    assert [db.session.get(Testimony, m.id).campaign_id for m in members] == [None, None]
    assert db.session.get(Testimony, members[0].id).kept_apart is False  # may join a later copy
    (event,) = events("campaign.dissolved")
    assert event.subject_id is None and event.data == {"campaign_id": campaign_id}


def test_taking_out_a_testimony_of_another_campaign_is_refused(db):
    hearing = make_hearing(now=NOW)
    campaign, _members = campaign_with(hearing, [L.COAL_ASH] * 2)
    _other, others = campaign_with(hearing, [L.CONCERNS] * 2)
    before = state(db)

    with pytest.raises(services.NotInCampaign):
        services.split_member(make_staff_user(), campaign, others[0], now=NOW)

    assert state(db) == before
    assert db.session.get(Testimony, others[0].id).kept_apart is False


# Merging


def test_merging_moves_every_member_and_ends_the_other_campaign(db):
    hearing = make_hearing(now=NOW)
    into, kept = campaign_with(hearing, [L.CONCERNS, L.CONCERNS_PROPERTY])
    other, moved = campaign_with(hearing, [L.CRUDE_EXPORT] * 3)
    other_id = other.id
    moderator = make_staff_user()

    count = services.merge(moderator, other, into, now=NOW)

    assert count == 3
    assert services.member_ids(into) == sorted(m.id for m in kept + moved)
    assert db.session.get(Campaign, other_id) is None
    (event,) = events("campaign.merged")
    assert (event.actor, event.subject_id) == (f"user:{moderator.id}", into.id)
    assert event.data == {"merged_id": other_id, "moved": 3}
    db.session.expire_all()
    # Three members sent the crude-export letter word for word: it now stands for the campaign.
    assert db.session.get(Campaign, into.id).representative_id == moved[0].id


def test_merging_keeps_organisations_sign_ons_on_the_campaign_that_remains(db):
    hearing = make_hearing(now=NOW)
    into, _kept = campaign_with(hearing, [L.CONCERNS, L.CONCERNS_PROPERTY], [S.APPROVED] * 2)
    other, _moved = campaign_with(hearing, [L.CRUDE_EXPORT] * 2, [S.APPROVED] * 2)
    both = make_organisation(name="Signed Both")
    endorse(both, into, now=NOW, actor="api_key:1")
    endorse(both, other, now=NOW, actor="api_key:1")
    endorse(make_organisation(name="Signed Other"), other, now=NOW, actor="api_key:1")
    moderator = make_staff_user()

    services.merge(moderator, other, into, now=NOW)

    signed = endorsements_for_campaigns([into.id])[into.id]
    assert sorted(line.name for line in signed) == ["Signed Both", "Signed Other"]
    assert [e.actor for e in events("endorsement.moved")] == [f"user:{moderator.id}"] * 2


def test_a_campaign_cannot_be_merged_with_itself(db):
    hearing = make_hearing(now=NOW)
    campaign, _members = campaign_with(hearing, [L.COAL_ASH] * 2)
    before = state(db)

    with pytest.raises(services.CannotMerge):
        services.merge(make_staff_user(), campaign, campaign, now=NOW)

    assert state(db) == before


def test_campaigns_on_different_hearings_cannot_be_merged(db):
    campaign, _members = campaign_with(make_hearing(now=NOW), [L.COAL_ASH] * 2)
    elsewhere, _theirs = campaign_with(make_hearing(now=NOW), [L.COAL_ASH] * 2)
    before = state(db)

    with pytest.raises(services.CannotMerge):
        services.merge(make_staff_user(), campaign, elsewhere, now=NOW)

    assert state(db) == before
    assert events("campaign.merged") == []


def test_sizes_count_members_per_campaign(db):
    hearing = make_hearing(now=NOW)
    first, _ = campaign_with(hearing, [L.COAL_ASH] * 3)
    second, _ = campaign_with(hearing, [L.CONCERNS] * 2)

    assert queries.sizes([first.id, second.id, 999]) == {first.id: 3, second.id: 2}
    assert queries.sizes([]) == {}


def test_letters_that_join_after_the_page_was_opened_are_not_decided_with_it(db):
    hearing = make_hearing(now=NOW)
    campaign, members = campaign_with(hearing, [L.CONCERNS, L.CONCERNS_WARMING])
    seen = max(m.id for m in members)
    late = make_testimony(
        hearing, now=NOW + timedelta(minutes=9), body=L.CONCERNS, email="late@example.org"
    ).testimony
    assert late.campaign_id == campaign.id
    moderator = make_staff_user()

    outcome = services.decide_campaign(
        moderator, campaign, Decision(S.APPROVED), seen_status=S.PENDING, now=NOW, upto=seen
    )

    assert outcome.decided == 2
    assert late.status is S.PENDING
    (event,) = events("campaign.decided")
    assert event.data["upto"] == seen
