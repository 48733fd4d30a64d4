"""A position sign-in, the positions it records (one per measure), and its running tallies."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.hearings.models import Hearing, Measure
from app.organisations.models import Organisation
from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime
from app.testimony.models import (
    Position,
    QuarantineReason,
    RejectionReason,
    mails_organisation,
    resident_language,
)


class SignInStatus(enum.StrEnum):
    """Published at once unless the body reviews sign-ins first (Body.review_sign_ins)."""

    PUBLISHED = "published"
    PENDING = "pending"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class SignIn(db.Model):
    __tablename__ = "sign_ins"
    __table_args__ = (
        UniqueConstraint("hearing_id", "submission_key"),
        CheckConstraint(
            "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_has_time"
        ),
        CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)", name="rejected_has_reason"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        # As for testimony: an address, retention's placeholder, or the organisation that sent
        # it without one.
        CheckConstraint(
            "email <> '' OR email_key <> '' OR organisation_id IS NOT NULL", name="email_given"
        ),
        CheckConstraint(
            "external_reference IS NULL OR organisation_id IS NOT NULL",
            name="reference_from_organisation",
        ),
        # The moderators' tab: one hearing, by status, newest first; and by name.
        Index("ix_sign_ins_hearing_status_received", "hearing_id", "status", "received_at"),
        Index("ix_sign_ins_hearing_name", "hearing_id", "name_key", "id"),
        Index("ix_sign_ins_hearing_email_key", "hearing_id", "email_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="RESTRICT"))
    tracking_number: Mapped[str] = mapped_column(String(12), unique=True)
    # Only a hash: a database dump must not open anyone's receipt.
    receipt_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The form's random key: the same form sent twice is one sign-in with one receipt.
    submission_key: Mapped[str] = mapped_column(String(64))

    full_name: Mapped[str] = mapped_column(String(200))
    # The keys are unbounded: lower-casing can lengthen text ("İ" becomes two characters).
    name_key: Mapped[str] = mapped_column(String(), server_default=text("''"))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(), server_default=text("''"))
    city: Mapped[str] = mapped_column(String(100))
    zip_code: Mapped[str] = mapped_column(String(10))
    organization: Mapped[str | None] = mapped_column(String(200))

    status: Mapped[SignInStatus] = mapped_column(enum_column(SignInStatus, "sign_in_status"))
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(
        enum_column(RejectionReason, "sign_in_rejection_reason")
    )
    quarantine_reason: Mapped[QuarantineReason | None] = mapped_column(
        enum_column(QuarantineReason, "sign_in_quarantine_reason")
    )
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "I did not sign this": out of the counts and the roster until a moderator keeps it.
    disputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispute_kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language of the page it was sent from: its receipt and later notices use it.
    language: Mapped[str | None] = mapped_column(String(12), default=resident_language)
    # The organisation that sent it through the API, and its own reference for it.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    external_reference: Mapped[str | None] = mapped_column(String(100))

    hearing: Mapped[Hearing] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    positions: Mapped[list[SignInPosition]] = relationship(
        back_populates="sign_in",
        order_by="SignInPosition.measure_id",
        cascade="all, delete-orphan",
    )

    @validates("email")
    def _keep_email_key(self, _key: str, value: str) -> str:
        self.email_key = value.lower()
        return value

    @validates("full_name")
    def _keep_name_key(self, _key: str, value: str) -> str:
        self.name_key = value.lower()
        return value

    @property
    def is_withdrawn(self) -> bool:
        return self.status is SignInStatus.WITHDRAWN

    @property
    def mails_organisation(self) -> bool:
        return mails_organisation(self.email, self.email_key, self.organisation_id)

    @property
    def mail_address(self) -> str:
        """The resident's address, or that of the organisation that sent it without one."""
        if self.mails_organisation:
            return self.organisation.contact_email
        return self.email

    @property
    def is_disputed(self) -> bool:
        return self.disputed_at is not None and self.dispute_kept_at is None

    @property
    def tally_state(self) -> str:
        """Where it counts: its status, except that a dispute not set aside takes it out of
        the published (or pending) counts."""
        return tally_state_of(self.status, disputed=self.is_disputed)

    @property
    def is_on_record(self) -> bool:
        """Counted publicly and listed on the packet's roster."""
        return self.tally_state == SignInStatus.PUBLISHED.value

    def in_agenda_order(self) -> list[SignInPosition]:
        """Its positions in the order of the hearing's agenda."""
        order = {measure.id: index for index, measure in enumerate(self.hearing.measures)}
        return sorted(self.positions, key=lambda item: order.get(item.measure_id, len(order)))

    def can_change(self, now: datetime) -> bool:
        """Residents may change or withdraw their positions until the testimony deadline."""
        return not self.is_withdrawn and self.hearing.is_accepting_testimony(now)


# The tally state of a disputed sign-in (beside the statuses).
DISPUTED = "disputed"


def tally_state_of(status: SignInStatus, *, disputed: bool) -> str:
    if disputed and status in (SignInStatus.PUBLISHED, SignInStatus.PENDING):
        return DISPUTED
    return SignInStatus(status).value


TALLY_STATES = (*(status.value for status in SignInStatus), DISPUTED)


class SignInPosition(db.Model):
    """One measure's position within a sign-in."""

    __tablename__ = "sign_in_positions"
    __table_args__ = (
        # The roster and the per-measure counts read a measure's positions in order.
        Index("ix_sign_in_positions_measure_position", "measure_id", "position"),
    )

    sign_in_id: Mapped[int] = mapped_column(
        ForeignKey("sign_ins.id", ondelete="CASCADE"), primary_key=True
    )
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[Position] = mapped_column(enum_column(Position, "sign_in_position"))

    sign_in: Mapped[SignIn] = relationship(back_populates="positions")
    measure: Mapped[Measure] = relationship()


# A surge of sign-ins on one hearing all add to the same few counts; spread over this many
# rows each, concurrent transactions on PostgreSQL rarely wait for one another's row lock.
TALLY_SHARDS = 8


class SignInTally(db.Model):
    """How many sign-ins record each position on each measure, by tally state; the true count
    is the sum over the shards."""

    __tablename__ = "sign_in_tallies"

    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[str] = mapped_column(String(20), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
