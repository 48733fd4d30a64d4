"""Accept, amend and withdraw testimony. Callers commit; these functions only flush."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.hearings.models import (
    Committee,
    Hearing,
    HearingStatus,
    InterpreterLanguage,
    Measure,
    hearing_measures,
)
from app.organisations.models import Organisation
from app.platform import audit, jobs, outbox
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.platform.storage import file_store
from app.platform.transaction import after_commit
from app.testimony import held_uploads, identity, tallies, wording, write_guard
from app.testimony.models import (
    Attachment,
    Position,
    ReviewStatus,
    SpeakingRequest,
    Testimony,
    TestimonyMeasure,
    TestimonyVersion,
    resident_language,
)
from app.testimony.submissions import Amendment, Interpreter, Stance, Submission, Upload

# No 0/O, 1/I/L or U: easy to read aloud over the phone to a clerk.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
# The job that puts a testimony in the campaign of its closest copy: campaigns handle it
# (app/campaigns/placement.py), so testimony names it without importing them.
PLACEMENT_JOB = "campaigns.place"
# Organisations a resident names as endorsing their testimony are endorsements, a package above
# this one (app/endorsements): the app hands over how they are written (create_app), and these
# services call it, so they stay the one place that writes what a resident sent.
NAMED_ENDORSEMENTS = "opentestimony.named_endorsements"


class NamedEndorsements(Protocol):
    def record(self, testimony_id: int, names: Sequence[str], *, now: datetime) -> None: ...

    def names(self, testimony_id: int) -> list[str]: ...

    def differ(self, testimony_id: int, given: Sequence[str]) -> bool: ...

    def replace(self, testimony_id: int, given: Sequence[str], *, now: datetime) -> bool: ...


def named_endorsements() -> NamedEndorsements:
    return current_app.extensions[NAMED_ENDORSEMENTS]


class WindowClosed(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("The deadline for testimony on this hearing has passed, so we could not accept it.")
        )


class HearingCancelled(WindowClosed):
    def __init__(self) -> None:
        DomainError.__init__(
            self, _("This hearing has been cancelled. Testimony is not being accepted.")
        )


class NotOpenYet(WindowClosed):
    def __init__(self) -> None:
        DomainError.__init__(self, _("Testimony on this hearing has not opened yet."))


def refusal(hearing: Hearing, now: datetime) -> WindowClosed:
    """Why a hearing is not taking testimony now, in words that fit its state."""
    status = hearing.status(now)
    if status is HearingStatus.CANCELLED:
        return HearingCancelled()
    if status is HearingStatus.SCHEDULED:
        return NotOpenYet()
    return WindowClosed()


class SpeakerSignupClosed(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Sign-up to speak at this hearing has closed. "
                "You can still submit written testimony."
            )
        )


class NoRemoteOption(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("This hearing has no remote option. Choose to speak in person, or not to speak.")
        )


class NoInPersonOption(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Speakers take part remotely at this hearing. "
                "Choose to speak remotely, or not to speak."
            )
        )


class UnknownInterpreterLanguage(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Choose an interpreter language from the list, or choose “Other” and say "
                "which language."
            )
        )


class UnknownMeasure(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Choose one of the measures on this hearing's agenda."))


class TestimonyLocked(DomainError):
    def __init__(self) -> None:
        super().__init__(_("This testimony can no longer be changed."))


class TestimonyWithdrawn(TestimonyLocked):
    def __init__(self) -> None:
        DomainError.__init__(
            self, _("You withdrew this testimony, so it can no longer be amended or withdrawn.")
        )


class SpeakingChangeClosed(SpeakerSignupClosed):
    """After the sign-up cut-off a speaker keeps the way they asked to speak, or gives it up."""

    def __init__(self) -> None:
        DomainError.__init__(
            self,
            _(
                "Sign-up to speak at this hearing has closed, so you can no longer change how "
                "you take part. You can keep your request to speak as it is, or choose not to "
                "speak."
            ),
        )


class AttachmentGone(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "That attachment is no longer on your testimony. Nothing was changed: check "
                "the list."
            )
        )


class WithdrawnMeanwhile(TestimonyLocked):
    def __init__(self) -> None:
        DomainError.__init__(
            self, _("This testimony was withdrawn meanwhile, so it can no longer be changed.")
        )


class AmendedMeanwhile(DomainError):
    """The resident's page was built from an earlier version (another tab, a double send)."""

    def __init__(self, *, withdrawing: bool = False) -> None:
        if withdrawing:
            message = _(
                "Your testimony was amended meanwhile, so nothing was withdrawn. Check what it "
                "says now, and withdraw it again if you still want to."
            )
        else:
            message = _(
                "Your testimony was changed in another window while this page was open, so "
                "nothing was changed now. Check what it says and amend it again if needed."
            )
        super().__init__(message)


@dataclass(frozen=True)
class Receipt:
    """A stored testimony's id and its receipt token (the link's secret)."""

    testimony_id: int
    token: str

    @property
    def testimony(self) -> Testimony:
        """The stored testimony, loaded on first use (the submission itself never needs it)."""
        return db.session.get(Testimony, self.testimony_id)


def new_tracking_number(prefix: str = "OT") -> str:
    """A fresh tracking number: "OT-…" for testimony (sign-ins pass their own prefix)."""
    chars = [secrets.choice(TRACKING_ALPHABET) for _ in range(8)]
    return f"{prefix}-{''.join(chars[:4])}-{''.join(chars[4:])}"


def receipt_token_for(hearing_id: int, submission_key: str) -> str:
    """Derive the receipt token from the form's key, so a resubmitted form gets the same link."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"receipt:{hearing_id}:{submission_key}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_by_receipt_token(token: str) -> Testimony | None:
    """The testimony this receipt link opens, with what its pages show of it (hearing,
    committee, body, measure, files, earlier versions) in one query: six lazy loads cost more
    than the rest of the receipt page."""
    if not (20 <= len(token) <= 64):
        return None
    return (
        db.session.execute(_BY_RECEIPT, {"token_hash": hash_token(token)})
        .unique()
        .scalar_one_or_none()
    )


_BY_RECEIPT = (
    select(Testimony)
    .options(
        joinedload(Testimony.hearing).joinedload(Hearing.committee).joinedload(Committee.body),
        joinedload(Testimony.measure),
        joinedload(Testimony.stances).joinedload(TestimonyMeasure.measure),
        joinedload(Testimony.attachments),
        joinedload(Testimony.versions),
    )
    .where(Testimony.receipt_token_hash == bindparam("token_hash"))
)


def already_stored(hearing: Hearing, submission_key: str) -> bool:
    """Whether this form was stored before (a retry or double click gets its receipt again)."""
    if not submission_key:
        return False
    # The id only: asked on every submission, and usually for nothing.
    return _stored_id(hearing.id, submission_key) is not None


def _on_agenda(hearing: Hearing, measure_id: int) -> bool:
    """Whether the measure is on the hearing's agenda as stored now, not as loaded when the
    form was read: a clerk may have taken it off since. On PostgreSQL the agenda row is
    share-locked until the commit, so a clerk's removal waits for this testimony and then sees
    it (app/hearings/services.py refuses to drop a measure with testimony)."""
    if measure_id not in {measure.id for measure in hearing.measures}:
        return False
    on_agenda = db.session.scalar(_ON_AGENDA, {"hearing_id": hearing.id, "measure_id": measure_id})
    return on_agenda is not None


_ON_AGENDA = (
    select(hearing_measures.c.measure_id)
    .where(
        hearing_measures.c.hearing_id == bindparam("hearing_id"),
        hearing_measures.c.measure_id == bindparam("measure_id"),
    )
    .with_for_update(read=True)
)


def _all_on_agenda(hearing: Hearing, measure_ids: list[int]) -> bool:
    """Whether every one of these measures is on the agenda as stored now (as _on_agenda, with
    one query for them all)."""
    if len(measure_ids) == 1:
        return _on_agenda(hearing, measure_ids[0])
    if not set(measure_ids) <= {measure.id for measure in hearing.measures}:
        return False
    found = db.session.scalars(
        _ALL_ON_AGENDA, {"hearing_id": hearing.id, "measure_ids": measure_ids}
    ).all()
    return set(found) == set(measure_ids)


_ALL_ON_AGENDA = (
    select(hearing_measures.c.measure_id)
    .where(
        hearing_measures.c.hearing_id == bindparam("hearing_id"),
        hearing_measures.c.measure_id.in_(bindparam("measure_ids", expanding=True)),
    )
    .with_for_update(read=True)
)


def in_agenda_order(hearing: Hearing, stances: tuple[Stance, ...]) -> list[Stance]:
    """The measures addressed in agenda order, each once; UnknownMeasure for a measure named
    twice or not on the agenda as loaded (the first of them is the testimony's main measure)."""
    order = {measure.id: index for index, measure in enumerate(hearing.measures)}
    ids = [measure_id for measure_id, _position in stances]
    if not ids or len(set(ids)) != len(ids) or not set(ids) <= order.keys():
        raise UnknownMeasure()
    return sorted(
        ((measure_id, Position(position)) for measure_id, position in stances),
        key=lambda stance: order[stance[0]],
    )


def _check_content(
    hearing: Hearing,
    measure_ids: list[int],
    speaking: SpeakingRequest,
    *,
    now: datetime,
    already: SpeakingRequest = SpeakingRequest.NONE,
) -> None:
    if not hearing.is_accepting_testimony(now):
        raise refusal(hearing, now)
    if not _all_on_agenda(hearing, measure_ids):
        raise UnknownMeasure()
    wants_new_slot = speaking is not SpeakingRequest.NONE and speaking is not already
    if wants_new_slot and not hearing.is_accepting_speakers(now):
        if already is not SpeakingRequest.NONE:
            raise SpeakingChangeClosed()  # in person to remote, or back: a new slot too
        raise SpeakerSignupClosed()
    if (
        speaking is SpeakingRequest.REMOTE
        and not hearing.has_remote_option
        and already is not speaking
    ):
        raise NoRemoteOption()
    if (
        speaking is SpeakingRequest.IN_PERSON
        and not hearing.has_in_person_option
        and already is not speaking
    ):
        raise NoInPersonOption()


def _check_interpreter(hearing: Hearing, language_id: int | None) -> None:
    """A listed language must be on the list of the hearing's body, as stored now. On
    PostgreSQL its row is key-share locked until the commit, so a clerk removing it at this
    moment waits and then finds it in use (app/hearings/languages.py)."""
    if language_id is None:
        return
    listed = db.session.scalar(
        _LISTED_LANGUAGE, {"language_id": language_id, "body_id": hearing.committee.body_id}
    )
    if listed is None:
        raise UnknownInterpreterLanguage()


_LISTED_LANGUAGE = (
    select(InterpreterLanguage.id)
    .where(
        InterpreterLanguage.id == bindparam("language_id"),
        InterpreterLanguage.body_id == bindparam("body_id"),
    )
    .with_for_update(read=True, key_share=True)
)


def _attach(testimony: Testimony, uploads: tuple[Upload, ...], *, now: datetime) -> None:
    store = file_store()
    for upload in uploads:
        testimony.attachments.append(
            Attachment(
                original_name=upload.filename,
                content_type="application/pdf",
                size_bytes=len(upload.pdf.data),
                sha256=store.put(upload.pdf.data),
                page_count=upload.pdf.page_count,
                uploaded_at=now,
            )
        )


def submit_testimony(
    hearing: Hearing, sub: Submission, *, now: datetime, known_new: bool = False
) -> Receipt:
    """Record a resident's testimony and queue their receipt; the same form twice gives one.

    known_new: the caller has just looked the form's key up (already_stored) and found
    nothing, so it is not looked up again; a copy stored since is still caught by the key's
    unique constraint and gets its receipt.

    Every row is written with a plain INSERT rather than through the ORM: this runs on every
    submission, and the ORM's objects, savepoint and flushes cost several times the
    statements (docs/benchmarks.md, "Where a submission's time goes")."""
    token = receipt_token_for(hearing.id, sub.submission_key)
    existing = None if known_new else _stored_id(hearing.id, sub.submission_key)
    if existing is not None:
        return Receipt(existing, token)
    stances = in_agenda_order(hearing, sub.stances)
    _check_content(hearing, [m for m, _p in stances], sub.speaking_request, now=now)
    _check_interpreter(hearing, sub.interpreter_language_id)

    row = _new_row(hearing, sub, token, now)
    row["measure_id"], row["position"] = stances[0]  # the main measure
    testimony_id = _insert_row(row)
    if testimony_id is None:
        # A concurrent request carrying the same form (a double click) stored it first.
        return Receipt(_stored_id(hearing.id, sub.submission_key), token)
    row["id"] = testimony_id
    _insert_stances(testimony_id, stances)
    if sub.endorsed_by:
        named_endorsements().record(testimony_id, sub.endorsed_by, now=now)
    if sub.uploads:
        _attach_rows(testimony_id, sub.uploads, now=now)
    # Hearing-wide, a testimony counts once, under its main measure's position.
    tallies.count_new(
        db.session(), hearing.id, tallies.key_of(ReviewStatus.PENDING, row["position"], None)
    )
    # Into the campaign of its closest copy, right after the commit.
    jobs.enqueue(PLACEMENT_JOB, {"testimony_id": testimony_id})
    # What the receipt e-mail and the audit row are about: the stored row, never added to
    # the session (it is not the ORM's to write).
    testimony = Testimony(**row)
    measures = {measure.id: measure for measure in hearing.measures}
    set_committed_value(testimony, "hearing", hearing)
    set_committed_value(testimony, "measure", measures[row["measure_id"]])
    set_committed_value(testimony, "stances", _stance_objects(testimony, stances, measures))
    set_committed_value(testimony, "organisation", _sender(sub.organisation_id))
    audit.record(audit.RESIDENT, "testimony.submitted", testimony, at=now, **_how_sent(sub))
    _queue_mail("testimony_received", testimony, token, hearing=hearing)
    return Receipt(testimony_id, token)


def _how_sent(sub: Submission) -> dict:
    """What the audit row says of how it came: marked as automated-looking, or sent by an
    organisation through the API."""
    how = {}
    if sub.quarantine_reason is not None:
        how["quarantine"] = sub.quarantine_reason.value
    if sub.organisation_id is not None:
        how["organisation_id"] = sub.organisation_id
    return how


def _stance_objects(
    testimony: Testimony, stances: list[Stance], measures: dict[int, Measure]
) -> list[TestimonyMeasure]:
    """The stored rows as objects for the receipt e-mail, never added to the session."""
    objects = []
    for measure_id, position in stances:
        stance = TestimonyMeasure(
            testimony_id=testimony.id, measure_id=measure_id, position=position
        )
        set_committed_value(stance, "measure", measures[measure_id])
        objects.append(stance)
    return objects


_INSERT_STANCES = insert(TestimonyMeasure.__table__)


def _insert_stances(testimony_id: int, stances: list[Stance]) -> None:
    """The measures a testimony addresses, with their positions: one statement for all."""
    db.session.execute(
        _INSERT_STANCES,
        [
            {"testimony_id": testimony_id, "measure_id": measure_id, "position": position}
            for measure_id, position in stances
        ],
    )


def _new_row(hearing: Hearing, sub: Submission, token: str, now: datetime) -> dict:
    """The new testimony's columns, as the model would set them."""
    return {
        "hearing_id": hearing.id,
        "measure_id": sub.measure_id,
        "receipt_token_hash": hash_token(token),
        "submission_key": sub.submission_key,
        "full_name": sub.full_name,
        "name_key": sub.full_name.lower(),
        "email": sub.email,
        "email_key": sub.email.lower(),
        "street_address": sub.street_address,
        "city": sub.city,
        "zip_code": sub.zip_code,
        "organization": sub.organization,
        "speaks_for_organization": sub.speaks_for_organization,
        "public_record_acknowledged": sub.public_record_acknowledged,
        "position": sub.position,
        "body": sub.body,
        "speaking_request": sub.speaking_request,
        "interpreter_language_id": sub.interpreter_language_id,
        # "Other, say which": unused when a listed language was chosen.
        "interpreter_language": (
            None if sub.interpreter_language_id is not None else sub.interpreter_language
        ),
        "accessibility_need": sub.accessibility_need,
        "status": ReviewStatus.PENDING,
        "rejection_reason": None,
        "quarantine_reason": sub.quarantine_reason,
        "wording_key": wording.fingerprint(sub.body),
        "kept_apart": False,
        "version": 1,
        "received_at": now,
        "updated_at": now,
        "language": resident_language(),
        "organisation_id": sub.organisation_id,
        "external_reference": sub.external_reference,
    }


_TESTIMONIES = Testimony.__table__
_INSERT_TESTIMONY = {
    # Either unique key taken (the tracking number, or this form already stored) inserts
    # nothing and returns no id; no savepoint to undo a failed insert.
    name: insert(_TESTIMONIES).on_conflict_do_nothing().returning(_TESTIMONIES.c.id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def _insert_row(row: dict, attempts: int = 5) -> int | None:
    """Insert with a fresh tracking number: the new id, or None when the same form is
    already stored."""
    statement = _INSERT_TESTIMONY[db.session.get_bind().dialect.name]
    for _attempt in range(attempts):
        row["tracking_number"] = new_tracking_number()
        testimony_id = db.session.execute(statement, row).scalar()
        if testimony_id is not None:
            return testimony_id
        if _stored_id(row["hearing_id"], row["submission_key"]) is not None:
            return None
        # The tracking number was taken: draw another.
    raise RuntimeError("could not allocate a unique tracking number")


def _stored_id(hearing_id: int, submission_key: str) -> int | None:
    return db.session.scalar(_STORED_ID, {"hearing_id": hearing_id, "key": submission_key})


# Statements asked on every submission are built once: SQLAlchemy remembers the cache key of a
# statement object it has seen, where one built per call is traversed again each time.
_STORED_ID = select(Testimony.id).where(
    Testimony.hearing_id == bindparam("hearing_id"),
    Testimony.submission_key == bindparam("key"),
)


def _attach_rows(testimony_id: int, uploads: tuple[Upload, ...], *, now: datetime) -> None:
    store = file_store()
    db.session.execute(
        insert(Attachment.__table__),
        [
            {
                "testimony_id": testimony_id,
                "original_name": upload.filename,
                "content_type": "application/pdf",
                "size_bytes": len(upload.pdf.data),
                "sha256": store.put(upload.pdf.data),
                "page_count": upload.pdf.page_count,
                "uploaded_at": now,
            }
            for upload in uploads
        ],
    )


def amend_testimony(
    testimony: Testimony,
    amendment: Amendment,
    *,
    now: datetime,
    seen_version: int | None = None,
) -> bool:
    """Replace the testimony's content, keeping the earlier version; False if nothing changed.

    `seen_version` is the version the resident's form was built from (by default the one
    this request read): if it was amended or withdrawn since, nothing is written. Whatever
    its review status meanwhile, an amendment always sends it back to review.
    """
    seen = testimony.version if seen_version is None else seen_version
    if not testimony.can_amend(now):
        if testimony.is_withdrawn:
            raise TestimonyWithdrawn()
        raise refusal(testimony.hearing, now)
    if testimony.version != seen:
        raise AmendedMeanwhile()
    hearing = testimony.hearing
    stances = in_agenda_order(hearing, amendment.stances)
    _check_content(
        hearing,
        [m for m, _p in stances],
        amendment.speaking_request,
        now=now,
        already=testimony.speaking_request,
    )
    interpreter = _interpreter_columns(amendment.interpreter, testimony)
    if amendment.interpreter is not None:
        _check_interpreter(hearing, interpreter[0])
    removing = _attachments_to_remove(testimony, amendment.remove_attachments)
    accessibility = (
        testimony.accessibility_need
        if amendment.accessibility_need is None
        else amendment.accessibility_need or None
    )
    before = [(stance.measure_id, stance.position) for stance in testimony.in_agenda_order()]
    names_changed = amendment.endorsed_by is not None and named_endorsements().differ(
        testimony.id, amendment.endorsed_by
    )
    unchanged = (
        stances == before
        and amendment.body == testimony.body
        and amendment.speaking_request is testimony.speaking_request
        and interpreter == (testimony.interpreter_language_id, testimony.interpreter_language)
        and accessibility == testimony.accessibility_need
        and not amendment.uploads
        and not removing
        and not names_changed
    )
    if unchanged:
        return False
    # Checking the form (an upload, above all) takes time, in which a moderator may have
    # decided the text read then. Hold the row as the form saw it: from here on the status
    # read is the real one, so setting it back to pending below is always written.
    if not write_guard.hold(testimony, version=seen, not_statuses=[ReviewStatus.WITHDRAWN]):
        raise WithdrawnMeanwhile() if testimony.is_withdrawn else AmendedMeanwhile()
    testimony.versions.append(
        TestimonyVersion(
            version=testimony.version,
            measure_id=testimony.measure_id,
            position=testimony.position,
            body=testimony.body,
            speaking_request=testimony.speaking_request,
            superseded_at=now,
            amendment_reason=amendment.reason,
            measures=[[measure_id, position.value] for measure_id, position in before],
            attachments_removed=[
                {"name": a.original_name, "pages": a.page_count, "size": a.size_bytes}
                for a in removing
            ]
            or None,
        )
    )
    if stances != before:
        _replace_stances(testimony, stances)
    testimony.body = amendment.body
    testimony.speaking_request = amendment.speaking_request
    if interpreter[0] != testimony.interpreter_language_id:
        testimony.interpreter = (
            db.session.get(InterpreterLanguage, interpreter[0]) if interpreter[0] else None
        )
    testimony.interpreter_language_id, testimony.interpreter_language = interpreter
    testimony.accessibility_need = accessibility
    _remove_attachments(testimony, removing)
    testimony.version += 1
    testimony.updated_at = now
    # An amended testimony is reviewed again before anything is published.
    testimony.status = ReviewStatus.PENDING
    testimony.rejection_reason = None
    _attach(testimony, amendment.uploads, now=now)
    if names_changed:
        named_endorsements().replace(testimony.id, amendment.endorsed_by, now=now)
    db.session.flush()
    if amendment.body != testimony.versions[-1].body:
        # The new text may belong to another campaign: placed again right after the commit.
        testimony.wording_key = wording.fingerprint(amendment.body)
        jobs.enqueue(PLACEMENT_JOB, {"testimony_id": testimony.id})
    removed = {"attachments_removed": [a.id for a in removing]} if removing else {}
    audit.record(
        audit.RESIDENT, "testimony.amended", testimony, at=now, version=testimony.version, **removed
    )
    _queue_mail("testimony_amended", testimony, None)
    _recheck_review_notice(testimony)
    return True


def _attachments_to_remove(testimony: Testimony, wanted: Sequence[int]) -> list[Attachment]:
    """The testimony's attachments the resident ticked to remove; AttachmentGone for an id
    that is not one of them (removed meanwhile from another tab, or a tampered form)."""
    if not wanted:
        return []
    attached = {attachment.id: attachment for attachment in testimony.attachments}
    if not set(wanted) <= attached.keys():
        raise AttachmentGone()
    return [attached[attachment_id] for attachment_id in sorted(set(wanted))]


def _remove_attachments(testimony: Testimony, removing: list[Attachment]) -> None:
    """Take the attachments off (packets made from now on leave them out) and delete their
    files once this commits, unless something else still uses the same file."""
    if not removing:
        return
    digests = [attachment.sha256 for attachment in removing]
    for attachment in removing:
        testimony.attachments.remove(attachment)
    after_commit(lambda: held_uploads.forget_files(digests))


def _replace_stances(testimony: Testimony, stances: list[Stance]) -> None:
    """The measures the testimony addresses from now on, and its main measure: the one place
    that keeps testimonies.measure_id and .position in step with testimony_measures."""
    db.session.execute(
        delete(TestimonyMeasure.__table__).where(
            TestimonyMeasure.__table__.c.testimony_id == testimony.id
        )
    )
    _insert_stances(testimony.id, stances)
    db.session.expire(testimony, ["stances"])
    main_id, main_position = stances[0]
    if main_id != testimony.measure_id:
        testimony.measure_id = main_id
        testimony.measure = next(m for m in testimony.hearing.measures if m.id == main_id)
    testimony.position = main_position


def _interpreter_columns(
    interpreter: Interpreter | None, testimony: Testimony
) -> tuple[int | None, str | None]:
    """The testimony's two interpreter columns after the amendment (None keeps them)."""
    if interpreter is None:
        return testimony.interpreter_language_id, testimony.interpreter_language
    if interpreter.language_id is not None:
        return interpreter.language_id, None
    return None, interpreter.other or None


def withdraw_testimony(
    testimony: Testimony, *, now: datetime, seen_version: int | None = None
) -> None:
    """Withdraw the testimony until the deadline; withdrawing twice is harmless.

    `seen_version` is the version the resident's confirmation page showed (by default the
    one this request read): an amendment since then withdraws nothing.
    """
    seen = testimony.version if seen_version is None else seen_version
    if testimony.is_withdrawn:
        return
    if not testimony.can_withdraw(now):
        raise refusal(testimony.hearing, now)
    if not write_guard.hold(testimony, version=seen, not_statuses=[ReviewStatus.WITHDRAWN]):
        if testimony.is_withdrawn:
            return  # withdrawn meanwhile, from another tab: what was asked for is done
        raise AmendedMeanwhile(withdrawing=True)
    testimony.status = ReviewStatus.WITHDRAWN
    testimony.rejection_reason = None
    testimony.withdrawn_at = now
    testimony.updated_at = now
    db.session.flush()
    audit.record(audit.RESIDENT, "testimony.withdrawn", testimony, at=now)
    _queue_mail("testimony_withdrawn", testimony, None)
    _recheck_review_notice(testimony)


def _recheck_review_notice(testimony: Testimony) -> None:
    """A "published" or "not published" letter still waiting to go out may no longer be true
    once the resident withdraws or amends: have it checked (and taken back) after the commit."""
    from app.testimony import review_notices  # it builds receipt links from this module

    review_notices.queue([testimony.id])


SUBJECTS = {
    "testimony_received": lambda t: _("Testimony received: %(number)s", number=t.tracking_number),
    "testimony_amended": lambda t: _("Testimony amended: %(number)s", number=t.tracking_number),
    "testimony_withdrawn": lambda t: _("Testimony withdrawn: %(number)s", number=t.tracking_number),
}


def _queue_mail(
    kind: str, testimony: Testimony, token: str | None, *, hearing: Hearing | None = None
) -> None:
    base_url = current_app.config["BASE_URL"].rstrip("/")
    outbox.queue(
        kind,
        to=testimony.mail_address,
        subject=SUBJECTS[kind](testimony),
        testimony=testimony,
        hearing=hearing or testimony.hearing,
        receipt_url=f"{base_url}/receipts/{token}" if token else None,
        **_identity_links(testimony),
    )


def _identity_links(testimony: Testimony) -> dict[str, str]:
    """The receipt's links that speak for the owner of the address it goes to. An
    organisation's contact address, standing in for a resident who gave none, is not the
    resident's: it can neither confirm theirs nor say they did not send it, and committee news
    goes to residents' own addresses only."""
    if testimony.mails_organisation:
        return {}
    return {
        "confirm_url": identity.link(testimony, identity.CONFIRM),
        "dispute_url": identity.link(testimony, identity.DISPUTE),
        **_receipt_links(testimony),
    }


def _sender(organisation_id: int | None) -> Organisation | None:
    """The organisation that sent a submission (already loaded with its API key: no query)."""
    return db.session.get(Organisation, organisation_id) if organisation_id else None


# Where the factory puts a function of a testimony returning more links for its receipt (the
# following package's "do not tell me what the committee did"): packages above testimony add
# to the receipt without testimony importing them.
RECEIPT_LINKS = "opentestimony.receipt_links"


def _receipt_links(testimony: Testimony) -> dict[str, str]:
    more = current_app.extensions.get(RECEIPT_LINKS)
    return more(testimony) if more is not None else {}
