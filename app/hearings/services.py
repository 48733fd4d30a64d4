"""Clerks create and change bodies, committees, measures and hearings. Callers commit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.accounts.models import StaffUser
from app.hearings.languages import list_default_languages
from app.hearings.models import (
    Body,
    Committee,
    Hearing,
    Measure,
    MeasureKind,
    SpeakingModes,
    hearing_measures,
)
from app.platform import audit, jobs, outbox
from app.platform.errors import DomainError
from app.platform.extensions import db

# Where the factory puts testimony's answers to what hearings ask of it (TestimonyQuestions).
TESTIMONY_QUESTIONS = "opentestimony.testimony_questions"


class TestimonyQuestions(Protocol):
    """What hearings ask of testimony. Testimony sits above hearings in the layers, so the
    factory hands the answers down (app/testimony/queries.py) instead of hearings importing
    testimony."""

    def has_testimony_on(self, hearing_id: int, measure_ids: set[int]) -> bool: ...

    def count_residents(self, hearing_id: int) -> int: ...

    def resident_addresses(self, hearing_id: int) -> list[tuple[str, str, str | None]]: ...


def _testimony() -> TestimonyQuestions:
    return current_app.extensions[TESTIMONY_QUESTIONS]


class SignInQuestions(Protocol):
    """What hearings ask of position sign-ins (app/signins/queries.py), handed down likewise."""

    def has_sign_ins_on(self, hearing_id: int, measure_ids: set[int]) -> bool: ...


SIGN_IN_QUESTIONS = "opentestimony.sign_in_questions"


class DuplicateNumber(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This committee already has a measure with that number and session."))


class BadWindow(DomainError):
    pass


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:80] or "untitled"


def _unique_slug(model, name: str, **scope) -> str:
    base = slugify(name)
    slug, number = base, 2
    while db.session.scalar(select(model.id).filter_by(slug=slug, **scope)) is not None:
        slug = f"{base[:75]}-{number}"
        number += 1
    return slug


def create_body(
    actor: StaffUser,
    *,
    name: str,
    jurisdiction: str,
    timezone: str,
    now: datetime,
    resident_places: str = "",
    resident_zip_prefixes: str = "",
    review_sign_ins: bool = False,
) -> Body:
    body = Body(
        review_sign_ins=review_sign_ins,
        slug=_unique_slug(Body, name),
        name=name,
        jurisdiction=jurisdiction,
        timezone=timezone,
        resident_places=resident_places,
        resident_zip_prefixes=resident_zip_prefixes,
    )
    db.session.add(body)
    db.session.flush()
    list_default_languages(body)
    audit.record(actor.audit_name, "body.created", body, at=now, name=name)
    return body


def update_body(
    actor: StaffUser,
    body: Body,
    *,
    name: str,
    jurisdiction: str,
    timezone: str,
    now: datetime,
    resident_places: str | None = None,
    resident_zip_prefixes: str | None = None,
    review_sign_ins: bool | None = None,
) -> None:
    """Change a body; a resident rule (or the sign-in review) left as None is kept."""
    body.name, body.jurisdiction, body.timezone = name, jurisdiction, timezone
    if resident_places is not None:
        body.resident_places = resident_places
    if resident_zip_prefixes is not None:
        body.resident_zip_prefixes = resident_zip_prefixes
    if review_sign_ins is not None:
        body.review_sign_ins = review_sign_ins
    db.session.flush()
    audit.record(
        actor.audit_name,
        "body.updated",
        body,
        at=now,
        name=name,
        timezone=timezone,
        review_sign_ins=body.review_sign_ins,
    )


def create_committee(actor: StaffUser, body: Body, *, name: str, now: datetime) -> Committee:
    committee = Committee(body=body, slug=_unique_slug(Committee, name, body_id=body.id), name=name)
    db.session.add(committee)
    db.session.flush()
    audit.record(actor.audit_name, "committee.created", committee, at=now, name=name)
    return committee


def update_committee(actor: StaffUser, committee: Committee, *, name: str, now: datetime) -> None:
    committee.name = name
    db.session.flush()
    audit.record(actor.audit_name, "committee.updated", committee, at=now, name=name)


@dataclass(frozen=True)
class MeasureDetails:
    kind: MeasureKind
    number: str
    title: str
    summary: str
    official_url: str | None
    session: str


def save_measure(
    actor: StaffUser,
    details: MeasureDetails,
    *,
    committee: Committee | None = None,
    measure: Measure | None = None,
    now: datetime,
    external_id: str | None = None,
) -> Measure:
    """Create a measure in `committee`, or update `measure`; an agenda import gives the
    measure its `external_id` (None keeps the one it has)."""
    target_committee_id = measure.committee_id if measure else committee.id
    clash = db.session.scalar(
        select(Measure.id).where(
            Measure.committee_id == target_committee_id,
            Measure.session == details.session,
            Measure.number == details.number,
        )
    )
    if clash is not None and (measure is None or clash != measure.id):
        raise DuplicateNumber()
    action = "measure.updated" if measure else "measure.created"
    if measure is None:
        measure = Measure(committee=committee)
        db.session.add(measure)
    for name, value in vars(details).items():
        setattr(measure, name, value)
    if external_id is not None:
        measure.external_id = external_id
    db.session.flush()
    audit.record(
        actor.audit_name,
        action,
        measure,
        at=now,
        number=details.number,
        **({"external_id": external_id} if external_id is not None else {}),
    )
    return measure


@dataclass(frozen=True)
class HearingDetails:
    title: str
    description: str
    starts_at: datetime
    location: str
    remote_url: str | None
    testimony_opens_at: datetime
    testimony_closes_at: datetime
    speaker_signup_closes_at: datetime | None
    measure_ids: tuple[int, ...]
    confirmed_only: bool = False
    # Speaking rules. Without a way of taking part given, speakers come in person, and also
    # remotely when the hearing has a remote link.
    speaker_minutes: int = 3
    max_speakers: int | None = None
    speaking_modes: SpeakingModes | None = None
    officials_first: bool = False
    remote_pin: str | None = None

    @property
    def modes(self) -> SpeakingModes:
        if self.speaking_modes is not None:
            return self.speaking_modes
        return SpeakingModes.BOTH if self.remote_url else SpeakingModes.IN_PERSON


# What the database allows (app/hearings/models.py), checked here first for a clear message.
SPEAKER_MINUTES = range(1, 61)


def save_hearing(
    actor: StaffUser,
    details: HearingDetails,
    *,
    committee: Committee | None = None,
    hearing: Hearing | None = None,
    now: datetime,
    external_id: str | None = None,
) -> Hearing:
    """Create a hearing for `committee`, or reschedule and edit `hearing`; an agenda import
    gives the hearing its `external_id` (None keeps the one it has).

    Moving an existing hearing's start tells everyone with testimony on it by e-mail."""
    if details.testimony_opens_at >= details.testimony_closes_at:
        raise BadWindow(_("The deadline must be after testimony opens."))
    if details.testimony_closes_at > details.starts_at:
        raise BadWindow(_("The testimony deadline must be no later than the hearing's start."))
    signup = details.speaker_signup_closes_at
    if signup is not None and signup > details.starts_at:
        raise BadWindow(_("Sign-up to speak must close by the hearing's start."))
    if signup is not None and signup > details.testimony_closes_at:
        raise BadWindow(_("Sign-up to speak must close by the testimony deadline."))
    _check_speaking_rules(details)
    committee_id = hearing.committee_id if hearing else committee.id
    measures = list(
        db.session.scalars(
            select(Measure)
            .where(Measure.id.in_(details.measure_ids), Measure.committee_id == committee_id)
            .order_by(Measure.id)
        )
    )
    if not measures or len(measures) != len(set(details.measure_ids)):
        raise BadWindow(_("Choose measures of this committee."))
    action = "hearing.updated" if hearing else "hearing.created"
    if hearing is not None:
        _hold(hearing)
    previous_start = hearing.starts_at if hearing is not None else None
    previous_place = (hearing.location, hearing.remote_url) if hearing is not None else None
    agenda_before = {m.id for m in hearing.measures} if hearing is not None else set()
    if hearing is not None:
        details = _keep_early_close(hearing, details)
    else:
        hearing = Hearing(committee_id=committee_id)
        db.session.add(hearing)
    for name in (
        "title",
        "description",
        "starts_at",
        "location",
        "remote_url",
        "testimony_opens_at",
        "testimony_closes_at",
        "speaker_signup_closes_at",
        "confirmed_only",
        "speaker_minutes",
        "max_speakers",
        "officials_first",
        "remote_pin",
    ):
        setattr(hearing, name, getattr(details, name))
    hearing.speaking_modes = details.modes
    if external_id is not None:
        hearing.external_id = external_id
    hearing.measures = measures
    db.session.flush()
    # Checked once the measures are off the agenda: on PostgreSQL the removal waits for any
    # testimony being stored on them (it share-locks its agenda row), then sees it here.
    keep_measures_with_testimony(hearing, agenda_before - {m.id for m in measures})
    _number_agenda(hearing, details.measure_ids)
    audit.record(
        actor.audit_name,
        action,
        hearing,
        at=now,
        opens=details.testimony_opens_at.isoformat(),
        closes=details.testimony_closes_at.isoformat(),
        signup_closes=signup.isoformat() if signup is not None else None,
        speaker_minutes=details.speaker_minutes,
        max_speakers=details.max_speakers,
        speaking_modes=details.modes.value,
        officials_first=details.officials_first,
        # Whether there is a PIN, not the PIN: the audit log is read more widely than the
        # hearing's page.
        remote_pin=bool(details.remote_pin),
        **({"external_id": external_id} if external_id is not None else {}),
    )
    # A cancelled hearing's residents hear the time when it is reinstated, not before.
    # Compared to the minute, as the form shows it: re-saving the same time moves nothing.
    moved = previous_start is not None and _minute(previous_start) != _minute(details.starts_at)
    if moved or (
        previous_place is not None and previous_place != (details.location, details.remote_url)
    ):
        _calendar_changed(hearing)
    if moved and hearing.cancelled_at is None:
        told = tell_residents(
            hearing, "hearing_rescheduled", now=now, previous_start=previous_start
        )
        audit.record(
            actor.audit_name,
            "hearing.rescheduled",
            hearing,
            at=now,
            starts=details.starts_at.isoformat(),
            told=told,
        )
    if previous_start is None:
        _tell_followers(hearing, "scheduled")
    elif moved and hearing.cancelled_at is None:
        _tell_followers(hearing, "rescheduled", previous_start=previous_start.isoformat())
    return hearing


def _check_speaking_rules(details: HearingDetails) -> None:
    if details.speaker_minutes not in SPEAKER_MINUTES:
        raise BadWindow(_("Give each speaker between %(min)d and %(max)d minutes.", min=1, max=60))
    if details.max_speakers is not None and details.max_speakers < 1:
        raise BadWindow(_("The maximum number of speakers must be at least 1."))
    if details.modes is not SpeakingModes.IN_PERSON and not details.remote_url:
        raise BadWindow(
            _(
                "Remote speakers need the link to join: enter it under “Link to watch or "
                "join remotely”, or choose “In person only”."
            )
        )


def _keep_early_close(hearing: Hearing, details: HearingDetails) -> HearingDetails:
    """Keep the record of an early close unless the clerk set a new deadline.

    The form shows times to the minute, so saving other changes sends back the early close
    without its seconds: that is the same deadline, kept exactly, not a new one.
    """
    if not hearing.closed_early:
        return details
    if _minute(details.testimony_closes_at) == _minute(hearing.testimony_closes_at):
        return replace(details, testimony_closes_at=hearing.testimony_closes_at)
    hearing.published_closes_at = None
    return details


def _minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def keep_measures_with_testimony(hearing: Hearing, dropped: set[int]) -> None:
    """Refuse to take a measure with testimony or sign-ins off the hearing's agenda (the
    form and the agenda import ask the same)."""
    if _testimony().has_testimony_on(hearing.id, dropped):
        raise BadWindow(_("A measure that already has testimony must stay on the agenda."))
    sign_ins: SignInQuestions | None = current_app.extensions.get(SIGN_IN_QUESTIONS)
    if sign_ins is not None and sign_ins.has_sign_ins_on(hearing.id, dropped):
        # Its sign-ins would drop out of the roster while still counted.
        raise BadWindow(_("A measure that already has position sign-ins must stay on the agenda."))


def _number_agenda(hearing: Hearing, measure_ids: tuple[int, ...]) -> None:
    """Keep the agenda in the order the clerk listed the measures."""
    for position, measure_id in enumerate(dict.fromkeys(measure_ids)):
        db.session.execute(
            hearing_measures.update()
            .where(
                hearing_measures.c.hearing_id == hearing.id,
                hearing_measures.c.measure_id == measure_id,
            )
            .values(position=position)
        )
    db.session.expire(hearing, ["measures"])


def _hold(hearing: Hearing) -> None:
    """Lock the hearing's row for this transaction and read it again, so that a change made by
    another clerk a moment ago is seen: two clerks closing, cancelling or moving one hearing at
    once make one change and send residents one notice, not two. (PostgreSQL locks the row;
    on SQLite a staff request writes under the database's write lock from its start.)"""
    db.session.execute(
        update(Hearing)
        .where(Hearing.id == hearing.id)
        .values(id=Hearing.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(hearing)


def _calendar_changed(hearing: Hearing) -> None:
    """Time, place or status changed: calendars holding the event replace it (RFC 5545
    SEQUENCE)."""
    hearing.calendar_sequence += 1
    db.session.flush()


def open_window(actor: StaffUser, hearing: Hearing, *, now: datetime) -> None:
    """Start taking testimony now; the deadline must still be ahead."""
    if hearing.cancelled_at is not None:
        raise BadWindow(_("Reinstate the hearing before opening testimony."))
    if hearing.testimony_closes_at <= now:
        raise BadWindow(_("The deadline has passed. Set a new deadline first (Edit)."))
    if hearing.testimony_opens_at > now:
        hearing.testimony_opens_at = now
    db.session.flush()
    audit.record(actor.audit_name, "hearing.opened", hearing, at=now)


def close_window(actor: StaffUser, hearing: Hearing, *, now: datetime) -> int:
    """Stop taking testimony now, keep the published deadline on record, and tell everyone
    with testimony on the hearing; return how many addresses are told."""
    _hold(hearing)
    if not hearing.is_accepting_testimony(now):
        raise BadWindow(_("Testimony is not open, so there is nothing to close."))
    hearing.published_closes_at = hearing.testimony_closes_at
    hearing.testimony_closes_at = now
    if hearing.speaker_signup_closes_at is None or hearing.speaker_signup_closes_at > now:
        hearing.speaker_signup_closes_at = now
    db.session.flush()
    told = tell_residents(hearing, "hearing_closed_early", now=now)
    audit.record(
        actor.audit_name,
        "hearing.closed",
        hearing,
        at=now,
        published=hearing.published_closes_at.isoformat(),
        told=told,
    )
    return told


def cancel_hearing(actor: StaffUser, hearing: Hearing, *, now: datetime) -> int:
    """Cancel the hearing and tell everyone with testimony on it; cancelling twice is
    harmless and tells no one again."""
    _hold(hearing)
    if hearing.cancelled_at is not None:
        return 0
    hearing.cancelled_at = now
    _calendar_changed(hearing)
    told = tell_residents(hearing, "hearing_cancelled", now=now)
    audit.record(actor.audit_name, "hearing.cancelled", hearing, at=now, told=told)
    _tell_followers(hearing, "cancelled")
    return told


def reinstate_hearing(actor: StaffUser, hearing: Hearing, *, now: datetime) -> int:
    """Undo a cancellation, and tell those who were told of it."""
    _hold(hearing)
    if hearing.cancelled_at is None:
        return 0
    hearing.cancelled_at = None
    _calendar_changed(hearing)
    told = tell_residents(hearing, "hearing_reinstated", now=now)
    audit.record(actor.audit_name, "hearing.reinstated", hearing, at=now, told=told)
    return told


# The job that tells the hearing's followers (app/following/notices.py registers it; hearings
# queue it by name, as they sit below that package).
FOLLOWERS_JOB = "following.hearing_changed"


def _tell_followers(hearing: Hearing, change: str, **facts: str) -> None:
    """Queue the followers' notice of a hearing scheduled, moved or cancelled; it is sent once
    this change commits."""
    # The calendar sequence tells one change from the next (moved there, back, and there again).
    payload = {"hearing_id": hearing.id, "change": change, "sequence": hearing.calendar_sequence}
    jobs.enqueue(FOLLOWERS_JOB, payload | facts)


NOTICE_SUBJECTS = {
    "hearing_closed_early": lambda h: _("Testimony closed early: %(title)s", title=h.title),
    "hearing_rescheduled": lambda h: _("Hearing rescheduled: %(title)s", title=h.title),
    "hearing_cancelled": lambda h: _("Hearing cancelled: %(title)s", title=h.title),
    "hearing_reinstated": lambda h: _("Hearing back on the calendar: %(title)s", title=h.title),
}


def count_residents(hearing: Hearing) -> int:
    """How many e-mail addresses have testimony or a speaking request on the hearing."""
    return _testimony().count_residents(hearing.id)


def tell_residents(hearing: Hearing, kind: str, *, now: datetime, **context) -> int:
    """Queue one e-mail of `kind` to each address with testimony (or a speaking request, which
    is part of it) on the hearing and not withdrawn, in the language the resident used.

    Queued in the caller's transaction: sent after it commits, never for a change rolled
    back. One message per address however many testimonies it sent; the latest testimony's
    language is the one used. Returns how many were queued."""
    rows = _testimony().resident_addresses(hearing.id)
    latest: dict[str, tuple[str, str | None]] = {}
    for email, key, language in rows:
        latest[key or email.lower()] = (email, language)
    config = current_app.config
    offered, fallback = config["LANGUAGES"], config["BABEL_DEFAULT_LOCALE"]
    by_language: dict[str, list[str]] = {}
    for email, language in latest.values():
        by_language.setdefault(language if language in offered else fallback, []).append(email)
    hearing_url = f"{config['BASE_URL'].rstrip('/')}/hearings/{hearing.id}"
    # The message names no one, so it is written once per language and sent to each address.
    for language, addresses in sorted(by_language.items()):
        with force_locale(language):
            outbox.queue_many(
                kind,
                to=addresses,
                subject=NOTICE_SUBJECTS[kind](hearing),
                hearing=hearing,
                hearing_url=hearing_url,
                now=now,
                **context,
            )
    return len(latest)
