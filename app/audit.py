"""Append-only record of what was done, by whom, to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timezones import UTCDateTime, utcnow

RESIDENT = "resident"
SYSTEM = "system"
ANONYMOUS = "anonymous"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # "resident", "system" or "user:<id>" once staff accounts exist.
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    # Empty for events about nobody in particular, such as a failed login to an unknown address.
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set on events recorded at most once per key (a refusal per address, page and minute): a
    # second row with the same key fails on the unique index instead of flooding the log.
    dedup_key: Mapped[str | None] = mapped_column(String(160), unique=True)


def record(
    actor: str, action: str, subject: db.Model | None, *, at: datetime | None = None, **data
) -> AuditEvent:
    """Add an audit row in the current transaction; it commits or rolls back with the change."""
    event = AuditEvent(
        actor=actor,
        action=action,
        subject_type=subject.__tablename__ if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        occurred_at=at or utcnow(),
        data=data,
    )
    db.session.add(event)
    return event


def record_anonymous(action: str, *, at: datetime | None = None, **data) -> AuditEvent:
    """Record an event by someone not signed in (a failed login), about no particular row."""
    return record(ANONYMOUS, action, None, at=at, **data)
