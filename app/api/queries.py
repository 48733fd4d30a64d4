"""What the public API reads: the same rules as the public pages, one keyset page at a time.

Testimony is listed when it is approved and not disowned by its sender's address (and, on a
hearing that publishes only confirmed testimony, confirmed), exactly as the hearing's public
page lists it; sign-ins when they are on record, as the packet's roster lists them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import selectinload

from app.api.paging import After
from app.campaigns.models import Campaign
from app.hearings.actions import CommitteeAction
from app.hearings.models import Body, Committee, Hearing, Measure
from app.platform.extensions import db
from app.signins.models import SignIn, SignInStatus
from app.testimony.identity import undisputed
from app.testimony.models import ReviewStatus, Testimony, TestimonyMeasure


def _page(query, order, after_condition, after: After | None, limit: int) -> tuple[list, bool]:
    if after is not None:
        query = query.where(after_condition(after))
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def _after_id(column):
    return lambda after: column > after.row_id


def bodies(after: After | None, limit: int) -> tuple[list[Body], bool]:
    query = select(Body).options(selectinload(Body.committees))
    return _page(query, [Body.id], _after_id(Body.id), after, limit)


def committees(body_id: int | None, after: After | None, limit: int):
    query = select(Committee).options(selectinload(Committee.body))
    if body_id is not None:
        query = query.where(Committee.body_id == body_id)
    return _page(query, [Committee.id], _after_id(Committee.id), after, limit)


def measures(committee_id: int | None, body_id: int | None, after: After | None, limit: int):
    query = select(Measure).options(
        selectinload(Measure.committee), selectinload(Measure.translations)
    )
    if committee_id is not None:
        query = query.where(Measure.committee_id == committee_id)
    if body_id is not None:
        query = query.join(Committee, Committee.id == Measure.committee_id).where(
            Committee.body_id == body_id
        )
    return _page(query, [Measure.id], _after_id(Measure.id), after, limit)


def hearings(
    *,
    body_id: int | None,
    committee_id: int | None,
    measure_id: int | None,
    starts_from: datetime | None,
    after: After | None,
    limit: int,
):
    """Hearings by start time, then id: the calendar's order."""
    query = select(Hearing).options(
        selectinload(Hearing.committee).selectinload(Committee.body),
        selectinload(Hearing.measures),
    )
    if committee_id is not None:
        query = query.where(Hearing.committee_id == committee_id)
    if body_id is not None:
        query = query.join(Committee, Committee.id == Hearing.committee_id).where(
            Committee.body_id == body_id
        )
    if measure_id is not None:
        query = query.where(Hearing.measures.any(Measure.id == measure_id))
    if starts_from is not None:
        query = query.where(Hearing.starts_at >= starts_from)
    return _page(
        query,
        [Hearing.starts_at, Hearing.id],
        lambda a: tuple_(Hearing.starts_at, Hearing.id) > (a.value, a.row_id),
        after,
        limit,
    )


def published_testimony(hearing: Hearing):
    """Approved testimony of the hearing as its public page lists it."""
    query = select(Testimony).where(
        Testimony.hearing_id == hearing.id,
        Testimony.status == ReviewStatus.APPROVED,
        undisputed(),
    )
    if hearing.confirmed_only:
        query = query.where(Testimony.email_confirmed_at.is_not(None))
    return query


def testimony_page(hearing: Hearing, after: After | None, limit: int, *, measure_id=None):
    query = published_testimony(hearing).options(
        selectinload(Testimony.stances), selectinload(Testimony.organisation)
    )
    if measure_id is not None:
        query = query.where(Testimony.stances.any(TestimonyMeasure.measure_id == measure_id))
    return _page(
        query,
        [Testimony.received_at, Testimony.id],
        lambda a: tuple_(Testimony.received_at, Testimony.id) > (a.value, a.row_id),
        after,
        limit,
    )


def testimony_state(hearing: Hearing) -> str:
    """A digest of everything the hearing's open-data files print, for their ETag: which
    testimony is published and each one's version and campaign, the redactions, the
    endorsements and the endorsing organisations' names, and the agenda's numbers. It reads
    small columns only (a hearing of 100,000 letters: a few megabytes, never their text)."""
    from app.endorsements.models import Endorsement
    from app.moderation.models import Redaction
    from app.organisations.models import Organisation

    digest = hashlib.sha256()
    rows = db.session.execute(
        published_testimony(hearing)
        .with_only_columns(Testimony.id, Testimony.version, Testimony.campaign_id)
        .order_by(Testimony.id)
        .execution_options(yield_per=5000)
    )
    for row in rows:
        digest.update(f"{row[0]}:{row[1]}:{row[2]};".encode())
    of_hearing = select(Testimony.id).where(Testimony.hearing_id == hearing.id)
    redactions = db.session.execute(
        select(
            func.count(Redaction.id), func.max(Redaction.created_at), func.max(Redaction.removed_at)
        ).where(Redaction.testimony_id.in_(of_hearing))
    ).one()
    endorsements = db.session.execute(
        select(
            func.count(Endorsement.id),
            func.max(Endorsement.created_at),
            func.max(Endorsement.withdrawn_at),
        ).where(
            or_(
                Endorsement.testimony_id.in_(of_hearing),
                Endorsement.campaign_id.in_(
                    select(Campaign.id).where(Campaign.hearing_id == hearing.id)
                ),
            )
        )
    ).one()
    names = db.session.execute(
        select(Organisation.id, Organisation.name)
        .join(Endorsement, Endorsement.organisation_id == Organisation.id)
        .where(Endorsement.testimony_id.in_(of_hearing))
        .distinct()
        .order_by(Organisation.id)
    ).all()
    numbers = sorted((m.id, m.number) for m in hearing.measures)
    digest.update(repr((tuple(redactions), tuple(endorsements), names, numbers)).encode())
    return digest.hexdigest()[:32]


def on_record_sign_ins(hearing: Hearing, after: After | None, limit: int):
    """Sign-ins on record (published, not disowned by their address): the packet's roster."""
    query = (
        select(SignIn)
        .where(
            SignIn.hearing_id == hearing.id,
            SignIn.status == SignInStatus.PUBLISHED,
            or_(SignIn.disputed_at.is_(None), SignIn.dispute_kept_at.is_not(None)),
        )
        .options(selectinload(SignIn.positions), selectinload(SignIn.organisation))
    )
    return _page(query, [SignIn.id], _after_id(SignIn.id), after, limit)


def public_campaigns(hearing: Hearing, after: After | None, limit: int):
    """Campaigns with published letters, each with how many and its first published letter."""
    inner = published_testimony(hearing).where(Testimony.campaign_id.is_not(None)).subquery()
    query = (
        select(
            inner.c.campaign_id,
            func.count().label("size"),
            func.min(inner.c.id).label("first_id"),
            func.min(inner.c.received_at).label("first_at"),
            func.max(inner.c.received_at).label("last_at"),
        )
        .group_by(inner.c.campaign_id)
        .order_by(inner.c.campaign_id)
    )
    if after is not None:
        query = query.where(inner.c.campaign_id > after.row_id)
    rows = db.session.execute(query.limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    campaigns = {
        c.id: c
        for c in db.session.scalars(
            select(Campaign).where(Campaign.id.in_([r.campaign_id for r in rows]))
        )
    }
    wanted = {r.first_id for r in rows} | {
        c.representative_id for c in campaigns.values() if c.representative_id
    }
    letters = {
        t.id: t
        for t in db.session.scalars(
            published_testimony(hearing)
            .where(Testimony.id.in_(wanted))
            .options(selectinload(Testimony.stances), selectinload(Testimony.organisation))
        )
    }
    return rows, campaigns, letters, more


def committee_actions(measure_ids: list[int]) -> list[CommitteeAction]:
    """Every action recorded on these measures and not removed, oldest first."""
    return list(
        db.session.scalars(
            select(CommitteeAction)
            .where(
                CommitteeAction.measure_id.in_(measure_ids),
                CommitteeAction.removed_at.is_(None),
            )
            .order_by(CommitteeAction.taken_on, CommitteeAction.id)
        )
    )


def actions_changed_at(measure_id: int) -> datetime | None:
    """When the measure's list of actions last changed: every entry, removed ones too, carries
    the time it was recorded, corrected or removed."""
    row = db.session.execute(
        select(
            func.max(CommitteeAction.recorded_at),
            func.max(CommitteeAction.corrected_at),
            func.max(CommitteeAction.removed_at),
        ).where(CommitteeAction.measure_id == measure_id)
    ).one()
    return latest_of(*row)


def latest_of(*columns) -> datetime | None:
    """The latest of several times, skipping empty ones."""
    present = [c for c in columns if c is not None]
    return max(present) if present else None
