"""During the hearing: the speaker console's actions, walk-ins and what the room sees.

Each console action carries the run sheet version its screen showed. Two screens pressing
"call next" at once both show version n: the first takes the row lock, moves the queue and
makes it n+1; the second then finds n+1 and is refused with StaleSheet, so the queue moves
by one. Every action is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from app.accounts.models import StaffUser
from app.hearings.models import Hearing
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.speaking.models import RunSheet, Speaker, SpeakerMode, SpeakerStatus
from app.speaking.services import (
    bring_up_to_date,
    estimate_windows,
    fill_places,
    lock_sheet,
    must_wait,
    place_waiting,
    speaker_of,
    speakers,
)
from app.testimony.models import Position

KIOSK = "kiosk"


class NotWaiting(DomainError):
    def __init__(self) -> None:
        super().__init__(_("That speaker is not waiting to speak."))


class UnknownMeasure(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Choose a measure on this hearing's agenda."))


def _current(everyone: list[Speaker]) -> Speaker | None:
    return next((s for s in everyone if s.status is SpeakerStatus.SPEAKING), None)


def _finish(speaker: Speaker, *, now: datetime) -> None:
    speaker.status = SpeakerStatus.SPOKE
    speaker.ended_at = now


def call_next(
    actor: StaffUser, hearing: Hearing, *, seen_version: int, now: datetime
) -> Speaker | None:
    """The speaker at the microphone is done; the next waiting speaker is called."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    # Withdrawn or disputed since the list was last read: never called.
    everyone = bring_up_to_date(hearing, now=now)
    current = _current(everyone)
    if current is not None:
        _finish(current, now=now)
        audit.record(
            actor.audit_name, "speaker.spoke", current, at=now, seconds=current.seconds_used
        )
    following = next((s for s in everyone if s.status is SpeakerStatus.WAITING), None)
    if following is not None:
        following.status = SpeakerStatus.SPEAKING
        following.started_at = now
        following.ended_at = None
        sheet.floor_opened_at = sheet.floor_opened_at or now
        audit.record(actor.audit_name, "speaker.called", following, at=now, place=following.place)
    estimate_windows(hearing, sheet, now=now)
    return following


def finish_current(actor: StaffUser, hearing: Hearing, *, seen_version: int, now: datetime) -> None:
    """The speaker at the microphone is done; nobody is called yet."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    current = _current(speakers(hearing))
    if current is None:
        raise NotWaiting()
    _finish(current, now=now)
    audit.record(actor.audit_name, "speaker.spoke", current, at=now, seconds=current.seconds_used)
    estimate_windows(hearing, sheet, now=now)


def mark_no_show(
    actor: StaffUser, hearing: Hearing, speaker_id: int, *, seen_version: int, now: datetime
) -> None:
    """A called or waiting speaker is not here."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    speaker = speaker_of(hearing, speaker_id)
    if speaker.status not in (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING):
        raise NotWaiting()
    speaker.status = SpeakerStatus.NO_SHOW
    speaker.started_at = None
    speaker.ended_at = None
    audit.record(actor.audit_name, "speaker.no_show", speaker, at=now)
    # Their place goes to the first on the waitlist.
    fill_places(hearing, sheet, now=now)


def skip_to_later(
    actor: StaffUser, hearing: Hearing, speaker_id: int, *, seen_version: int, now: datetime
) -> None:
    """Move a speaker (called but not ready, or waiting) to the end of those waiting."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    speaker = speaker_of(hearing, speaker_id)
    if speaker.status not in (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING):
        raise NotWaiting()
    speaker.status = SpeakerStatus.WAITING
    speaker.started_at = None
    everyone = speakers(hearing)
    waiting = [s for s in everyone if s.status is SpeakerStatus.WAITING and s is not speaker]
    place_waiting(everyone, [*waiting, speaker])
    estimate_windows(hearing, sheet, now=now)
    audit.record(actor.audit_name, "speaker.skipped", speaker, at=now, place=speaker.place)


@dataclass(frozen=True)
class WalkIn:
    full_name: str
    city: str
    organization: str | None
    measure_id: int
    position: Position
    mode: SpeakerMode
    interpreter_language_id: int | None
    interpreter_other: str | None
    language: str | None


def add_walk_in(
    actor: StaffUser | None, hearing: Hearing, walk_in: WalkIn, *, now: datetime
) -> Speaker:
    """Add someone who signs up at the door (typed by staff, or by them on the kiosk) to the
    end of those waiting, or to the waitlist when the hearing is full."""
    if walk_in.measure_id not in {m.id for m in hearing.measures}:
        raise UnknownMeasure()
    sheet = lock_sheet(hearing, now=now)
    everyone = speakers(hearing)
    speaker = Speaker(
        hearing_id=hearing.id,
        testimony_id=None,
        full_name=walk_in.full_name,
        city=walk_in.city,
        organization=walk_in.organization,
        measure_id=walk_in.measure_id,
        position=walk_in.position,
        mode=walk_in.mode,
        interpreter_language_id=walk_in.interpreter_language_id,
        interpreter_other=walk_in.interpreter_other,
        language=walk_in.language,
        is_official=False,
        signed_up_at=now,
        status=SpeakerStatus.WAITING,
    )
    db.session.add(speaker)
    everyone.append(speaker)
    if must_wait(hearing, everyone, speaker):
        speaker.status = SpeakerStatus.WAITLISTED
    db.session.flush()
    everyone = speakers(hearing)
    place_waiting(everyone, [s for s in everyone if s.status is SpeakerStatus.WAITING])
    estimate_windows(hearing, sheet, now=now)
    audit.record(
        actor.audit_name if actor else KIOSK,
        "speaker.walk_in",
        speaker,
        at=now,
        place=speaker.place,
        waitlisted=speaker.status is SpeakerStatus.WAITLISTED,
    )
    return speaker


def open_kiosk(actor: StaffUser, hearing: Hearing, *, now: datetime) -> str:
    """A new kiosk link for walk-ins to sign up on a tablet; any earlier link stops working.
    Returns the link's secret, which is shown once."""
    sheet = lock_sheet(hearing, now=now)
    token = secrets.token_urlsafe(24)
    sheet.kiosk_token_hash = kiosk_hash(token)
    audit.record(actor.audit_name, "kiosk.opened", hearing, at=now)
    return token


def close_kiosk(actor: StaffUser, hearing: Hearing, *, now: datetime) -> None:
    sheet = lock_sheet(hearing, now=now)
    sheet.kiosk_token_hash = None
    audit.record(actor.audit_name, "kiosk.closed", hearing, at=now)


def kiosk_hash(token: str) -> str:
    return hashlib.sha256(b"kiosk:" + token.encode()).hexdigest()


def sheet_for_kiosk(token: str) -> RunSheet | None:
    if not token or len(token) > 64:
        return None
    return db.session.query(RunSheet).filter_by(kiosk_token_hash=kiosk_hash(token)).one_or_none()


@dataclass(frozen=True)
class FloorSpeaker:
    name: str
    organization: str
    measure: str
    position: str
    mode: str
    interpreter: str


@dataclass(frozen=True)
class Floor:
    """What the room, the public page and the other staff screens show."""

    version: int
    now_speaking: FloorSpeaker | None
    started_at: datetime | None
    seconds_allowed: int
    up_next: tuple[FloorSpeaker, ...]
    waiting: int
    spoke: int

    def as_json(self) -> dict:
        def speaker(s: FloorSpeaker | None):
            return None if s is None else s.__dict__

        return {
            "version": self.version,
            "now_speaking": speaker(self.now_speaking),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "seconds_allowed": self.seconds_allowed,
            "up_next": [speaker(s) for s in self.up_next],
            "waiting": self.waiting,
            "spoke": self.spoke,
        }


def floor(
    hearing: Hearing,
    sheet: RunSheet | None,
    everyone: list[Speaker],
    locale: str,
    *,
    public: bool = False,
) -> Floor:
    """The floor: names, measure and position; never contact details. Staff screens also see
    who needs an interpreter; the public display does not (a language can say where someone
    comes from, and retention removes it as personal data)."""
    labels = {m.id: m.number for m in hearing.measures}

    def shown(s: Speaker) -> FloorSpeaker:
        return FloorSpeaker(
            name=s.full_name,
            organization=s.organization or "",
            measure=labels.get(s.measure_id, ""),
            position=s.position.value,
            mode=s.mode.value,
            interpreter="" if public else s.interpreter_label(locale),
        )

    current = _current(everyone)
    waiting = [s for s in everyone if s.status is SpeakerStatus.WAITING]
    return Floor(
        version=sheet.version if sheet else 0,
        now_speaking=shown(current) if current else None,
        started_at=current.started_at if current else None,
        seconds_allowed=hearing.speaker_minutes * 60,
        up_next=tuple(shown(s) for s in waiting[:3]),
        waiting=len(waiting),
        spoke=sum(1 for s in everyone if s.status is SpeakerStatus.SPOKE),
    )
