"""Review decisions, notes and redactions. Every function takes the acting staff member and
the time, flushes, writes audit rows, and leaves the commit to the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from app import audit
from app.accounts.models import StaffUser
from app.errors import DomainError
from app.extensions import db
from app.moderation import tallies
from app.moderation.models import ModeratorNote, Redaction, ReviewDecision
from app.moderation.redaction import find_phrase
from app.testimony.models import RejectionReason, ReviewStatus, Testimony

S = ReviewStatus

# The one table of allowed moves. Residents withdraw through the testimony service; staff can
# never move a withdrawn testimony anywhere, so it can never be approved.
TRANSITIONS: dict[ReviewStatus, frozenset[ReviewStatus]] = {
    S.PENDING: frozenset({S.APPROVED, S.REJECTED, S.FLAGGED}),
    S.FLAGGED: frozenset({S.APPROVED, S.REJECTED, S.PENDING}),
    S.APPROVED: frozenset({S.REJECTED, S.FLAGGED}),
    S.REJECTED: frozenset({S.APPROVED, S.FLAGGED}),
    S.WITHDRAWN: frozenset(),
}


class NotAllowed(DomainError):
    def __init__(self, current: ReviewStatus, wanted: ReviewStatus) -> None:
        super().__init__(
            _(
                "A testimony that is %(current)s cannot be marked %(wanted)s.",
                current=_status_word(current),
                wanted=_status_word(wanted),
            )
        )


class DecidedMeanwhile(DomainError):
    """Someone else changed the testimony between page load and this decision."""

    def __init__(self, current: ReviewStatus) -> None:
        self.current = current
        super().__init__(
            _(
                "Someone else changed this testimony while you were reviewing it; it is now "
                "%(current)s. Nothing was changed. Check it and decide again.",
                current=_status_word(current),
            )
        )


class ReasonRequired(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Choose a reason for rejecting, and add a note when it is 'other'."))


class NothingToRedact(DomainError):
    def __init__(self) -> None:
        super().__init__(_("That text does not appear in the testimony. Copy it exactly."))


def _status_word(status: ReviewStatus) -> str:
    return {
        S.PENDING: _("pending"),
        S.APPROVED: _("approved"),
        S.REJECTED: _("rejected"),
        S.FLAGGED: _("flagged"),
        S.WITHDRAWN: _("withdrawn"),
    }[status]


@dataclass(frozen=True)
class Decision:
    to_status: ReviewStatus
    reason: RejectionReason | None = None
    note: str | None = None

    def check(self) -> None:
        missing = self.reason is None or (self.reason is RejectionReason.OTHER and not self.note)
        if self.to_status is S.REJECTED and missing:
            raise ReasonRequired()


def decide(
    actor: StaffUser,
    testimony: Testimony,
    decision: Decision,
    *,
    expected: ReviewStatus,
    now: datetime,
    expected_version: int | None = None,
) -> ReviewDecision:
    """Move one testimony from the status the moderator saw to a new one, or refuse.

    The UPDATE only matches while the status is still `expected`, so when two moderators
    decide at once exactly one wins and the other gets DecidedMeanwhile; nothing half-applies.
    With `expected_version`, an amendment since the moderator read the text refuses it too.
    """
    decision.check()
    if decision.to_status not in TRANSITIONS[expected]:
        raise NotAllowed(expected, decision.to_status)
    reason = decision.reason if decision.to_status is S.REJECTED else None
    # A rejected testimony's reason cannot change without its status changing, so the reason
    # read now is the one the row has while its status is still `expected`.
    old_reason = testimony.rejection_reason if expected is S.REJECTED else None
    unchanged = [Testimony.id == testimony.id, Testimony.status == expected]
    if expected_version is not None:
        unchanged.append(Testimony.version == expected_version)
    position = db.session.scalar(
        update(Testimony)
        .where(*unchanged)
        .values(status=decision.to_status, rejection_reason=reason)
        .returning(Testimony.position)
        .execution_options(synchronize_session=False)
    )
    if position is None:
        db.session.refresh(testimony)
        raise DecidedMeanwhile(testimony.status)
    tallies.move(
        db.session,
        testimony.hearing_id,
        tallies.key_of(expected, position, old_reason),
        tallies.key_of(decision.to_status, position, reason),
    )
    db.session.refresh(testimony)
    row = ReviewDecision(
        testimony_id=testimony.id,
        actor_id=actor.id,
        decided_at=now,
        from_status=expected,
        to_status=decision.to_status,
        reason=reason,
        note=decision.note or None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor.audit_name,
        "testimony.decided",
        testimony,
        at=now,
        from_status=expected.value,
        to_status=decision.to_status.value,
        reason=reason.value if reason else None,
    )
    return row


@dataclass(frozen=True)
class BulkOutcome:
    decided: int
    skipped: int


def decide_many(
    actor: StaffUser,
    testimony_ids: list[int],
    decision: Decision,
    *,
    hearing_id: int,
    now: datetime,
    seen_status: ReviewStatus | None = None,
) -> BulkOutcome:
    """Apply one decision to many testimonies of one hearing; ones it cannot apply to are skipped.

    Ids of other hearings are ignored, so a tampered form cannot reach them. `seen_status` is
    the status the moderator's queue was filtered by: a row no longer in it was decided by
    someone else meanwhile, and is skipped rather than overruled.

    Each testimony gets exactly what `decide` gives it (its decision row, its audit entry, its
    move in the tallies), written a few hundred at a time with set-based statements: a campaign
    of 10,000 letters is decided in seconds, not the minute one-by-one updates would take.
    """
    decision.check()
    decided = skipped = 0
    to_status = decision.to_status
    reason = decision.reason if to_status is S.REJECTED else None
    for start in range(0, len(testimony_ids), 500):
        chunk = testimony_ids[start : start + 500]
        rows = db.session.execute(
            select(Testimony.id, Testimony.status, Testimony.rejection_reason).where(
                Testimony.id.in_(chunk), Testimony.hearing_id == hearing_id
            )
        ).all()
        skipped += len(chunk) - len(rows)
        by_status: dict[ReviewStatus, dict[int, RejectionReason | None]] = {}
        for row in rows:
            moved = seen_status is not None and row.status is not seen_status
            if moved or to_status not in TRANSITIONS[row.status]:
                skipped += 1
                continue
            by_status.setdefault(row.status, {})[row.id] = row.rejection_reason
        for from_status, old_reasons in by_status.items():
            changed = _move_status(old_reasons, from_status, to_status, reason, hearing_id)
            skipped += len(old_reasons) - len(changed)
            decided += len(changed)
            _record_decisions(actor, changed, from_status, decision, reason, now)
    db.session.expire_all()  # rows changed behind the session's back
    audit.record(
        actor.audit_name,
        "testimony.bulk_decided",
        None,
        at=now,
        hearing_id=hearing_id,
        to_status=to_status.value,
        decided=decided,
        skipped=skipped,
    )
    return BulkOutcome(decided, skipped)


def _move_status(old_reasons, from_status, to_status, reason, hearing_id) -> list[int]:
    """One conditional UPDATE for rows still in `from_status`; returns the ids it moved, after
    moving their counts in the tallies."""
    changed = db.session.execute(
        update(Testimony)
        .where(Testimony.id.in_(list(old_reasons)), Testimony.status == from_status)
        .values(status=to_status, rejection_reason=reason)
        .returning(Testimony.id, Testimony.position)
        .execution_options(synchronize_session=False)
    ).all()
    moves: dict[tuple, int] = {}
    for row in changed:
        old = tallies.key_of(from_status, row.position, old_reasons[row.id])
        new = tallies.key_of(to_status, row.position, reason)
        moves[(old, new)] = moves.get((old, new), 0) + 1
    for (old, new), number in moves.items():
        tallies.move(db.session, hearing_id, old, new, number)
    return sorted(row.id for row in changed)


def _record_decisions(actor, ids, from_status, decision, reason, now) -> None:
    if not ids:
        return
    db.session.execute(
        insert(ReviewDecision),
        [
            {
                "testimony_id": testimony_id,
                "actor_id": actor.id,
                "decided_at": now,
                "from_status": from_status,
                "to_status": decision.to_status,
                "reason": reason,
                "note": decision.note or None,
            }
            for testimony_id in ids
        ],
    )
    db.session.execute(
        insert(audit.AuditEvent),
        [
            {
                "actor": actor.audit_name,
                "action": "testimony.decided",
                "subject_type": Testimony.__tablename__,
                "subject_id": testimony_id,
                "occurred_at": now,
                "data": {
                    "from_status": from_status.value,
                    "to_status": decision.to_status.value,
                    "reason": reason.value if reason else None,
                },
            }
            for testimony_id in ids
        ],
    )


def add_note(actor: StaffUser, testimony: Testimony, body: str, *, now: datetime) -> ModeratorNote:
    note = ModeratorNote(testimony_id=testimony.id, author_id=actor.id, created_at=now, body=body)
    db.session.add(note)
    db.session.flush()
    audit.record(actor.audit_name, "testimony.note_added", testimony, at=now, note_id=note.id)
    return note


def redact_phrase(
    actor: StaffUser, testimony: Testimony, phrase: str, *, now: datetime
) -> list[Redaction]:
    """Hide every occurrence of the phrase in the current version from anything public."""
    spans = find_phrase(testimony.body, phrase)
    if not spans:
        raise NothingToRedact()
    created = [
        Redaction(
            testimony_id=testimony.id,
            testimony_version=testimony.version,
            start_offset=start,
            end_offset=end,
            created_by_id=actor.id,
            created_at=now,
        )
        for start, end in spans
    ]
    db.session.add_all(created)
    db.session.flush()
    audit.record(
        actor.audit_name,
        "testimony.redacted",
        testimony,
        at=now,
        spans=[[r.start_offset, r.end_offset] for r in created],
        version=testimony.version,
    )
    return created


def remove_redaction(actor: StaffUser, redaction: Redaction, *, now: datetime) -> None:
    if redaction.removed_at is not None:
        return
    redaction.removed_at = now
    redaction.removed_by_id = actor.id
    db.session.flush()
    testimony = db.session.get(Testimony, redaction.testimony_id)
    audit.record(
        actor.audit_name,
        "testimony.redaction_removed",
        testimony,
        at=now,
        redaction_id=redaction.id,
    )


def active_spans(testimony: Testimony) -> list[tuple[int, int]]:
    """The spans hidden from the public in the testimony's current version."""
    rows = db.session.execute(
        select(Redaction.start_offset, Redaction.end_offset).where(
            Redaction.testimony_id == testimony.id,
            Redaction.testimony_version == testimony.version,
            Redaction.removed_at.is_(None),
        )
    ).all()
    return [(row.start_offset, row.end_offset) for row in rows]
