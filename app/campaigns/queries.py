"""Read side of campaigns for the moderator's pages: the list with sizes, and members a page
at a time (by id, never by OFFSET)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from app.campaigns.models import Campaign
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.testimony.models import ReviewStatus, Testimony

LIST_SIZE = 50
MEMBERS_PAGE = 50


@dataclass(frozen=True)
class CampaignLine:
    campaign: Campaign
    size: int
    pending: int
    approved: int
    representative: Testimony | None


def campaign_lines(hearing: Hearing, page: int = 1) -> tuple[list[CampaignLine], bool]:
    """The hearing's campaigns, largest first; and whether there is another page."""
    size = func.count(Testimony.id).label("size")
    pending = func.sum(case((Testimony.status == ReviewStatus.PENDING, 1), else_=0))
    approved = func.sum(case((Testimony.status == ReviewStatus.APPROVED, 1), else_=0))
    rows = db.session.execute(
        select(Testimony.campaign_id, size, pending, approved)
        .where(Testimony.hearing_id == hearing.id, Testimony.campaign_id.is_not(None))
        .group_by(Testimony.campaign_id)
        .order_by(size.desc(), Testimony.campaign_id)
        .offset((page - 1) * LIST_SIZE)
        .limit(LIST_SIZE + 1)
    ).all()
    more = len(rows) > LIST_SIZE
    rows = rows[:LIST_SIZE]
    campaigns = {
        c.id: c
        for c in db.session.scalars(
            select(Campaign).where(Campaign.id.in_([r.campaign_id for r in rows]))
        )
    }
    wanted = [c.representative_id for c in campaigns.values() if c.representative_id]
    texts = {t.id: t for t in db.session.scalars(select(Testimony).where(Testimony.id.in_(wanted)))}
    lines = [
        CampaignLine(
            campaign=campaigns[r.campaign_id],
            size=r.size,
            pending=int(r[2] or 0),
            approved=int(r[3] or 0),
            representative=texts.get(campaigns[r.campaign_id].representative_id),
        )
        for r in rows
        if r.campaign_id in campaigns
    ]
    return lines, more


def campaign_count(hearing: Hearing) -> tuple[int, int]:
    """(campaigns, testimonies in them) on the hearing."""
    row = db.session.execute(
        select(
            func.count(func.distinct(Testimony.campaign_id)), func.count(Testimony.campaign_id)
        ).where(Testimony.hearing_id == hearing.id)
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def newest_member(campaign: Campaign) -> int | None:
    return db.session.scalar(
        select(func.max(Testimony.id)).where(Testimony.campaign_id == campaign.id)
    )


def members_page(campaign: Campaign, after: int | None) -> tuple[list[Testimony], int | None]:
    query = select(Testimony).where(Testimony.campaign_id == campaign.id)
    if after is not None:
        query = query.where(Testimony.id > after)
    rows = list(db.session.scalars(query.order_by(Testimony.id).limit(MEMBERS_PAGE + 1)))
    if len(rows) > MEMBERS_PAGE:
        return rows[:MEMBERS_PAGE], rows[MEMBERS_PAGE - 1].id
    return rows, None


def merge_targets(campaign: Campaign, limit: int = 200) -> list[tuple[Campaign, int]]:
    """Other campaigns on the hearing to merge with, largest first."""
    size = func.count(Testimony.id).label("size")
    rows = db.session.execute(
        select(Testimony.campaign_id, size)
        .where(
            Testimony.hearing_id == campaign.hearing_id,
            Testimony.campaign_id.is_not(None),
            Testimony.campaign_id != campaign.id,
        )
        .group_by(Testimony.campaign_id)
        .order_by(size.desc(), Testimony.campaign_id)
        .limit(limit)
    ).all()
    found = {
        c.id: c
        for c in db.session.scalars(
            select(Campaign).where(Campaign.id.in_([r.campaign_id for r in rows]))
        )
    }
    return [(found[r.campaign_id], r.size) for r in rows if r.campaign_id in found]


def sizes(campaign_ids: list[int]) -> dict[int, int]:
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        select(Testimony.campaign_id, func.count(Testimony.id))
        .where(Testimony.campaign_id.in_(campaign_ids))
        .group_by(Testimony.campaign_id)
    ).all()
    return dict(rows)
