"""Who speaks at a hearing, in what order, and what happened when they were called."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.hearings.models import Hearing, InterpreterLanguage, Measure
from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow
from app.testimony.models import Position, Testimony


class SpeakerStatus(enum.StrEnum):
    WAITING = "waiting"  # on the run sheet, not yet called
    WAITLISTED = "waitlisted"  # beyond the hearing's maximum; moves up when someone cancels
    SPEAKING = "speaking"
    SPOKE = "spoke"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def is_done(self) -> bool:
        return self in (SpeakerStatus.SPOKE, SpeakerStatus.NO_SHOW, SpeakerStatus.CANCELLED)


class SpeakerMode(enum.StrEnum):
    IN_PERSON = "in_person"
    REMOTE = "remote"


class OrderRule(enum.StrEnum):
    """How a proposed run sheet orders its speakers before the clerk adjusts it by hand."""

    FIRST_COME = "first_come"
    ALTERNATE = "alternate"  # support, oppose, neutral in turn, measure by measure


class RunSheet(db.Model):
    """A hearing's speaking order and the state of the floor while it runs.

    `version` goes up with every change; a console's action carries the version it was shown,
    so two screens pressing "call next" at once move the queue by one, not two.
    """

    __tablename__ = "run_sheets"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    order_rule: Mapped[OrderRule] = mapped_column(
        enum_column(OrderRule, "order_rule"), default=OrderRule.FIRST_COME
    )
    officials_first: Mapped[bool] = mapped_column(Boolean, default=False)
    group_interpreters: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the hearing's public speaking began and ended on the day (the console's first
    # call and its "end of public comment").
    floor_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    floor_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A kiosk page for walk-ins opened by the clerk: only a hash of its link's secret is kept.
    kiosk_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    hearing: Mapped[Hearing] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Speaker(db.Model):
    """One person on a hearing's speaker list: signed up with their testimony, or a walk-in.

    The name and what they speak on are copied from the testimony when the list is brought up
    to date, so the console, the public display and the record read one table; walk-ins have
    only these copies.
    """

    __tablename__ = "speakers"
    __table_args__ = (
        CheckConstraint("place IS NULL OR place > 0", name="place_positive"),
        CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled_has_time"
        ),
        CheckConstraint("ended_at IS NULL OR started_at IS NOT NULL", name="ended_after_start"),
        Index("ix_speakers_hearing_place", "hearing_id", "place", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(ForeignKey("hearings.id", ondelete="CASCADE"))
    # Empty for a walk-in.
    testimony_id: Mapped[int | None] = mapped_column(
        ForeignKey("testimonies.id", ondelete="CASCADE"), unique=True
    )
    full_name: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100), default="", server_default=text("''"))
    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id", ondelete="RESTRICT"))
    position: Mapped[Position] = mapped_column(enum_column(Position, "speaker_position"))
    mode: Mapped[SpeakerMode] = mapped_column(enum_column(SpeakerMode, "speaker_mode"))
    interpreter_language_id: Mapped[int | None] = mapped_column(
        ForeignKey("interpreter_languages.id", ondelete="RESTRICT")
    )
    interpreter_other: Mapped[str | None] = mapped_column(String(100))
    is_official: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The language the speaker used, so their notices are written in it.
    language: Mapped[str | None] = mapped_column(String(12))

    # Position in the speaking order, from 1; empty until the first run sheet is made.
    place: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[SpeakerStatus] = mapped_column(
        enum_column(SpeakerStatus, "speaker_status"), default=SpeakerStatus.WAITING
    )
    # A join link for this speaker alone, pasted by the clerk (else the hearing's link).
    remote_link: Mapped[str | None] = mapped_column(String(500))
    window_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    window_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the speaker was last told (place, window start, link), so publishing again only
    # writes to those whose details changed.
    told_signature: Mapped[str | None] = mapped_column(String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    hearing: Mapped[Hearing] = relationship()
    testimony: Mapped[Testimony | None] = relationship()
    measure: Mapped[Measure] = relationship()
    interpreter: Mapped[InterpreterLanguage | None] = relationship()

    @property
    def is_walk_in(self) -> bool:
        return self.testimony_id is None

    @property
    def seconds_used(self) -> int | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.started_at).total_seconds()))

    def interpreter_label(self, locale: str | None = None) -> str:
        if self.interpreter is not None:
            return self.interpreter.name(locale)
        return self.interpreter_other or ""

    @property
    def interpreter_key(self) -> str:
        """What groups speakers who need the same interpreter; empty for none."""
        if self.interpreter_language_id is not None:
            return f"id:{self.interpreter_language_id}"
        return f"other:{self.interpreter_other.casefold()}" if self.interpreter_other else ""
