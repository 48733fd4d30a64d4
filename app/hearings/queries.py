"""Read-only lookups of hearings for the public pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from app.hearings.models import Committee, Hearing
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
    return (
        db.session.execute(_WITH_AGENDA, {"hearing_id": hearing_id}).unique().scalar_one_or_none()
    )
