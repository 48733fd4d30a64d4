"""A resident's testimony on one or more measures of a hearing, its earlier versions and
attachments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import get_locale
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.hearings.models import Hearing, InterpreterLanguage, Measure
from app.organisations.models import Organisation
from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow

if TYPE_CHECKING:  # campaigns sit above testimony: the relationship is resolved by name
    from app.campaigns.models import Campaign


class Position(enum.StrEnum):
    SUPPORT = "support"
    OPPOSE = "oppose"
    NEUTRAL = "neutral"


class SpeakingRequest(enum.StrEnum):
    NONE = "none"
    IN_PERSON = "in_person"
    REMOTE = "remote"


class ReviewStatus(enum.StrEnum):
    """Moderation status; residents can only move their own testimony to withdrawn."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    FLAGGED = "flagged"
    WITHDRAWN = "withdrawn"


class QuarantineReason(enum.StrEnum):
    """Why a submission looked automated. It is kept and reviewed like any other, only marked;
    the sender is never told, so a bot learns nothing."""

    HIDDEN_FIELD = "hidden_field"  # filled in the field people cannot see
    TOO_FAST = "too_fast"  # sent sooner after the form was opened than a person could
    NO_FORM = "no_form"  # the form's signed opening time is missing or forged


class RejectionReason(enum.StrEnum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    DUPLICATE = "duplicate"
    PERSONAL_INFORMATION = "personal_information"
    OTHER = "other"


def resident_language() -> str | None:
    """The language of the page the resident sent from, which their receipt is written in."""
    locale = get_locale()
    return str(locale) if locale is not None else None


class Testimony(db.Model):
    __tablename__ = "testimonies"
    __table_args__ = (
        UniqueConstraint("hearing_id", "submission_key"),
        CheckConstraint(
            "(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn_has_time"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)", name="rejected_has_reason"
        ),
        CheckConstraint("public_record_acknowledged", name="public_record_acknowledged"),
        # An address, or the key retention left when it removed one, or an organisation that
        # sent the testimony without one (its receipt went to the organisation).
        CheckConstraint(
            "email <> '' OR email_key <> '' OR organisation_id IS NOT NULL", name="email_given"
        ),
        CheckConstraint(
            "external_reference IS NULL OR organisation_id IS NOT NULL",
            name="reference_from_organisation",
        ),
        # The moderation queue: one hearing, filtered by status, newest or oldest first.
        Index("ix_testimonies_hearing_status_received", "hearing_id", "status", "received_at"),
        Index("ix_testimonies_hearing_received", "hearing_id", "received_at"),
        # The queue's other sort orders page by (value, id) too.
        Index("ix_testimonies_hearing_name", "hearing_id", "full_name", "id"),
        Index("ix_testimonies_hearing_position", "hearing_id", "position", "id"),
        # A campaign's members, and exact copies of a new submission's wording.
        Index("ix_testimonies_hearing_campaign", "hearing_id", "campaign_id"),
        Index("ix_testimonies_hearing_wording", "hearing_id", "wording_key"),
        # A campaign's members by id and by wording: sizes, pages, the representative.
        Index("ix_testimonies_campaign_wording", "campaign_id", "wording_key", "id"),
        # How many a page's senders sent: by e-mail address, and by name (identity badges).
        Index("ix_testimonies_hearing_email_key", "hearing_id", "email_key"),
        Index("ix_testimonies_hearing_name_key", "hearing_id", "name_key"),
        # The queue's "possibly automated" tab and its count on every queue page: few letters
        # are marked, so the other indexes would read every pending row to find them.
        Index(
            "ix_testimonies_hearing_automated",
            "hearing_id",
            "status",
            "received_at",
            postgresql_where=text("quarantine_reason IS NOT NULL"),
            sqlite_where=text("quarantine_reason IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="RESTRICT"))
    # The testimony's main measure: the first it addresses in agenda order, and below its
    # position there. Every measure it addresses, with a position for each, is in
    # testimony_measures (`stances`); these two copy the first of them, so the queue's sort and
    # filter by position, the hearing-wide tallies, campaigns and the speaking list keep one
    # measure and position per testimony. Only app/testimony/services.py sets them, in step.
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="RESTRICT"), index=True
    )
    tracking_number: Mapped[str] = mapped_column(String(12), unique=True)
    # Only a hash: a database dump must not open anyone's receipt.
    receipt_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Random key carried by the form, so a resubmitted form finds the testimony it created.
    submission_key: Mapped[str] = mapped_column(String(64))

    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    # The two lower-cased, kept beside them so counting one sender's testimony on a hearing
    # (the queue's identity badges) is an index lookup however large the hearing grows.
    email_key: Mapped[str] = mapped_column(String(), server_default=text("''"))
    name_key: Mapped[str] = mapped_column(String(), server_default=text("''"))
    street_address: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    zip_code: Mapped[str] = mapped_column(String(10))
    organization: Mapped[str | None] = mapped_column(String(200))
    speaks_for_organization: Mapped[bool] = mapped_column(Boolean, default=False)
    public_record_acknowledged: Mapped[bool] = mapped_column(Boolean)

    position: Mapped[Position] = mapped_column(enum_column(Position, "testimony_position"))
    body: Mapped[str] = mapped_column(Text)
    speaking_request: Mapped[SpeakingRequest] = mapped_column(
        enum_column(SpeakingRequest, "speaking_request"), default=SpeakingRequest.NONE
    )
    # One of the body's interpreter languages; or, for "other", the language in the
    # resident's words in interpreter_language (also where an old free-text value matched
    # none of the body's list when the list came in).
    interpreter_language_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreter_languages.id", ondelete="RESTRICT")
    )
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    accessibility_need: Mapped[str | None] = mapped_column(String(500))

    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus, "review_status"), default=ReviewStatus.PENDING
    )
    # Why it is not published, while rejected; the public page counts these.
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(
        enum_column(RejectionReason, "rejection_reason")
    )
    # Set when the submission looked automated; moderators see it and can filter on it.
    quarantine_reason: Mapped[QuarantineReason | None] = mapped_column(
        enum_column(QuarantineReason, "quarantine_reason")
    )
    # When the sender followed the confirmation link in their receipt e-mail.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the owner of the e-mail address said "I did not send this"; such testimony stays out
    # of packets until a moderator decides to keep it (dispute_kept_at). Both stay on record.
    disputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispute_kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The form-letter campaign it belongs to (app/campaigns), and the digest of its normalised
    # words that finds exact copies. A moderator who takes it out of its campaign sets
    # kept_apart, and grouping leaves it alone from then on.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    wording_key: Mapped[str | None] = mapped_column(String(32))
    kept_apart: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # So later notices about the hearing (closed early, rescheduled, cancelled) reach the
    # resident in the language they used. Empty for testimony stored before it was kept.
    language: Mapped[str | None] = mapped_column(String(12), default=resident_language)
    # The organisation that sent it through the API (app/api), and its own reference for it;
    # both empty for the web form.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    external_reference: Mapped[str | None] = mapped_column(String(100))

    hearing: Mapped[Hearing] = relationship()
    measure: Mapped[Measure] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    interpreter: Mapped[InterpreterLanguage | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship(foreign_keys=[campaign_id])
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="testimony", order_by="Attachment.id", cascade="all, delete-orphan"
    )
    versions: Mapped[list[TestimonyVersion]] = relationship(
        back_populates="testimony",
        order_by="TestimonyVersion.version",
        cascade="all, delete-orphan",
    )
    # Every measure it addresses, with the position on each (written by the services with
    # plain INSERTs; read-only here). Sort with `in_agenda_order` to show them.
    stances: Mapped[list[TestimonyMeasure]] = relationship(
        back_populates="testimony", viewonly=True, order_by="TestimonyMeasure.measure_id"
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
        return self.status is ReviewStatus.WITHDRAWN

    @property
    def mails_organisation(self) -> bool:
        """Whether its mail goes to the organisation that sent it: the resident gave no
        address (as opposed to one removed under retention, which leaves a key behind)."""
        return mails_organisation(self.email, self.email_key, self.organisation_id)

    @property
    def mail_address(self) -> str:
        """Where its receipt and the notices about it go: the resident's address, or the
        contact address of the organisation that sent it without one; empty for nobody."""
        if self.mails_organisation:
            return self.organisation.contact_email
        return self.email

    def interpreter_label(self, locale: str | None = None) -> str:
        """The interpreter language asked for, in the reader's language; empty for none."""
        if self.interpreter is not None:
            return self.interpreter.name(locale)
        return self.interpreter_language or ""

    @property
    def is_disputed(self) -> bool:
        """Disputed by the e-mail's owner and not (yet) kept by a moderator."""
        return self.disputed_at is not None and self.dispute_kept_at is None

    def can_change(self, now: datetime) -> bool:
        """Residents may amend or withdraw until the testimony deadline."""
        return not self.is_withdrawn and self.hearing.is_accepting_testimony(now)

    can_withdraw = can_change
    can_amend = can_change

    def in_agenda_order(self) -> list[TestimonyMeasure]:
        """The measures it addresses, each with its position, in the order of the agenda
        (a measure since taken off the agenda, which cannot have testimony, would come last)."""
        if len(self.stances) < 2:
            return list(self.stances)
        order = {measure.id: index for index, measure in enumerate(self.hearing.measures)}
        return sorted(
            self.stances,
            key=lambda stance: (order.get(stance.measure_id, len(order)), stance.measure_id),
        )

    @property
    def addresses_several(self) -> bool:
        return len(self.stances) > 1


def mails_organisation(email: str, email_key: str, organisation_id: int | None) -> bool:
    """Whether a submission's mail goes to the organisation that sent it (testimony and
    sign-ins alike): no address of the resident's, and none removed since."""
    return not email and not email_key and organisation_id is not None


class TestimonyMeasure(db.Model):
    """One measure a testimony addresses, with the resident's position on it. A testimony has
    one row per measure it addresses; its first in agenda order is also copied into
    testimonies.measure_id and testimonies.position (its main measure)."""

    __tablename__ = "testimony_measures"
    __table_args__ = (
        # Per-measure counts and the packet's index under each measure.
        Index("ix_testimony_measures_measure_position", "measure_id", "position"),
    )

    testimony_id: Mapped[int] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), primary_key=True
    )
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[Position] = mapped_column(enum_column(Position, "testimony_measure_position"))

    testimony: Mapped[Testimony] = relationship(back_populates="stances")
    measure: Mapped[Measure] = relationship()


class TestimonyVersion(db.Model):
    """What a testimony said before an amendment, and why the resident changed it."""

    __tablename__ = "testimony_versions"
    __table_args__ = (UniqueConstraint("testimony_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int] = mapped_column(ForeignKey("testimonies.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="RESTRICT"))
    position: Mapped[Position] = mapped_column(enum_column(Position, "version_position"))
    body: Mapped[str] = mapped_column(Text)
    speaking_request: Mapped[SpeakingRequest] = mapped_column(
        enum_column(SpeakingRequest, "version_speaking_request")
    )
    # Valid from received_at (or the previous amendment) until superseded_at.
    superseded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    amendment_reason: Mapped[str] = mapped_column(String(500))
    # Every measure it addressed, [[measure_id, position], ...] in agenda order; measure_id and
    # position above hold the first. Empty (NULL) for versions kept before testimony could
    # address several measures: they addressed measure_id only.
    measures: Mapped[list | None] = mapped_column(JSON)
    # The attachments the amendment took away, [{"name": ..., "pages": n, "size": bytes}]:
    # their files are deleted, so the moderator's history keeps what they were.
    attachments_removed: Mapped[list | None] = mapped_column(JSON)

    testimony: Mapped[Testimony] = relationship(back_populates="versions")
    measure: Mapped[Measure] = relationship()

    def stances(self) -> list[tuple[int, Position]]:
        """The measures this version addressed, with the position on each."""
        if not self.measures:
            return [(self.measure_id, Position(self.position))]
        return [(int(measure_id), Position(position)) for measure_id, position in self.measures]


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        CheckConstraint("page_count > 0", name="page_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    testimony_id: Mapped[int] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), index=True
    )
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    page_count: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    testimony: Mapped[Testimony] = relationship(back_populates="attachments")
