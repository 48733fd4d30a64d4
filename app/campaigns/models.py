"""Campaigns: testimony on one hearing sent from one form letter or one template, and the
anchor shingles that let a new submission find its campaign without reading the hearing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, PrimaryKeyConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow


def campaign_label(campaign_id: int) -> str:
    """How staff, spreadsheets and packets name a campaign: C-12."""
    return f"C-{campaign_id}"


class Campaign(db.Model):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), index=True
    )
    # The member whose text stands for the campaign: the most common wording, else the first.
    representative_id: Mapped[int | None] = mapped_column(
        ForeignKey("testimonies.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    @property
    def label(self) -> str:
        return campaign_label(self.id)


class WordingAnchor(db.Model):
    """A few sampled three-word sequences of a testimony's current text (see wording.anchors).
    A new submission looks up the ones it has to find near copies on the same hearing."""

    __tablename__ = "wording_anchors"
    __table_args__ = (
        PrimaryKeyConstraint("testimony_id", "anchor"),
        Index("ix_wording_anchors_lookup", "hearing_id", "anchor"),
    )

    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id", ondelete="CASCADE"))
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"))
    anchor: Mapped[int] = mapped_column(BigInteger)
