"""Figures for a hearing's staff dashboard: submissions per day, by position, measure, status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.hearings.models import Hearing
from app.moderation.queries import position_counts, status_counts
from app.platform.extensions import db
from app.platform.timezones import to_local
from app.testimony.models import Position, ReviewStatus, Testimony, TestimonyMeasure


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class Dashboard:
    per_day: list[Bar]
    by_position: dict[Position, int]
    by_measure: list[Bar]
    by_status: dict[ReviewStatus, int]
    awaiting_review: int
    # Of those, the ones marked as possibly automated: the queue's own tab for them.
    awaiting_automated: int = 0


def _minute_bucket():
    """Received time truncated to the UTC minute, as text, on either database.

    Minutes, not hours: some zones are half or three quarters of an hour off UTC (India,
    Nepal, Newfoundland), so an hour can straddle their midnight.
    """
    if db.engine.dialect.name == "postgresql":
        return func.to_char(Testimony.received_at, "YYYY-MM-DD HH24:MI")
    return func.strftime("%Y-%m-%d %H:%M", Testimony.received_at)


def per_local_day(hearing: Hearing) -> list[Bar]:
    """Count by UTC minute in the database, then fold minutes into the body's local days."""
    bucket = _minute_bucket().label("bucket")
    rows = db.session.execute(
        select(bucket, func.count(Testimony.id))
        .where(Testimony.hearing_id == hearing.id)
        .group_by(bucket)
    ).all()
    days: dict[date, int] = {}
    for text, number in rows:
        minute = datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        day = to_local(minute, hearing.timezone).date()
        days[day] = days.get(day, 0) + number
    return [Bar(day.isoformat(), days[day]) for day in sorted(days)]


def awaiting_automated(hearing: Hearing) -> int:
    """Pending or flagged testimony marked as possibly automated (the hearing's status index
    narrows it to what awaits review)."""
    query = select(func.count(Testimony.id)).where(
        Testimony.hearing_id == hearing.id,
        Testimony.status.in_([ReviewStatus.PENDING, ReviewStatus.FLAGGED]),
        Testimony.quarantine_reason.is_not(None),
    )
    return db.session.scalar(query) or 0


def build(hearing: Hearing) -> Dashboard:
    by_position = position_counts(hearing)
    # A testimony on several measures counts under each of them (by position, and in all,
    # it counts once: under its main measure).
    measure_counts = dict(
        db.session.execute(
            select(TestimonyMeasure.measure_id, func.count())
            .join(Testimony, Testimony.id == TestimonyMeasure.testimony_id)
            .where(Testimony.hearing_id == hearing.id)
            .group_by(TestimonyMeasure.measure_id)
        ).all()
    )
    by_status = status_counts(hearing)
    return Dashboard(
        per_day=per_local_day(hearing),
        by_position=by_position,
        by_measure=[Bar(m.number, measure_counts.get(m.id, 0)) for m in hearing.measures],
        by_status=by_status,
        awaiting_review=by_status[ReviewStatus.PENDING] + by_status[ReviewStatus.FLAGGED],
        awaiting_automated=awaiting_automated(hearing),
    )
