"""Before the hearing: the speaker list, its proposed order, hand adjustments and publication.

Every change to a hearing's speakers takes the run sheet's row lock first (`_lock`) and raises
its version, so concurrent changes (a resident cancelling while the clerk reorders, two staff
screens) are applied one after the other, each on what the one before left. Changes made from
a page the staff member was looking at also carry the version that page showed: if anything
moved since, they are refused (`StaleSheet`) rather than applied to a list nobody saw.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import StaffUser
from app.hearings.models import Hearing
from app.platform import audit, outbox
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.speaking.models import OrderRule, RunSheet, Speaker, SpeakerMode, SpeakerStatus
from app.speaking.ordering import propose
from app.testimony.identity import undisputed
from app.testimony.models import ReviewStatus, SpeakingRequest, Testimony

# Speakers are told a window that starts at their estimated turn and leaves this much for the
# hearing running late.
WINDOW_SLACK = timedelta(minutes=15)
RESIDENT = "resident"


class StaleSheet(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The speaker list changed on another screen since this page was shown. "
                "Nothing was changed: look at the list again and repeat the action."
            )
        )


class NotOnSheet(DomainError):
    def __init__(self) -> None:
        super().__init__(_("That speaker is not on this hearing's list."))


class AlreadyCalled(DomainError):
    def __init__(self) -> None:
        super().__init__(_("There is nothing to confirm: your turn has come or was cancelled."))


class Withdrawn(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("You withdrew this testimony, so its place to speak can no longer be confirmed.")
        )


class CannotCancel(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This place can no longer be cancelled: the speaker has been called."))


ACTIVE = (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING)


def run_sheet(hearing: Hearing) -> RunSheet:
    """The hearing's run sheet, made (unpublished, first come) the first time it is needed.

    Two first actions at once (two walk-ins on a hearing without a sheet) may both make it:
    the insert skips a row that is already there, and both then read the same sheet."""
    sheet = db.session.get(RunSheet, hearing.id)
    if sheet is None:
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(
            insert(RunSheet.__table__)
            .values(
                hearing_id=hearing.id,
                order_rule=OrderRule.FIRST_COME.value,
                officials_first=hearing.officials_first,
                group_interpreters=False,
                version=1,
                updated_at=hearing.created_at,
            )
            .on_conflict_do_nothing()
        )
        sheet = db.session.get(RunSheet, hearing.id)
    return sheet


def lock_sheet(
    hearing: Hearing, *, seen_version: int | None = None, now: datetime, moves: bool = True
) -> RunSheet:
    """Take the run sheet's row lock, check the version the actor saw, and raise it when the
    change `moves` the list (its order, who is waiting or speaking); a change that does not
    (a confirmation) leaves the consoles' pages current."""
    run_sheet(hearing)
    sheet = db.session.scalars(
        select(RunSheet)
        .where(RunSheet.hearing_id == hearing.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if seen_version is not None and seen_version != sheet.version:
        raise StaleSheet()
    if moves:
        sheet.version += 1
    sheet.updated_at = now
    return sheet


def speakers(hearing: Hearing) -> list[Speaker]:
    """Everyone on the hearing's list, in speaking order (unplaced last, by sign-up)."""
    return list(
        db.session.scalars(
            select(Speaker)
            .where(Speaker.hearing_id == hearing.id)
            .order_by(Speaker.place.is_(None), Speaker.place, Speaker.signed_up_at, Speaker.id)
            .execution_options(populate_existing=True)
        )
    )


def _copy_from(speaker: Speaker, testimony: Testimony) -> None:
    speaker.full_name = testimony.full_name
    speaker.organization = testimony.organization
    speaker.city = testimony.city
    speaker.measure_id = testimony.measure_id
    speaker.position = testimony.position
    speaker.mode = (
        SpeakerMode.REMOTE
        if testimony.speaking_request is SpeakingRequest.REMOTE
        else SpeakerMode.IN_PERSON
    )
    speaker.interpreter_language_id = testimony.interpreter_language_id
    speaker.interpreter_other = testimony.interpreter_language
    speaker.language = testimony.language


def bring_up_to_date(hearing: Hearing, *, now: datetime) -> list[Speaker]:
    """Add everyone who asked to speak since the list was last read, refresh what they said
    (an amendment may change it), and cancel those who withdrew, gave up speaking, were
    disputed or whose testimony was rejected. Newcomers join the end; beyond the hearing's
    maximum (or behind anyone already waiting for a place) they join the waitlist. Someone
    taken off who asks again later (an amendment, or a dispute a moderator set aside) comes
    back as a newcomer (cancelling one's own place also withdraws the request to speak, so
    asking again is an amendment too).
    Called with the run sheet locked. Returns the list in order."""
    listed = {s.testimony_id: s for s in speakers(hearing) if s.testimony_id is not None}
    wanted = db.session.scalars(
        select(Testimony)
        .where(
            Testimony.hearing_id == hearing.id,
            Testimony.speaking_request != SpeakingRequest.NONE,
            Testimony.status.not_in((ReviewStatus.WITHDRAWN, ReviewStatus.REJECTED)),
            undisputed(),
        )
        .order_by(Testimony.received_at, Testimony.id)
    ).all()
    wanted_ids = {t.id for t in wanted}
    for testimony_id, speaker in listed.items():
        if testimony_id not in wanted_ids and speaker.status in (
            SpeakerStatus.WAITING,
            SpeakerStatus.WAITLISTED,
        ):
            _cancel(speaker, now=now)
            audit.record(audit.SYSTEM, "speaker.cancelled", speaker, at=now, reason="request")
    fill_places(hearing, run_sheet(hearing), now=now)
    everyone = speakers(hearing)
    last = max((s.place or 0 for s in everyone), default=0)
    for testimony in wanted:
        speaker = listed.get(testimony.id)
        asks_again = speaker is not None and _asks_again(speaker, testimony)
        if speaker is None or asks_again:
            if speaker is None:
                speaker = Speaker(hearing_id=hearing.id, testimony_id=testimony.id)
                speaker.signed_up_at = testimony.received_at
                speaker.is_official = False
                db.session.add(speaker)
                everyone.append(speaker)
            else:  # back at the end, as a newcomer
                speaker.cancelled_at = None
                speaker.confirmed_at = None
                speaker.told_signature = None
            speaker.status = SpeakerStatus.WAITING
            _copy_from(speaker, testimony)
            if last or any(s.place for s in everyone):
                last += 1
                speaker.place = last
            if must_wait(hearing, everyone, speaker):
                speaker.status = SpeakerStatus.WAITLISTED
        elif not speaker.status.is_done:
            _copy_from(speaker, testimony)
    db.session.flush()
    everyone = speakers(hearing)
    if any(s.place for s in everyone):
        place_waiting(everyone, [s for s in everyone if s.status is SpeakerStatus.WAITING])
    return everyone


def _asks_again(speaker: Speaker, testimony: Testimony) -> bool:
    """Taken off the list, and the testimony changed since in a way that asks again."""
    if speaker.status is not SpeakerStatus.CANCELLED or speaker.cancelled_at is None:
        return False
    changes = [t for t in (testimony.updated_at, testimony.dispute_kept_at) if t is not None]
    return bool(changes) and max(changes) > speaker.cancelled_at


def must_wait(hearing: Hearing, everyone: Sequence[Speaker], newcomer: Speaker) -> bool:
    """A newcomer (a late sign-up, a walk-in) joins the waitlist when the hearing is full or
    anyone is already waiting there: nobody jumps ahead of the waitlist."""
    if newcomer.is_official:
        return False
    waitlisted = any(s.status is SpeakerStatus.WAITLISTED for s in everyone if s is not newcomer)
    return waitlisted or not has_room(hearing, everyone, newcomer)


def has_room(hearing: Hearing, everyone: Sequence[Speaker], newcomer: Speaker) -> bool:
    if hearing.max_speakers is None or newcomer.is_official:
        return True
    taken = sum(
        1
        for s in everyone
        if s is not newcomer and not s.is_official and s.status not in GAVE_UP_PLACE
    )
    return taken < hearing.max_speakers


# Speakers who hold no place against the maximum: waiting for one, or gone without speaking.
GAVE_UP_PLACE = (SpeakerStatus.WAITLISTED, SpeakerStatus.CANCELLED, SpeakerStatus.NO_SHOW)


def fill_places(hearing: Hearing, sheet: RunSheet, *, now: datetime) -> list[Speaker]:
    """Move the first on the waitlist up while the hearing has room: after a cancellation,
    a withdrawal or a no-show. Once the order is published, each is told by e-mail.
    Called with the run sheet locked; returns who moved up."""
    everyone = speakers(hearing)
    moved = []
    for speaker in [s for s in everyone if s.status is SpeakerStatus.WAITLISTED]:
        if not has_room(hearing, everyone, speaker):
            continue  # full for residents; an official further down still moves up
        speaker.status = SpeakerStatus.WAITING
        moved.append(speaker)
        audit.record(audit.SYSTEM, "speaker.moved_up", speaker, at=now)
    place_waiting(everyone, [s for s in everyone if s.status is SpeakerStatus.WAITING])
    estimate_windows(hearing, sheet, now=now)
    if sheet.published_at is not None:
        for speaker in moved:
            if speaker.testimony is not None:
                _tell(hearing, speaker, "speaker_moved_up")
                speaker.told_signature = _signature(hearing, speaker)
    return moved


def _cancel(speaker: Speaker, *, now: datetime) -> None:
    speaker.status = SpeakerStatus.CANCELLED
    speaker.cancelled_at = now
    speaker.place = None


def _renumber(ordered: Sequence[Speaker]) -> None:
    for place, speaker in enumerate(ordered, start=1):
        speaker.place = place


def refresh(actor: StaffUser, hearing: Hearing, *, now: datetime) -> RunSheet:
    """Bring the list up to date with the sign-ups (on opening the run sheet page)."""
    sheet = lock_sheet(hearing, now=now)
    everyone = bring_up_to_date(hearing, now=now)
    estimate_windows(hearing, sheet, now=now)
    audit.record(actor.audit_name, "run_sheet.refreshed", hearing, at=now, speakers=len(everyone))
    return sheet


def propose_order(
    actor: StaffUser,
    hearing: Hearing,
    *,
    rule: OrderRule,
    officials_first: bool,
    group_interpreters: bool,
    seen_version: int,
    now: datetime,
) -> RunSheet:
    """Order everyone not yet called by the chosen rules; the maximum admits the earliest
    sign-ups (officials are not counted against it) and the rest wait in sign-up order."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    everyone = bring_up_to_date(hearing, now=now)
    done = [s for s in everyone if s.status.is_done or s.status is SpeakerStatus.SPEAKING]
    waiting = [s for s in everyone if s not in done]
    by_sign_up = sorted(waiting, key=lambda s: (s.signed_up_at, s.id))
    admitted: list[Speaker] = []
    waitlist: list[Speaker] = []
    room = hearing.max_speakers
    if room is not None:  # those already heard hold their places
        room -= sum(1 for s in done if not s.is_official and s.status not in GAVE_UP_PLACE)
    for speaker in by_sign_up:
        if (
            speaker.is_official
            or room is None
            or len([a for a in admitted if not a.is_official]) < room
        ):
            admitted.append(speaker)
        else:
            waitlist.append(speaker)
    agenda = [m.id for m in hearing.measures]
    ordered = propose(
        admitted,
        rule=rule,
        officials_first=officials_first,
        group_interpreters=group_interpreters,
        agenda=agenda,
    )
    for speaker in ordered:
        speaker.status = SpeakerStatus.WAITING
    for speaker in waitlist:
        speaker.status = SpeakerStatus.WAITLISTED
    started = [s for s in done if s.status is not SpeakerStatus.CANCELLED]
    _renumber([*sorted(started, key=lambda s: s.place or 0), *ordered, *waitlist])
    for speaker in done:
        if speaker.status is SpeakerStatus.CANCELLED:
            speaker.place = None
    sheet.order_rule = rule
    sheet.officials_first = officials_first
    sheet.group_interpreters = group_interpreters
    estimate_windows(hearing, sheet, now=now)
    audit.record(
        actor.audit_name,
        "run_sheet.proposed",
        hearing,
        at=now,
        rule=rule.value,
        officials_first=officials_first,
        group_interpreters=group_interpreters,
        speakers=len(ordered),
        waitlisted=len(waitlist),
    )
    return sheet


def reorder(
    actor: StaffUser,
    hearing: Hearing,
    speaker_ids: Sequence[int],
    *,
    seen_version: int,
    now: datetime,
) -> RunSheet:
    """Put the waiting speakers in the given order (drag and drop sends the whole list).
    The ids must be exactly the speakers waiting their turn."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    everyone = speakers(hearing)
    waiting = [s for s in everyone if s.status is SpeakerStatus.WAITING]
    by_id = {s.id: s for s in waiting}
    if sorted(speaker_ids) != sorted(by_id) or len(set(speaker_ids)) != len(speaker_ids):
        raise StaleSheet()
    place_waiting(everyone, [by_id[i] for i in speaker_ids])
    estimate_windows(hearing, sheet, now=now)
    audit.record(actor.audit_name, "run_sheet.reordered", hearing, at=now, order=list(speaker_ids))
    return sheet


def move(
    actor: StaffUser,
    hearing: Hearing,
    speaker_id: int,
    *,
    steps: int,
    seen_version: int,
    now: datetime,
) -> RunSheet:
    """Move a waiting speaker up (negative steps) or down among those waiting."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    everyone = speakers(hearing)
    waiting = [s for s in everyone if s.status is SpeakerStatus.WAITING]
    index = next((i for i, s in enumerate(waiting) if s.id == speaker_id), None)
    if index is None:
        raise NotOnSheet()
    target = max(0, min(len(waiting) - 1, index + steps))
    speaker = waiting.pop(index)
    waiting.insert(target, speaker)
    place_waiting(everyone, waiting)
    estimate_windows(hearing, sheet, now=now)
    audit.record(
        actor.audit_name, "speaker.moved", speaker, at=now, place_from=index + 1, to=target + 1
    )
    return sheet


def place_waiting(everyone: Sequence[Speaker], waiting: Sequence[Speaker]) -> None:
    """Number the list: those already called, then the waiting in this order, then the
    waitlist; cancelled speakers have no place."""
    called = [
        s
        for s in everyone
        if s.status in (SpeakerStatus.SPOKE, SpeakerStatus.NO_SHOW, SpeakerStatus.SPEAKING)
    ]
    waitlist = [s for s in everyone if s.status is SpeakerStatus.WAITLISTED]
    _renumber([*called, *waiting, *waitlist])


@dataclass(frozen=True)
class SpeakerDetails:
    is_official: bool
    remote_link: str | None


def update_speaker(
    actor: StaffUser,
    hearing: Hearing,
    speaker_id: int,
    details: SpeakerDetails,
    *,
    now: datetime,
) -> Speaker:
    """Mark a speaker as a public official, or give them a join link of their own."""
    sheet = lock_sheet(hearing, now=now)
    speaker = speaker_of(hearing, speaker_id)
    changed = {}
    if speaker.is_official != details.is_official:
        changed["is_official"] = details.is_official
    if (speaker.remote_link or None) != (details.remote_link or None):
        changed["remote_link"] = "set" if details.remote_link else "removed"
    speaker.is_official = details.is_official
    speaker.remote_link = details.remote_link or None
    if changed:
        audit.record(actor.audit_name, "speaker.updated", speaker, at=now, **changed)
    if "is_official" in changed:
        # An official holds no place against the maximum: one may move up, or free one.
        fill_places(hearing, sheet, now=now)
    return speaker


def speaker_of(hearing: Hearing, speaker_id: int) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id, populate_existing=True)
    if speaker is None or speaker.hearing_id != hearing.id:
        raise NotOnSheet()
    return speaker


def estimate_windows(hearing: Hearing, sheet: RunSheet, *, now: datetime) -> None:
    """Each waiting speaker's estimated turn: from the hearing's start, or once speaking has
    begun from now (or the end of the current speaker's time), plus the minutes of everyone
    before them."""
    minutes = timedelta(minutes=hearing.speaker_minutes)
    turn = hearing.starts_at
    if sheet.floor_opened_at is not None:
        turn = max(turn, now)
    for speaker in speakers(hearing):
        if speaker.status is SpeakerStatus.SPEAKING and speaker.started_at is not None:
            turn = max(turn, speaker.started_at + minutes)
        elif speaker.status is SpeakerStatus.WAITING:
            speaker.window_starts_at = turn
            speaker.window_ends_at = turn + minutes + WINDOW_SLACK
            turn += minutes
        elif speaker.status is SpeakerStatus.WAITLISTED:
            speaker.window_starts_at = None
            speaker.window_ends_at = None


def _signature(hearing: Hearing, speaker: Speaker) -> str:
    told = "|".join(
        str(part)
        for part in (
            speaker.status.value,
            speaker.place,
            speaker.window_starts_at,
            speaker.mode.value,
            speaker.remote_link or hearing.remote_url,
            hearing.remote_pin,
            hearing.location,
            hearing.starts_at,
        )
    )
    return hashlib.sha256(told.encode()).hexdigest()


def publish(actor: StaffUser, hearing: Hearing, *, seen_version: int, now: datetime) -> int:
    """Publish the run sheet: each speaker with an e-mail address whose place, window or way
    of joining changed since they were last told gets a notice in their language. Returns
    how many were told."""
    sheet = lock_sheet(hearing, seen_version=seen_version, now=now)
    everyone = bring_up_to_date(hearing, now=now)
    estimate_windows(hearing, sheet, now=now)
    sheet.published_at = now
    # Their testimonies (e-mail address, receipt) in one query, not one per speaker.
    db.session.scalars(
        select(Testimony).where(
            Testimony.id.in_([s.testimony_id for s in everyone if s.testimony_id])
        )
    ).all()
    told = 0
    # Each waitlisted speaker's number, counted once for the whole publication.
    waitlisted = [s.id for s in everyone if s.status is SpeakerStatus.WAITLISTED]
    waitlist = {speaker_id: number for number, speaker_id in enumerate(waitlisted, start=1)}
    for speaker in everyone:
        if speaker.status not in (SpeakerStatus.WAITING, SpeakerStatus.WAITLISTED):
            continue
        signature = _signature(hearing, speaker)
        if speaker.told_signature == signature or speaker.testimony is None:
            continue
        _tell(hearing, speaker, "speaker_place", waitlist_number=waitlist.get(speaker.id))
        speaker.told_signature = signature
        told += 1
    audit.record(actor.audit_name, "run_sheet.published", hearing, at=now, told=told)
    return told


def place_token(speaker: Speaker) -> str:
    """The secret of a speaker's own link: keyed by the application's secret and their
    testimony's receipt, so it is the same in every notice and needs nothing stored."""
    secret = current_app.config["SECRET_KEY"].encode()
    receipt = speaker.testimony.receipt_token_hash if speaker.testimony else ""
    message = f"speaker-place:{speaker.id}:{receipt}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def place_link(speaker: Speaker) -> str:
    # Built from BASE_URL, not the request: publishing may run where there is none (a command).
    base = current_app.config["BASE_URL"].rstrip("/")
    return f"{base}/speaking/{speaker.id}/{place_token(speaker)}"


SUBJECTS = {
    "speaker_place": lambda h: _("Your place to speak: %(title)s", title=h.title),
    "speaker_moved_up": lambda h: _("A place to speak opened for you: %(title)s", title=h.title),
}


def _tell(
    hearing: Hearing, speaker: Speaker, kind: str, *, waitlist_number: int | None = None
) -> None:
    config = current_app.config
    language = speaker.language if speaker.language in config["LANGUAGES"] else None
    with force_locale(language or config["BABEL_DEFAULT_LOCALE"]):
        outbox.queue(
            kind,
            # Their own address, or the organisation's that sent their testimony without one.
            to=speaker.testimony.mail_address,
            subject=SUBJECTS[kind](hearing),
            hearing=hearing,
            speaker=speaker,
            waitlist_number=waitlist_number,
            manage_url=place_link(speaker),
            join_url=speaker.remote_link or hearing.remote_url,
        )


def speaker_by_link(speaker_id: int, token: str) -> Speaker | None:
    """The speaker a notice's link is for; None for any other id or token."""
    speaker = db.session.get(Speaker, speaker_id)
    if speaker is None or speaker.testimony is None:
        return None
    return speaker if hmac.compare_digest(place_token(speaker), token) else None


def speaker_for_testimony(testimony_id: int) -> Speaker | None:
    return db.session.scalar(select(Speaker).where(Speaker.testimony_id == testimony_id))


def confirm_place(speaker: Speaker, *, now: datetime) -> None:
    """The speaker says they will come."""
    lock_sheet(speaker.hearing, now=now, moves=False)
    db.session.refresh(speaker)
    # A withdrawal reaches the run sheet only when the clerk next takes changes in, so the
    # place can still be waiting here; confirming it would promise a turn to nobody.
    if speaker.testimony is not None and speaker.testimony.status is ReviewStatus.WITHDRAWN:
        raise Withdrawn()
    if speaker.status not in (SpeakerStatus.WAITING, SpeakerStatus.WAITLISTED):
        raise AlreadyCalled()
    speaker.confirmed_at = now
    audit.record(RESIDENT, "speaker.confirmed", speaker, at=now)


def cancel_place(speaker: Speaker, *, now: datetime) -> Speaker | None:
    """The speaker gives up their place; the first on the waitlist moves up and is told.
    Returns who moved up, if anyone."""
    hearing = speaker.hearing
    sheet = lock_sheet(hearing, now=now)
    db.session.refresh(speaker)
    if speaker.status is SpeakerStatus.CANCELLED:
        return None
    if speaker.status not in (SpeakerStatus.WAITING, SpeakerStatus.WAITLISTED):
        raise CannotCancel()
    _cancel(speaker, now=now)
    if speaker.testimony is not None:
        # The receipt then says they no longer ask to speak; amending can ask again.
        speaker.testimony.speaking_request = SpeakingRequest.NONE
    audit.record(RESIDENT, "speaker.cancelled", speaker, at=now)
    moved = fill_places(hearing, sheet, now=now)
    return moved[0] if moved else None


def changes_waiting(hearing: Hearing) -> int:
    """How many sign-ups, withdrawals, cancelled requests or requests made again the list
    has not taken in yet."""
    wanted = {
        testimony_id: max(t for t in (updated_at, kept_at) if t is not None)
        for testimony_id, updated_at, kept_at in db.session.execute(
            select(Testimony.id, Testimony.updated_at, Testimony.dispute_kept_at).where(
                Testimony.hearing_id == hearing.id,
                Testimony.speaking_request != SpeakingRequest.NONE,
                Testimony.status.not_in((ReviewStatus.WITHDRAWN, ReviewStatus.REJECTED)),
                undisputed(),
            )
        )
    }
    listed = db.session.execute(
        select(Speaker.testimony_id, Speaker.status, Speaker.cancelled_at).where(
            Speaker.hearing_id == hearing.id, Speaker.testimony_id.is_not(None)
        )
    ).all()
    on_list = {testimony_id for testimony_id, _status, _cancelled in listed}
    gone = sum(
        1
        for testimony_id, status, _cancelled in listed
        if testimony_id not in wanted
        and status in (SpeakerStatus.WAITING, SpeakerStatus.WAITLISTED)
    )
    again = sum(
        1
        for testimony_id, status, cancelled in listed
        if status is SpeakerStatus.CANCELLED
        and testimony_id in wanted
        and cancelled is not None
        and wanted[testimony_id] > cancelled
    )
    return len(wanted.keys() - on_list) + gone + again


@dataclass(frozen=True)
class Place:
    """A speaker and whether the order they were given has been published."""

    speaker: Speaker
    published: bool


def place_of(speaker: Speaker | None) -> Place | None:
    if speaker is None:
        return None
    sheet = db.session.get(RunSheet, speaker.hearing_id)
    return Place(speaker, published=bool(sheet and sheet.published_at))
