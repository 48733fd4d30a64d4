"""What may be endorsed, and who endorses what: one query for a whole page or batch.

`endorsements_for_testimony` and `endorsements_for_campaigns` are what the public page, the
packet, the moderators' review page and the API list; withdrawn endorsements are left out.
Registered organisations' sign-ons come first (in the order they signed on), then the names
the resident gave (in the order given).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import joinedload

from app.campaigns.models import Campaign
from app.endorsements.models import Endorsement, EndorsementSource
from app.hearings.models import Hearing
from app.organisations.models import Organisation
from app.platform.extensions import db
from app.testimony.identity import undisputed
from app.testimony.models import ReviewStatus, Testimony


@dataclass(frozen=True)
class EndorsementLine:
    """One endorsement as shown: `name` is the registered organisation's name, or the name the
    resident gave (as they wrote it: escape it, isolate its direction)."""

    name: str
    source: EndorsementSource
    organisation_id: int | None  # None for a name the resident gave
    website: str | None  # the registered organisation's, None for a name the resident gave
    endorsed_at: datetime

    @property
    def is_registered(self) -> bool:
        return self.source is EndorsementSource.ORGANISATION


def published():
    """A condition for a query joining Testimony to its Hearing: published as the public page
    publishes it (approved, not disputed unless kept, confirmed where the hearing asks it)."""
    return and_(
        Testimony.status == ReviewStatus.APPROVED,
        undisputed(),
        or_(Hearing.confirmed_only.is_(False), Testimony.email_confirmed_at.is_not(None)),
    )


def is_published(testimony: Testimony) -> bool:
    """The same rule for a loaded testimony."""
    return (
        testimony.status is ReviewStatus.APPROVED
        and not testimony.is_disputed
        and (not testimony.hearing.confirmed_only or testimony.email_confirmed_at is not None)
    )


def endorsable_testimony(testimony_id: int) -> Testimony | None:
    """The published testimony with this id, with its hearing and body; None for any other."""
    return db.session.scalar(
        select(Testimony)
        .join(Hearing, Hearing.id == Testimony.hearing_id)
        .where(Testimony.id == testimony_id, published())
        .options(joinedload(Testimony.hearing).joinedload(Hearing.committee))
    )


def has_published_letter(campaign_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists()
                .where(Testimony.campaign_id == campaign_id, published())
                .where(Hearing.id == Testimony.hearing_id)
            )
        )
    )


def endorsable_campaign(campaign_id: int) -> Campaign | None:
    """The campaign with this id when at least one of its letters is published; else None."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not has_published_letter(campaign_id):
        return None
    return campaign


def _lines(column, ids: Iterable[int]) -> dict[int, list[EndorsementLine]]:
    wanted = sorted(set(ids))
    found: dict[int, list[EndorsementLine]] = {target: [] for target in wanted}
    if not wanted:
        return found
    registered_first = case((Endorsement.source == EndorsementSource.ORGANISATION, 0), else_=1)
    rows = db.session.execute(
        select(
            column.label("target"),
            Endorsement.source,
            Endorsement.name,
            Endorsement.organisation_id,
            Endorsement.created_at,
            Organisation.name.label("organisation_name"),
            Organisation.website,
        )
        .outerjoin(Organisation, Organisation.id == Endorsement.organisation_id)
        .where(column.in_(wanted), Endorsement.withdrawn_at.is_(None))
        .order_by(column, registered_first, Endorsement.created_at, Endorsement.id)
    ).all()
    for row in rows:
        registered = row.source is EndorsementSource.ORGANISATION
        found[row.target].append(
            EndorsementLine(
                name=row.organisation_name if registered else row.name,
                source=row.source,
                organisation_id=row.organisation_id,
                website=row.website if registered else None,
                endorsed_at=row.created_at,
            )
        )
    return found


def endorsements_for_testimony(ids: Iterable[int]) -> dict[int, list[EndorsementLine]]:
    """Each testimony id asked for → its endorsements (an empty list for none), in one query."""
    return _lines(Endorsement.testimony_id, ids)


def endorsements_for_campaigns(ids: Iterable[int]) -> dict[int, list[EndorsementLine]]:
    """Each campaign id asked for → the organisations signed on to its letter, in one query."""
    return _lines(Endorsement.campaign_id, ids)
