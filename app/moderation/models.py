"""Append-only review decisions, private notes and redactions of a testimony."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import StaffUser
from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow
from app.testimony.models import RejectionReason, ReviewStatus, Testimony

__all__ = ["ModeratorNote", "Redaction", "RejectionReason", "ReviewDecision"]


class ReviewDecision(db.Model):
    """One move of a testimony's review status; rows are only ever added."""

    __tablename__ = "review_decisions"
    __table_args__ = (
        CheckConstraint(
            "to_status <> 'rejected' OR reason IS NOT NULL", name="rejection_has_reason"
        ),
        CheckConstraint("reason <> 'other' OR note IS NOT NULL", name="other_has_note"),
        Index("ix_review_decisions_testimony", "testimony_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id", ondelete="CASCADE"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    from_status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus, "decision_from"))
    to_status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus, "decision_to"))
    reason: Mapped[RejectionReason | None] = mapped_column(
        enum_column(RejectionReason, "decision_reason")
    )
    note: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[StaffUser] = relationship()
    testimony: Mapped[Testimony] = relationship()


class ModeratorNote(db.Model):
    """A private note for other staff; never shown to the resident or the public."""

    __tablename__ = "moderator_notes"
    __table_args__ = (Index("ix_moderator_notes_testimony", "testimony_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[StaffUser] = relationship()


class Redaction(db.Model):
    """A span of one version of the text to hide in anything public.

    Offsets count characters of that version's text. An amendment makes a new version, so
    earlier redactions stop applying and the amended text is reviewed (and redacted) afresh.
    """

    __tablename__ = "redactions"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="span_valid"),
        Index("ix_redactions_testimony", "testimony_id", "testimony_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id", ondelete="CASCADE"))
    testimony_version: Mapped[int] = mapped_column(Integer)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_users.id", ondelete="RESTRICT")
    )

    created_by: Mapped[StaffUser] = relationship(foreign_keys=[created_by_id])
