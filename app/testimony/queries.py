"""Questions packages below testimony ask of it (app/hearings/services.py, TestimonyQuestions):
the factory hands this module down to them, so they never import testimony."""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select

from app.organisations.models import Organisation
from app.platform.extensions import db
from app.testimony.models import ReviewStatus, Testimony, TestimonyMeasure


def has_testimony_on(hearing_id: int, measure_ids: set[int]) -> bool:
    """Whether any testimony on this hearing addresses one of these measures."""
    if not measure_ids:
        return False
    # Any measure it addresses, its main one or another (testimony_measures holds them all).
    found = db.session.scalar(
        select(TestimonyMeasure.testimony_id)
        .join(Testimony, Testimony.id == TestimonyMeasure.testimony_id)
        .where(Testimony.hearing_id == hearing_id, TestimonyMeasure.measure_id.in_(measure_ids))
        .limit(1)
    )
    return found is not None


def _residents(hearing_id: int):
    """Each testimony on the hearing not withdrawn, with the address its mail goes to: the
    resident's own, or, when an organisation sent it without one, the organisation's contact
    address. An address removed under the body's retention period is blank: nobody left to
    tell."""
    address = case(
        (Testimony.email != "", Testimony.email), else_=Organisation.contact_email
    ).label("address")
    return (
        select(address, func.lower(address).label("address_key"), Testimony.language)
        .select_from(Testimony)
        .outerjoin(Organisation, Organisation.id == Testimony.organisation_id)
        .where(
            Testimony.hearing_id == hearing_id,
            Testimony.status != ReviewStatus.WITHDRAWN,
            or_(
                Testimony.email != "",
                and_(Testimony.email_key == "", Testimony.organisation_id.is_not(None)),
            ),
        )
    )


def count_residents(hearing_id: int) -> int:
    """How many e-mail addresses have testimony (not withdrawn) on the hearing."""
    inner = _residents(hearing_id).subquery()
    return db.session.scalar(select(func.count(func.distinct(inner.c.address_key)))) or 0


def resident_addresses(hearing_id: int) -> list[tuple[str, str, str | None]]:
    """(e-mail, e-mail key, language) of each testimony on the hearing not withdrawn, oldest
    first, so the latest of an address's testimonies comes last."""
    rows = db.session.execute(_residents(hearing_id).order_by(Testimony.id)).all()
    return [(email, key, language) for email, key, language in rows]
