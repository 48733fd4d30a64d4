"""Group a whole hearing's testimony into campaigns again (`flask regroup-campaigns`).

Placement (app/campaigns/placement.py) puts each newcomer with its closest copy; bot campaigns
whose copies share little wording only come together when the whole hearing is grouped with
every step of app.campaigns.grouping. Flushes, never commits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update

from app.campaigns.grouping import group_texts
from app.campaigns.models import Campaign
from app.campaigns.placement import ANCHORS, WRITE_BATCH, anchor_rows, dissolve_if_alone
from app.hearings.models import Hearing
from app.platform import audit
from app.platform.extensions import db
from app.testimony import wording
from app.testimony.models import Testimony


@dataclass(frozen=True)
class Regrouped:
    campaigns: int
    grouped: int
    testimonies: int


def regroup(
    hearing: Hearing, actor: str, *, now: datetime, from_scratch: bool = False
) -> Regrouped:
    """Group the whole hearing again with every step of the grouping.

    Existing campaigns keep their numbers: each new group takes the campaign most of its
    members were in, so a moderator's merge is kept. What placement or a moderator put in one
    campaign stays together, unless `from_scratch`: then the hearing is grouped as if nothing
    had been (after an upgrade of the grouping, or to undo what placement got wrong); either
    way members a moderator took out stay out.
    """
    rows = db.session.execute(
        select(Testimony.id, Testimony.body, Testimony.campaign_id, Testimony.wording_key)
        .where(Testimony.hearing_id == hearing.id, Testimony.kept_apart.is_(False))
        .order_by(Testimony.id)
    ).all()
    _refresh_wording(hearing, rows)
    # What placement found stays together (a member a moderator took out is not among the
    # rows); regrouping adds the copies it missed and joins the pieces of a campaign.
    together = None if from_scratch else [row.campaign_id for row in rows]
    labels = group_texts([row.body for row in rows], together)
    groups: dict[int, list] = {}
    for row, label in zip(rows, labels, strict=True):
        groups.setdefault(label, []).append(row)
    before = {row.campaign_id for row in rows if row.campaign_id is not None}
    assignment: dict[int, int | None] = {}
    kept: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            assignment[members[0].id] = None
            continue
        earlier = Counter(m.campaign_id for m in members if m.campaign_id is not None)
        if earlier:
            campaign_id = earlier.most_common(1)[0][0]
        else:
            campaign = Campaign(hearing_id=hearing.id, created_at=now)
            db.session.add(campaign)
            db.session.flush()
            campaign_id = campaign.id
        kept.add(campaign_id)
        for member in members:
            assignment[member.id] = campaign_id
    _write_assignment(rows, assignment)
    for campaign_id in before | kept:
        # Also a kept campaign: a member split out meanwhile may have left it with one.
        if dissolve_if_alone(campaign_id, actor=actor, now=now):
            kept.discard(campaign_id)
    grouped = sum(1 for value in assignment.values() if value is not None)
    moved = sum(1 for row in rows if row.campaign_id != assignment[row.id])
    audit.record(
        actor,
        "campaigns.regrouped",
        hearing,
        at=now,
        campaigns=len(kept),
        grouped=grouped,
        moved=moved,
    )
    return Regrouped(len(kept), grouped, len(rows))


def _refresh_wording(hearing: Hearing, rows) -> None:
    """Fill in the wording digest and anchors of testimony stored before they existed."""
    stale = []
    for row in rows:
        tokens = wording.words(row.body)
        key = wording.exact_key(tokens)
        if key != row.wording_key:
            stale.append((row.id, key, wording.shingles(tokens)))
    for start in range(0, len(stale), WRITE_BATCH):
        chunk = stale[start : start + WRITE_BATCH]
        ids = [item[0] for item in chunk]
        db.session.execute(delete(ANCHORS).where(ANCHORS.c.testimony_id.in_(ids)))
        anchors = [r for i, _k, h in chunk for r in anchor_rows(i, hearing.id, h)]
        if anchors:
            db.session.execute(insert(ANCHORS), anchors)
        db.session.execute(
            update(Testimony),
            [{"id": i, "wording_key": key} for i, key, _h in chunk],
        )


def _write_assignment(rows, assignment: dict[int, int | None]) -> None:
    """Write the new campaign of each testimony that changed, but only where nobody changed it
    while the hearing was being grouped (a moderator's split or merge wins)."""
    statement = (
        update(Testimony)
        .where(
            Testimony.id == bindparam("row_id"),
            Testimony.campaign_id.is_not_distinct_from(bindparam("before")),
            Testimony.kept_apart.is_(False),
        )
        .values(campaign_id=bindparam("after"))
        .execution_options(synchronize_session=False)
    )
    changes = [
        {"row_id": row.id, "before": row.campaign_id, "after": assignment[row.id]}
        for row in rows
        if row.campaign_id != assignment[row.id]
    ]
    for start in range(0, len(changes), WRITE_BATCH):
        db.session.connection().execute(statement, changes[start : start + WRITE_BATCH])
