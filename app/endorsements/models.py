"""Endorsements: an organisation standing behind a testimony or a campaign's letter.

Two kinds, never mixed up: a registered organisation signing on through the API with its key
(`organisation_id`), and an organisation a resident named on their testimony form (`name`, as
the resident typed it). The first is the organisation's own word; the second is the sender's
statement, shown as such.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.organisations.models import Organisation
from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow

# The most organisations a resident may name on one testimony, and the longest name.
MAX_NAMED = 10
MAX_NAME_LENGTH = 200


class EndorsementSource(enum.StrEnum):
    RESIDENT = "resident"  # named by the resident who sent the testimony
    ORGANISATION = "organisation"  # a registered organisation, signing on with its API key


class Endorsement(db.Model):
    __tablename__ = "endorsements"
    __table_args__ = (
        CheckConstraint(
            "(testimony_id IS NOT NULL AND campaign_id IS NULL)"
            " OR (testimony_id IS NULL AND campaign_id IS NOT NULL)",
            name="one_target",
        ),
        # A registered organisation, or a name a resident gave (on a testimony: a resident
        # names organisations on their own testimony only), never both.
        CheckConstraint(
            "(source = 'organisation' AND organisation_id IS NOT NULL"
            " AND name IS NULL AND name_key IS NULL)"
            " OR (source = 'resident' AND organisation_id IS NULL AND testimony_id IS NOT NULL"
            " AND name IS NOT NULL AND name_key IS NOT NULL)",
            name="organisation_or_named",
        ),
        # One sign-on per organisation and target (NULLs differ: the other kind is not held).
        UniqueConstraint("testimony_id", "organisation_id"),
        UniqueConstraint("campaign_id", "organisation_id"),
        # A resident names an organisation once per testimony, however they spell it.
        UniqueConstraint("testimony_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int | None] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE")
    )
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    source: Mapped[EndorsementSource] = mapped_column(
        enum_column(EndorsementSource, "endorsement_source")
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # As the resident wrote it, and folded for comparison (organisations.models.name_key).
    name: Mapped[str | None] = mapped_column(String(MAX_NAME_LENGTH))
    # Unbounded: case folding can lengthen a name ("ß" folds to "ss"), past the name's limit.
    name_key: Mapped[str | None] = mapped_column(String())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Withdrawn by the organisation, or taken off by the resident's amendment: kept, not shown.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def display_name(self) -> str:
        """The organisation's registered name, or the name the resident gave."""
        if self.organisation is not None:
            return self.organisation.name
        return self.name or ""
