"""Read-only lookups of hearings for the public pages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from app.hearings.measure_texts import load_translations
from app.hearings.models import Body, Committee, Hearing
from app.platform.extensions import db


def _public_hearings():
    return select(Hearing).options(
        selectinload(Hearing.committee).selectinload(Committee.body),
        selectinload(Hearing.measures),
    )


def open_hearings(now: datetime) -> list[Hearing]:
    """Hearings taking testimony now, the soonest deadline first."""
    query = _public_hearings().where(
        Hearing.cancelled_at.is_(None),
        Hearing.testimony_opens_at <= now,
        Hearing.testimony_closes_at > now,
    )
    return list(db.session.scalars(query.order_by(Hearing.testimony_closes_at, Hearing.id)))


def upcoming_hearings(now: datetime) -> list[Hearing]:
    """Hearings whose testimony has not opened yet, and cancelled ones not yet past, marked."""
    query = _public_hearings().where(
        (Hearing.testimony_opens_at > now)
        | (Hearing.cancelled_at.is_not(None) & (Hearing.starts_at > now))
    )
    return list(db.session.scalars(query.order_by(Hearing.starts_at, Hearing.id)))


def recent_past_hearings(now: datetime, limit: int = 10) -> list[Hearing]:
    query = _public_hearings().where(
        Hearing.testimony_closes_at <= now, Hearing.cancelled_at.is_(None)
    )
    return list(db.session.scalars(query.order_by(Hearing.starts_at.desc()).limit(limit)))


# The calendar feeds hold hearings from this long ago on, and at most CALENDAR_LIMIT of them;
# the Atom feed holds the NEWEST_LIMIT hearings scheduled last.
CALENDAR_PAST = timedelta(days=90)
CALENDAR_LIMIT = 500
NEWEST_LIMIT = 50


def _in_scope(query, body_id: int | None, committee_id: int | None):
    if committee_id is not None:
        query = query.where(Hearing.committee_id == committee_id)
    if body_id is not None:
        query = query.join(Committee, Committee.id == Hearing.committee_id).where(
            Committee.body_id == body_id
        )
    return query


def calendar_hearings(
    now: datetime, *, body_id: int | None = None, committee_id: int | None = None
) -> list[Hearing]:
    """Recent and coming hearings (cancelled ones too, marked so), the soonest first."""
    query = _in_scope(_public_hearings(), body_id, committee_id).where(
        Hearing.starts_at >= now - CALENDAR_PAST
    )
    return list(
        db.session.scalars(query.order_by(Hearing.starts_at, Hearing.id).limit(CALENDAR_LIMIT))
    )


def newest_hearings(*, body_id: int | None = None) -> list[Hearing]:
    """The hearings scheduled last, the newest first."""
    query = _in_scope(_public_hearings(), body_id, None)
    return list(
        db.session.scalars(
            query.order_by(Hearing.created_at.desc(), Hearing.id.desc()).limit(NEWEST_LIMIT)
        )
    )


def bodies_with_committees() -> list[Body]:
    """Every body and its committees, by name: what the feeds are offered for."""
    return list(
        db.session.scalars(
            select(Body).options(selectinload(Body.committees)).order_by(Body.name, Body.id)
        )
    )


_WITH_AGENDA = (
    select(Hearing)
    .options(
        joinedload(Hearing.committee).joinedload(Committee.body),
        joinedload(Hearing.measures),
    )
    .where(Hearing.id == bindparam("hearing_id"))
)


def hearing_with_agenda(hearing_id: int) -> Hearing | None:
    """A hearing with its committee, body and agenda, in one query (the resident forms show
    all of them on every request)."""
    hearing = (
        db.session.execute(_WITH_AGENDA, {"hearing_id": hearing_id}).unique().scalar_one_or_none()
    )
    if hearing is not None:
        load_translations(hearing.measures)  # one more query, for a reader in another language
    return hearing
