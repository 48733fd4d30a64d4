"""A registered organisation signs on to a published testimony or campaign letter, or withdraws
its sign-on. Services flush and audit; callers commit.

Signing on twice is one sign-on; withdrawing twice, or what was never signed, changes nothing.
Only published testimony, and campaigns with at least one published letter, can be signed: to
a caller anything else does not exist (TargetNotFound), so the API reveals nothing unpublished.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.campaigns.models import Campaign
from app.endorsements import queries
from app.endorsements.models import Endorsement, EndorsementSource
from app.organisations.errors import NotWhileArchived
from app.organisations.models import Organisation
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.testimony.models import Testimony

Target = Testimony | Campaign


class TargetNotFound(DomainError):
    def __init__(self, target: Target) -> None:
        if isinstance(target, Campaign):
            message = _("There is no campaign with published letters with this id.")
        else:
            message = _("There is no published testimony with this id.")
        super().__init__(message)


@dataclass(frozen=True)
class Endorsed:
    endorsement: Endorsement
    created: bool  # False: it was signed already (or signed again after a withdrawal)
    renewed: bool = False  # signed again after the organisation had withdrawn it


def is_endorsable(target: Target) -> bool:
    if isinstance(target, Campaign):
        return queries.has_published_letter(target.id)
    return queries.is_published(target)


def has_signed(organisation: Organisation, target: Target) -> bool:
    """Whether the organisation ever signed on to the target (in force or withdrawn)."""
    return _find(organisation, target) is not None


def _column(target: Target):
    return Endorsement.campaign_id if isinstance(target, Campaign) else Endorsement.testimony_id


def _subject(target: Target) -> dict:
    key = "campaign_id" if isinstance(target, Campaign) else "testimony_id"
    return {key: target.id}


def _find(organisation: Organisation, target: Target) -> Endorsement | None:
    return db.session.scalar(
        select(Endorsement).where(
            _column(target) == target.id, Endorsement.organisation_id == organisation.id
        )
    )


_INSERT = {
    # The unique constraint decides between two requests signing at once: the second inserts
    # nothing, and finds the first's row.
    name: insert(Endorsement.__table__)
    .on_conflict_do_nothing()
    .returning(Endorsement.__table__.c.id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def endorse(organisation: Organisation, target: Target, *, now: datetime, actor: str) -> Endorsed:
    """Sign `organisation` on to `target` (a published testimony, or a campaign with a
    published letter); `actor` is who did it, for the audit log (an API key's audit name)."""
    if organisation.is_archived:
        raise NotWhileArchived()
    if not is_endorsable(target):
        raise TargetNotFound(target)
    existing = _find(organisation, target)
    if existing is not None and not existing.is_withdrawn:
        return Endorsed(existing, created=False)
    if existing is not None:
        # Signed again after withdrawing: the same row, in force again from now.
        renewed = db.session.execute(
            update(Endorsement)
            .where(Endorsement.id == existing.id, Endorsement.withdrawn_at.is_not(None))
            .values(withdrawn_at=None, created_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.refresh(existing)
        if renewed:
            audit.record(actor, "endorsement.made", existing, at=now, again=True,
                         organisation_id=organisation.id, **_subject(target))  # fmt: skip
        return Endorsed(existing, created=False, renewed=bool(renewed))
    statement = _INSERT[db.session.get_bind().dialect.name]
    inserted = db.session.execute(
        statement,
        {
            **_subject(target),
            "source": EndorsementSource.ORGANISATION,
            "organisation_id": organisation.id,
            "created_at": now,
        },
    ).scalar()
    endorsement = _find(organisation, target)
    if inserted is not None:
        audit.record(actor, "endorsement.made", endorsement, at=now,
                     organisation_id=organisation.id, **_subject(target))  # fmt: skip
    return Endorsed(endorsement, created=inserted is not None)


def withdraw_endorsement(
    organisation: Organisation, target: Target, *, now: datetime, actor: str
) -> bool:
    """Withdraw `organisation`'s sign-on to `target`; False when there was none in force.

    A sign-on can be withdrawn even after its target stopped being published (the letter was
    withdrawn, say): the organisation knew it. Otherwise an unpublished target is not found.
    """
    existing = _find(organisation, target)
    if existing is None and not is_endorsable(target):
        raise TargetNotFound(target)
    if existing is None or existing.is_withdrawn:
        return False
    withdrawn = db.session.execute(
        update(Endorsement)
        .where(Endorsement.id == existing.id, Endorsement.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(existing)
    if withdrawn:
        audit.record(actor, "endorsement.withdrawn", existing, at=now,
                     organisation_id=organisation.id, **_subject(target))  # fmt: skip
    return bool(withdrawn)
