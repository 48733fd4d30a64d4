"""Moderators' decisions on whole campaigns: decide every member at once, take a wrongly
grouped member out, merge two campaigns. Each takes the acting staff member, flushes, writes
an audit row, and leaves the commit to the caller."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import StaffUser
from app.campaigns import endings
from app.campaigns.models import Campaign
from app.campaigns.placement import _choose_representative, dissolve_if_alone, place
from app.moderation.services import BulkOutcome, Decision, decide_many
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.testimony.models import ReviewStatus, Testimony


class NotInCampaign(DomainError):
    def __init__(self) -> None:
        super().__init__(_("That testimony is no longer in this campaign. Nothing was changed."))


class CannotMerge(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("Choose another campaign on the same hearing to merge with. Nothing was changed.")
        )


def member_ids(
    campaign: Campaign, status: ReviewStatus | None = None, upto: int | None = None
) -> list[int]:
    query = select(Testimony.id).where(Testimony.campaign_id == campaign.id)
    if status is not None:
        query = query.where(Testimony.status == status)
    if upto is not None:
        query = query.where(Testimony.id <= upto)
    return list(db.session.scalars(query.order_by(Testimony.id)))


def decide_campaign(
    actor: StaffUser,
    campaign: Campaign,
    decision: Decision,
    *,
    seen_status: ReviewStatus | None,
    now: datetime,
    upto: int | None = None,
    seen_versions: Mapping[int, int] | None = None,
) -> BulkOutcome:
    """Apply one decision to the campaign's members (only those still `seen_status`, if given).

    Every member gets its own decision row and audit entry, exactly as when decided one by
    one, and the campaign decision is audited too. With `upto` (the newest member the
    moderator saw), letters that joined later are left for review; with `seen_versions`
    (the amended members the page showed, at their versions), so are letters amended since.
    A member taken out of the campaign meanwhile is never decided with it.
    """
    ids = member_ids(campaign, seen_status, upto)
    outcome = decide_many(
        actor,
        ids,
        decision,
        hearing_id=campaign.hearing_id,
        now=now,
        seen_status=seen_status,
        seen_versions=seen_versions,
        campaign_id=campaign.id,
    )
    audit.record(
        actor.audit_name,
        "campaign.decided",
        campaign,
        at=now,
        to_status=decision.to_status.value,
        reason=decision.reason.value if decision.reason else None,
        only_status=seen_status.value if seen_status else None,
        decided=outcome.decided,
        skipped=outcome.skipped,
        upto=upto,
    )
    return outcome


def split_member(
    actor: StaffUser, campaign: Campaign, testimony: Testimony, *, now: datetime
) -> bool:
    """Take a wrongly grouped testimony out; grouping leaves it alone from then on.

    Returns whether the campaign was dissolved because one member was left.
    """
    # Conditional on its membership, so it cannot be taken out twice, nor out of a campaign it
    # has just left (a merge, a regroup); the campaign's decisions check membership likewise.
    taken = db.session.execute(
        update(Testimony)
        .where(Testimony.id == testimony.id, Testimony.campaign_id == campaign.id)
        .values(campaign_id=None, kept_apart=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(testimony)
    if not taken:
        raise NotInCampaign()
    audit.record(
        actor.audit_name, "campaign.member_split", testimony, at=now, campaign_id=campaign.id
    )
    dissolved = dissolve_if_alone(campaign.id, actor=actor.audit_name, now=now)
    if dissolved:
        audit.record(actor.audit_name, "campaign.dissolved", None, at=now, campaign_id=campaign.id)
    return dissolved


def put_back(actor: StaffUser, testimony: Testimony, *, now: datetime) -> int | None:
    """Undo a split: grouping may place the testimony again, and does so now. Returns the
    campaign it joined, if any."""
    back = db.session.execute(
        update(Testimony)
        .where(Testimony.id == testimony.id, Testimony.kept_apart.is_(True))
        .values(kept_apart=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(testimony)
    if not back:
        return testimony.campaign_id  # put back already, by someone else or another click
    place(testimony)
    audit.record(
        actor.audit_name,
        "campaign.member_put_back",
        testimony,
        at=now,
        campaign_id=testimony.campaign_id,
    )
    return testimony.campaign_id


def merge(actor: StaffUser, campaign: Campaign, into: Campaign, *, now: datetime) -> int:
    """Move every member of `campaign` into `into`; `campaign` ends. Returns members moved."""
    if into.id == campaign.id or into.hearing_id != campaign.hearing_id:
        raise CannotMerge()
    moved = db.session.execute(
        update(Testimony)
        .where(Testimony.campaign_id == campaign.id)
        .values(campaign_id=into.id)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    # What organisations signed on to the campaign's letter goes with its letters.
    endings.end_merged(campaign.id, into.id, actor=actor.audit_name, now=now)
    _choose_representative(into.id)
    audit.record(
        actor.audit_name, "campaign.merged", into, at=now, merged_id=campaign.id, moved=moved
    )
    return moved
