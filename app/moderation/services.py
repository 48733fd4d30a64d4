"""Review decisions, notes and redactions. Every function takes the acting staff member and
the time, flushes, writes audit rows, and leaves the commit to the caller."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import insert, select, update

from app.accounts.models import StaffUser
from app.moderation.models import ModeratorNote, Redaction, ReviewDecision
from app.moderation.redaction import find_phrase
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.testimony import review_notices, tallies, write_guard
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
    """Someone changed the testimony between the moderator's page load and this write: a
    resident amended or withdrew it, or another moderator decided it. Nothing was written."""

    def __init__(self, current: ReviewStatus, *, amended_to: int | None = None) -> None:
        self.current = current
        self.amended_to = amended_to
        if amended_to is not None:
            message = _(
                "This testimony was amended while you were reviewing it; it is now version "
                "%(version)d and waits for review. Nothing was changed: review the new text "
                "first.",
                version=amended_to,
            )
        elif current is S.WITHDRAWN:
            message = _(
                "The resident withdrew this testimony while you were reviewing it. "
                "Nothing was changed."
            )
        else:
            message = _(
                "Someone else changed this testimony while you were reviewing it; it is now "
                "%(current)s. Nothing was changed. Check it and decide again.",
                current=_status_word(current),
            )
        super().__init__(message)

    @classmethod
    def since(cls, testimony: Testimony, seen_version: int) -> DecidedMeanwhile:
        """Say what changed, from the testimony as it is now."""
        amended = testimony.version > seen_version and testimony.status is not S.WITHDRAWN
        return cls(testimony.status, amended_to=testimony.version if amended else None)


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

    The UPDATE only matches while the status is still `expected` and the text is still
    `expected_version` (by default the version this request read), so when two moderators
    decide at once exactly one wins, and a decision on a text amended since the moderator read
    it is refused: the other gets DecidedMeanwhile and nothing half-applies.
    """
    decision.check()
    if decision.to_status not in TRANSITIONS[expected]:
        raise NotAllowed(expected, decision.to_status)
    reason = decision.reason if decision.to_status is S.REJECTED else None
    # A rejected testimony's reason cannot change without its status changing, so the reason
    # read now is the one the row has while its status is still `expected`.
    old_reason = testimony.rejection_reason if expected is S.REJECTED else None
    seen_version = testimony.version if expected_version is None else expected_version
    unchanged = [
        Testimony.id == testimony.id,
        Testimony.status == expected,
        Testimony.version == seen_version,
    ]
    position = db.session.scalar(
        update(Testimony)
        .where(*unchanged)
        .values(status=decision.to_status, rejection_reason=reason)
        .returning(Testimony.position)
        .execution_options(synchronize_session=False)
    )
    if position is None:
        db.session.refresh(testimony)
        raise DecidedMeanwhile.since(testimony, seen_version)
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
    # The resident hears of it once this commits (app/testimony/review_notices.py).
    review_notices.queue([testimony.id])
    return row


@dataclass(frozen=True)
class BulkOutcome:
    decided: int
    skipped: int
    # Of those skipped, how many were amended after the moderator's page showed them.
    amended: int = 0


def decide_many(
    actor: StaffUser,
    testimony_ids: list[int],
    decision: Decision,
    *,
    hearing_id: int,
    now: datetime,
    seen_status: ReviewStatus | None = None,
    seen_versions: Mapping[int, int] | None = None,
    campaign_id: int | None = None,
) -> BulkOutcome:
    """Apply one decision to many testimonies of one hearing; ones it cannot apply to are skipped.

    Ids of other hearings are ignored, so a tampered form cannot reach them. `seen_status` is
    the status the moderator's queue was filtered by: a row no longer in it was decided by
    someone else meanwhile, and is skipped rather than overruled. `seen_versions` holds the
    version of each testimony the moderator's page showed, those never amended (version 1)
    left out: a testimony amended since is skipped, so its new text waits for its own review.
    With `campaign_id`, only members still in that campaign are decided (one taken out
    meanwhile is left for its own review).

    Each testimony gets exactly what `decide` gives it (its decision row, its audit entry, its
    move in the tallies), written a few hundred at a time with set-based statements: a campaign
    of 10,000 letters is decided in seconds, not the minute one-by-one updates would take.
    """
    decision.check()
    decided = skipped = amended = 0
    to_status = decision.to_status
    reason = decision.reason if to_status is S.REJECTED else None
    scope = [Testimony.hearing_id == hearing_id]
    if campaign_id is not None:
        scope.append(Testimony.campaign_id == campaign_id)
    for start in range(0, len(testimony_ids), 500):
        chunk = testimony_ids[start : start + 500]
        rows = db.session.execute(
            select(
                Testimony.id, Testimony.status, Testimony.version, Testimony.rejection_reason
            ).where(Testimony.id.in_(chunk), *scope)
        ).all()
        skipped += len(chunk) - len(rows)
        groups: dict[tuple[ReviewStatus, int], dict[int, RejectionReason | None]] = {}
        for row in rows:
            if seen_versions is not None and row.version != seen_versions.get(row.id, 1):
                amended += 1
                skipped += 1
                continue
            moved = seen_status is not None and row.status is not seen_status
            if moved or to_status not in TRANSITIONS[row.status]:
                skipped += 1
                continue
            groups.setdefault((row.status, row.version), {})[row.id] = row.rejection_reason
        moved: list[int] = []
        for (from_status, version), old_reasons in groups.items():
            changed = _move_status(
                old_reasons, from_status, version, to_status, reason, hearing_id, scope
            )
            skipped += len(old_reasons) - len(changed)
            decided += len(changed)
            _record_decisions(actor, changed, from_status, decision, reason, now)
            moved.extend(changed)
        # One job row per chunk: the residents' letters are written after the commit.
        review_notices.queue(moved)
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
    return BulkOutcome(decided, skipped, amended)


def _move_status(
    old_reasons, from_status, version, to_status, reason, hearing_id, scope
) -> list[int]:
    """One conditional UPDATE for rows still in `from_status` at `version` (and in `scope`):
    a row amended, decided or taken out of its campaign since it was read is left alone.
    Returns the ids it moved, after moving their counts in the tallies."""
    changed = db.session.execute(
        update(Testimony)
        .where(
            Testimony.id.in_(list(old_reasons)),
            Testimony.status == from_status,
            Testimony.version == version,
            *scope,
        )
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
    actor: StaffUser,
    testimony: Testimony,
    phrase: str,
    *,
    now: datetime,
    seen_version: int | None = None,
) -> list[Redaction]:
    """Hide every occurrence of the phrase in the current version from anything public.

    `seen_version` is the version the moderator's page showed (by default the one this
    request read): a redaction is made on the text the moderator read, or not at all.
    """
    seen = testimony.version if seen_version is None else seen_version
    if not write_guard.hold(testimony, version=seen):
        raise DecidedMeanwhile.since(testimony, seen)
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
    """Show a hidden passage again; two moderators removing it at once record it once."""
    removed = db.session.execute(
        update(Redaction)
        .where(Redaction.id == redaction.id, Redaction.removed_at.is_(None))
        .values(removed_at=now, removed_by_id=actor.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(redaction)
    if not removed:
        return
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
