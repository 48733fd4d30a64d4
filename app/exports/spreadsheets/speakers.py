"""The rows of the speaker list: the run sheet's speakers in speaking order with what
happened when each was called, or, before there is a run sheet, everyone who asked to speak
in the order they signed up."""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.exports.spreadsheets.rows import SheetRow
from app.hearings.models import Hearing, Measure
from app.platform.extensions import db
from app.platform.timezones import to_local
from app.speaking.models import Speaker, SpeakerStatus
from app.testimony.identity import undisputed
from app.testimony.models import ReviewStatus, SpeakingRequest, Testimony

# (heading, what the README says it holds) — the README's column table is built from these.
SPEAKER_COLUMNS = [
    ("Order", "Place in the speaking order once there is a run sheet; before, in sign-up order"),
    ("Tracking number", "The resident's tracking number; empty for a walk-in"),
    ("Signed up at", "When they asked to speak (testimony received, or walk-in added), local time"),
    ("Name", "Full name"),
    ("City or town", "City or town"),
    ("Organization", "Organization, if any"),
    ("Measure", "The measure's number"),
    ("Position", "support, oppose or neutral"),
    ("Speaking", "in_person or remote"),
    ("Interpreter", "The language an interpreter is needed for, if any"),
    ("Accessibility needs", "What the speaker asked for, if anything"),
    ("Status", "Review status of the written testimony; empty for a walk-in"),
    ("Walk-in", "yes for someone added on the day (at the door or the kiosk)"),
    (
        "Outcome",
        "spoke, no_show, speaking, waiting, waitlisted or cancelled; empty before a run sheet",
    ),
    ("Started at", "When they were called to speak, local time (YYYY-MM-DD HH:MM:SS)"),
    ("Time used", "How long they spoke, minutes:seconds"),
]

# Speakers who were called stay on the record whatever happened to their testimony since.
CALLED = (SpeakerStatus.SPEAKING, SpeakerStatus.SPOKE, SpeakerStatus.NO_SHOW)


def speaker_rows(hearing: Hearing, measure: Measure | None = None) -> Iterator[SheetRow]:
    """The speaker list of the hearing, or of one of its measures."""
    query = (
        select(Speaker)
        .where(Speaker.hearing_id == hearing.id)
        .options(
            joinedload(Speaker.testimony),
            joinedload(Speaker.interpreter),
            joinedload(Speaker.measure),
        )
        .order_by(Speaker.place.is_(None), Speaker.place, Speaker.signed_up_at, Speaker.id)
    )
    if measure is not None:
        query = query.where(Speaker.measure_id == measure.id)
    listed = db.session.scalars(query).unique().all()
    if listed or db.session.scalar(select(Speaker.id).where(Speaker.hearing_id == hearing.id)):
        yield from _run_sheet_rows(hearing, listed)
    else:
        yield from _sign_up_rows(hearing, measure)


def _run_sheet_rows(hearing: Hearing, listed: list[Speaker]) -> Iterator[SheetRow]:
    zone, locale = hearing.timezone, str(get_locale() or "en")
    order = 0
    for s in listed:
        t = s.testimony
        if t is not None and t.is_disputed and s.status not in CALLED:
            continue  # someone may have signed up in another person's name
        order += 1
        used = s.seconds_used
        yield SheetRow(
            (
                str(order),
                t.tracking_number if t else "",
                to_local(s.signed_up_at, zone).strftime("%Y-%m-%d %H:%M"),
                s.full_name,
                s.city,
                s.organization or "",
                s.measure.number,
                s.position.value,
                s.mode.value,
                s.interpreter_label(locale),
                (t.accessibility_need or "") if t else "",
                t.status.value if t else "",
                "yes" if s.is_walk_in else "",
                s.status.value,
                to_local(s.started_at, zone).strftime("%Y-%m-%d %H:%M:%S") if s.started_at else "",
                f"{used // 60}:{used % 60:02d}" if used is not None else "",
            )
        )


def _sign_up_rows(hearing: Hearing, measure: Measure | None) -> Iterator[SheetRow]:
    zone, locale = hearing.timezone, str(get_locale() or "en")
    query = (
        select(Testimony)
        .where(
            Testimony.hearing_id == hearing.id,
            Testimony.speaking_request != SpeakingRequest.NONE,
            Testimony.status != ReviewStatus.WITHDRAWN,
            undisputed(),  # someone may have signed up in another person's name
        )
        .options(joinedload(Testimony.measure), joinedload(Testimony.interpreter))
        .order_by(Testimony.received_at, Testimony.id)
    )
    if measure is not None:
        query = query.where(Testimony.measure_id == measure.id)
    for order, t in enumerate(db.session.scalars(query), start=1):
        yield SheetRow(
            (
                str(order),
                t.tracking_number,
                to_local(t.received_at, zone).strftime("%Y-%m-%d %H:%M"),
                t.full_name,
                t.city,
                t.organization or "",
                t.measure.number,
                t.position.value,
                t.speaking_request.value,
                t.interpreter_label(locale),
                t.accessibility_need or "",
                t.status.value,
                "",
                "",
                "",
                "",
            )
        )
