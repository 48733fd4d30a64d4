"""Legislative bodies, their committees, the measures before them, and hearings."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow

# "City of Boston" and "Boston" name the same place; so do "Town of Brookline" and "Brookline".
_CITY_OR_TOWN = re.compile(r"^(?:city|town) of ")
_JURISDICTION_KIND = re.compile(r"^(?:city|town|commonwealth|state) of ")
_PLACE_SEPARATORS = re.compile(r"[,\n]")
_ZIP_PREFIX = re.compile(r"[0-9]{1,5}")
_ZIP5 = re.compile(r"\s*([0-9]{5})(?![0-9])")


def normalise_place(name: str, *, kinds: re.Pattern[str] = _CITY_OR_TOWN) -> str:
    """Casefold, collapse whitespace and drop a leading "City of" or "Town of"."""
    return kinds.sub("", " ".join(name.split()).casefold(), count=1)


def split_places(value: str) -> list[str]:
    """The place names as written, one per line or separated by commas, blanks left out."""
    parts = (part.strip() for part in _PLACE_SEPARATORS.split(value or ""))
    return [part for part in parts if part]


def split_zip_prefixes(value: str) -> list[str]:
    """The comma-separated entries as written, blanks left out."""
    parts = (part.strip() for part in (value or "").split(","))
    return [part for part in parts if part]


def is_zip_prefix(value: str) -> bool:
    return _ZIP_PREFIX.fullmatch(value) is not None


def parse_places(value: str) -> frozenset[str]:
    """The place names, normalised for comparison."""
    names = (normalise_place(place) for place in split_places(value))
    return frozenset(name for name in names if name)


def parse_zip_prefixes(value: str) -> tuple[str, ...]:
    """The ZIP prefixes of 1 to 5 digits; anything else is ignored."""
    return tuple(sorted({part for part in split_zip_prefixes(value) if is_zip_prefix(part)}))


def zip5(zip_code: str) -> str | None:
    """The 5-digit ZIP code of "02124" or "02124-1234", or None for anything else."""
    match = _ZIP5.match(zip_code or "")
    return match.group(1) if match else None


def _default_timezone() -> str:
    # The operator's OPENTESTIMONY_TIMEZONE, for a body created without a zone of its own.
    return current_app.config.get("DEFAULT_TIMEZONE", "America/New_York")


class Body(db.Model):
    __tablename__ = "bodies"
    __table_args__ = (
        CheckConstraint(
            "retention_days IS NULL OR retention_days > 0", name="retention_days_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Where residents of the body live; packets count testimony from inside it.
    jurisdiction: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default=lambda: _default_timezone())
    # Who counts as a resident: place names (one per line or comma separated) and
    # comma-separated ZIP prefixes. Both empty means "the jurisdiction's own name".
    # The server default is the SQL literal '' because Alembic's SQLite comparison cannot
    # match a plain "" against the reflected default.
    resident_places: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    resident_zip_prefixes: Mapped[str] = mapped_column(
        String(200), default="", server_default=text("''")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Days after a hearing is over before residents' e-mail and street address are removed
    # from its testimony (app/retention.py); empty keeps them.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    # Whether position sign-ins wait for a moderator before they count publicly; by default
    # they are on record at once (they carry no text to review).
    review_sign_ins: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Whether residents are e-mailed when their testimony is published or not published
    # (app/testimony/review_notices.py); on unless a clerk turns it off.
    notify_review_outcomes: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )

    committees: Mapped[list[Committee]] = relationship(back_populates="body")

    def resident_matcher(self) -> Callable[[str, str], bool]:
        """Parse the resident rule once; the returned test takes a city and a ZIP code."""
        places = parse_places(self.resident_places)
        prefixes = parse_zip_prefixes(self.resident_zip_prefixes)
        if not places and not prefixes:
            fallback = normalise_place(self.jurisdiction or "", kinds=_JURISDICTION_KIND)
            places = frozenset([fallback]) if fallback else frozenset()

        def is_resident(city: str, zip_code: str) -> bool:
            if places and normalise_place(city or "") in places:
                return True
            code = zip5(zip_code) if prefixes else None
            return code is not None and code.startswith(prefixes)

        return is_resident

    def is_resident(self, city: str, zip_code: str) -> bool:
        """Whether someone from this city and ZIP code counts as a resident of the body."""
        return self.resident_matcher()(city, zip_code)


class Committee(db.Model):
    __tablename__ = "committees"
    __table_args__ = (UniqueConstraint("body_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))

    body: Mapped[Body] = relationship(back_populates="committees")
    measures: Mapped[list[Measure]] = relationship(back_populates="committee")
    hearings: Mapped[list[Hearing]] = relationship(back_populates="committee")


class MeasureKind(enum.StrEnum):
    ORDINANCE = "ordinance"
    BILL = "bill"
    ORDER = "order"
    RESOLUTION = "resolution"


class Measure(db.Model):
    __tablename__ = "measures"
    __table_args__ = (
        UniqueConstraint("committee_id", "session", "number"),
        # An agenda import's id for the measure (app/hearings/agenda_plan.py keeps it unique
        # within the body; migration 0028 says why the database checks the committee).
        Index("uq_measures_committee_id_external_id", "committee_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[MeasureKind] = mapped_column(enum_column(MeasureKind, "measure_kind"))
    number: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    official_url: Mapped[str | None] = mapped_column(String(500))
    session: Mapped[str] = mapped_column(String(80), default="")
    external_id: Mapped[str | None] = mapped_column(String(100))

    committee: Mapped[Committee] = relationship(back_populates="measures")
    # The title and summary in other languages (app/hearings/measure_texts.py reads them).
    translations: Mapped[list[MeasureTranslation]] = relationship(
        cascade="all, delete-orphan", order_by="MeasureTranslation.language"
    )

    @property
    def label(self) -> str:
        return f"{self.number}: {self.title}"


class MeasureTranslation(db.Model):
    """A measure's title and summary in another language than the one the clerk typed them in."""

    __tablename__ = "measure_translations"
    __table_args__ = (UniqueConstraint("measure_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measures.id", ondelete="CASCADE"), index=True
    )
    # An interface language's code ("es"): the reader's language picks the translation.
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    # Empty when only the title is translated: the original summary is shown, marked so.
    summary: Mapped[str] = mapped_column(Text, default="")


hearing_measures = Table(
    "hearing_measures",
    db.Model.metadata,
    Column("hearing_id", ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True),
    Column("measure_id", ForeignKey("measures.id", ondelete="RESTRICT"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class SpeakingModes(enum.StrEnum):
    """How speakers may take part in a hearing."""

    IN_PERSON = "in_person"
    REMOTE = "remote"
    BOTH = "both"


# Without a cut-off of its own, sign-up to speak closes this long before the hearing starts,
# so the clerk has time to set the order and tell each speaker their place.
DEFAULT_SIGNUP_LEAD = timedelta(hours=1)


class HearingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    HELD = "held"
    CANCELLED = "cancelled"


class Hearing(db.Model):
    __tablename__ = "hearings"
    __table_args__ = (
        CheckConstraint("testimony_opens_at < testimony_closes_at", name="window_order"),
        CheckConstraint(
            "speaker_signup_closes_at IS NULL OR speaker_signup_closes_at <= testimony_closes_at",
            name="signup_within_window",
        ),
        # Closing early moves the deadline forward and keeps the published one here.
        CheckConstraint(
            "published_closes_at IS NULL OR published_closes_at > testimony_closes_at",
            name="closed_early_before_deadline",
        ),
        CheckConstraint(
            "speaker_signup_closes_at IS NULL OR speaker_signup_closes_at <= starts_at",
            name="signup_before_start",
        ),
        CheckConstraint("speaker_minutes BETWEEN 1 AND 60", name="speaker_minutes_range"),
        CheckConstraint("max_speakers IS NULL OR max_speakers > 0", name="max_speakers_positive"),
        CheckConstraint("calendar_sequence >= 0", name="calendar_sequence_not_negative"),
        Index("uq_hearings_committee_id_external_id", "committee_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(
        ForeignKey("committees.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(300), default="")
    remote_url: Mapped[str | None] = mapped_column(String(500))
    testimony_opens_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    testimony_closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    speaker_signup_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The deadline residents were told, while testimony was closed before it ("closed early");
    # the early close is then testimony_closes_at. Empty when the published deadline holds.
    published_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Publish only testimony whose sender followed the e-mail confirmation link.
    confirmed_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Speaking rules: minutes each speaker has, how many may speak (the rest wait on a
    # waitlist), how they may take part, and whether public officials are heard first.
    speaker_minutes: Mapped[int] = mapped_column(Integer, default=3, server_default=text("3"))
    max_speakers: Mapped[int | None] = mapped_column(Integer)
    speaking_modes: Mapped[SpeakingModes] = mapped_column(
        enum_column(SpeakingModes, "speaking_modes"),
        default=SpeakingModes.BOTH,
        server_default=SpeakingModes.BOTH.value,
    )
    officials_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The meeting PIN or passcode remote speakers need with the link, if any.
    remote_pin: Mapped[str | None] = mapped_column(String(40))
    # An agenda import's id for the hearing, unique within the body like a measure's.
    external_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The calendar feeds' SEQUENCE (RFC 5545): raised whenever the time, the place or the status
    # changes, so calendar programs replace their copy of the event.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # When the row last changed, whatever changed (the feeds' DTSTAMP and Last-Modified).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    committee: Mapped[Committee] = relationship(back_populates="hearings")
    measures: Mapped[list[Measure]] = relationship(
        secondary=hearing_measures,
        # Agenda order; the measure id breaks ties so the order never depends on the database.
        order_by=(hearing_measures.c.position, hearing_measures.c.measure_id),
    )

    @property
    def body(self) -> Body:
        return self.committee.body

    @property
    def timezone(self) -> str:
        return self.committee.body.timezone

    @property
    def has_remote_option(self) -> bool:
        # Remote speakers join by the hearing's link (or one the clerk gives each of them,
        # which needs the hearing to have a remote meeting in the first place).
        return bool(self.remote_url) and self.speaking_modes is not SpeakingModes.IN_PERSON

    @property
    def has_in_person_option(self) -> bool:
        return self.speaking_modes is not SpeakingModes.REMOTE

    # The columns status() and is_accepting_speakers() read: what a submission re-reads
    # inside the transaction that stores it.
    STATUS_TIMES = (
        "cancelled_at",
        "testimony_opens_at",
        "testimony_closes_at",
        "speaker_signup_closes_at",
        "starts_at",
    )

    def status(self, now: datetime) -> HearingStatus:
        """Derive the hearing's status from its times."""
        if self.cancelled_at is not None:
            return HearingStatus.CANCELLED
        if now < self.testimony_opens_at:
            return HearingStatus.SCHEDULED
        if now < self.testimony_closes_at:
            return HearingStatus.OPEN
        if now < self.starts_at:
            return HearingStatus.CLOSED
        return HearingStatus.HELD

    def is_accepting_testimony(self, now: datetime) -> bool:
        return self.status(now) is HearingStatus.OPEN

    def is_accepting_speakers(self, now: datetime) -> bool:
        return self.is_accepting_testimony(now) and now < self.speaker_signup_deadline

    def is_hearing_day(self, now: datetime) -> bool:
        """From an hour before the start until twelve hours after: when the public display
        of who is speaking is worth pointing to."""
        if self.cancelled_at is not None:
            return False
        return self.starts_at - timedelta(hours=1) <= now <= self.starts_at + timedelta(hours=12)

    @property
    def closed_early(self) -> bool:
        return self.published_closes_at is not None

    @property
    def speaker_signup_deadline(self) -> datetime:
        """The clerk's cut-off, or an hour before the start; never after testimony closes."""
        cutoff = self.speaker_signup_closes_at or self.starts_at - DEFAULT_SIGNUP_LEAD
        return min(cutoff, self.testimony_closes_at)


class InterpreterLanguage(db.Model):
    """A language the body can provide an interpreter for, named in each interface language."""

    __tablename__ = "interpreter_languages"
    __table_args__ = (UniqueConstraint("body_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    # A short code such as "es" or "ht" (BCP 47 where one exists); stable across renames.
    code: Mapped[str] = mapped_column(String(16))
    # {"en": "Spanish", "es": "Español"}: the name in each interface language.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)

    def name(self, locale: str | None = None) -> str:
        """The name in the reader's language, else English, else the code."""
        names = self.names or {}
        return names.get(locale or "en") or names.get("en") or self.code
