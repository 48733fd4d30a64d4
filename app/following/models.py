"""Followers (an e-mail address, no account), what each follows, and the notices they are sent.

A notice is one thing that happened (a hearing scheduled, testimony opening, ...), stored once
under a unique key, so a job that runs twice, or two processes noticing the same moment, make
one notice. Each follower it concerns gets one row in `follower_notices`: sent at once (the
"immediate" followers, up to a daily cap) or left pending for their daily digest.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow


class Frequency(enum.StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"


class SubjectKind(enum.StrEnum):
    BODY = "body"
    COMMITTEE = "committee"
    MEASURE = "measure"
    HEARING = "hearing"


class NoticeKind(enum.StrEnum):
    HEARING_SCHEDULED = "hearing_scheduled"
    TESTIMONY_OPEN = "testimony_open"
    DEADLINE_SOON = "deadline_soon"
    HEARING_RESCHEDULED = "hearing_rescheduled"
    HEARING_CANCELLED = "hearing_cancelled"
    COMMITTEE_ACTED = "committee_acted"


class Follower(db.Model):
    __tablename__ = "followers"
    __table_args__ = (
        CheckConstraint(
            "unsubscribed_at IS NULL OR confirmed_at IS NOT NULL", name="unsubscribed_confirmed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "follow_frequency"))
    # A random value the private links are keyed on (with the application's secret): replaced
    # when someone who unsubscribed follows again, so links in the mail from before stop
    # working for what comes after.
    link_key: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the next daily digest (or, for immediate followers, the overflow past the daily
    # cap) may go; moved forward by a day by whoever sends it.
    digest_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    follows: Mapped[list[Follow]] = relationship(
        back_populates="follower", cascade="all, delete-orphan", order_by="Follow.id"
    )

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "subject_kind", "subject_id"),
        Index("ix_follows_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("followers.id", ondelete="CASCADE"))
    subject_kind: Mapped[SubjectKind] = mapped_column(enum_column(SubjectKind, "follow_subject"))
    subject_id: Mapped[int] = mapped_column(Integer)
    # "Remind me when testimony opens": a hearing followed for that notice only.
    opening_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Double opt-in: nothing but the confirmation is sent for a follow until this is set.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    follower: Mapped[Follower] = relationship(back_populates="follows")


class FollowNotice(db.Model):
    __tablename__ = "follow_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "follow_notice_kind"))
    # What makes it one event ("open:12", "moved:12:2026-12-07T15:00"): made once.
    key: Mapped[str] = mapped_column(String(120), unique=True)
    hearing_id: Mapped[int | None] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id", ondelete="CASCADE"))
    # Facts of the moment (the earlier start of a moved hearing, a committee action's words).
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FollowerNotice(db.Model):
    """One notice for one follower: pending until sent at once or in a digest."""

    __tablename__ = "follower_notices"
    __table_args__ = (
        CheckConstraint("via IS NULL OR sent_at IS NOT NULL", name="via_when_sent"),
        Index("ix_follower_notices_pending", "follower_id", "sent_at"),
    )

    follower_id: Mapped[int] = mapped_column(
        ForeignKey("followers.id", ondelete="CASCADE"), primary_key=True
    )
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("follow_notices.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "immediate" or "digest"
    via: Mapped[str | None] = mapped_column(String(10))


class OutcomeOptOut(db.Model):
    """An address that asked not to be told what the committee did on measures it testified
    on (the link in the receipt e-mail)."""

    __tablename__ = "outcome_opt_outs"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
