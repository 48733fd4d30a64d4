"""Moderators' decisions on sign-ins, one or many at once: publish, reject with a reason, or
put back to review. A sign-in carries no text, so most bodies publish them at once and only
take out what a moderator finds (spam, duplicates); a body can ask for review first.

Each decision is one conditional UPDATE … RETURNING over the chosen rows that are not
withdrawn, so a resident withdrawing at the same moment, or a second moderator, is never
counted twice: only the rows this statement changed move in the tallies."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, update

from app.accounts.models import StaffUser
from app.platform import audit
from app.platform.errors import DomainError
from app.platform.extensions import db
from app.signins import tallies
from app.signins.models import SignIn, SignInPosition, SignInStatus, tally_state_of
from app.testimony.models import RejectionReason

DECISIONS = (SignInStatus.PUBLISHED, SignInStatus.REJECTED, SignInStatus.PENDING)
# The most one decision changes; "everything matching" goes through in pages of this size.
MAX_PER_DECISION = 5000


class NeedsReason(DomainError):
    def __init__(self) -> None:
        from flask_babel import gettext as _

        super().__init__(_("Choose why these sign-ins are rejected."))


def decide(
    actor: StaffUser,
    hearing_id: int,
    sign_in_ids: list[int],
    status: SignInStatus,
    *,
    reason: RejectionReason | None = None,
    now: datetime,
) -> int:
    """Set the status of the chosen sign-ins of this hearing; how many changed."""
    if status not in DECISIONS:
        raise ValueError(status)
    if status is SignInStatus.REJECTED and reason is None:
        raise NeedsReason()
    reason = reason if status is SignInStatus.REJECTED else None
    ids = sorted(set(sign_in_ids))[:MAX_PER_DECISION]
    if not ids:
        return 0
    # Read and locked before the change (PostgreSQL locks the rows; a SQLite request that
    # posts holds the write lock from its start), so each row's old state is the true one
    # and a resident withdrawing at this moment waits, then finds the decision made.
    rows = db.session.execute(
        select(
            SignIn.id,
            SignIn.status,
            SignIn.rejection_reason,
            SignIn.disputed_at,
            SignIn.dispute_kept_at,
        )
        .where(
            SignIn.hearing_id == hearing_id,
            SignIn.id.in_(ids),
            SignIn.status != SignInStatus.WITHDRAWN,
        )
        .order_by(SignIn.id)
        .with_for_update()
    ).all()
    changed = [row for row in rows if (row.status, row.rejection_reason) != (status, reason)]
    if not changed:
        return 0
    db.session.execute(
        update(SignIn)
        .where(SignIn.id.in_([row.id for row in changed]))
        .values(status=status, rejection_reason=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    changed_ids = [row.id for row in changed]
    positions: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for sign_in_id, measure_id, position in db.session.execute(
        select(SignInPosition.sign_in_id, SignInPosition.measure_id, SignInPosition.position).where(
            SignInPosition.sign_in_id.in_(changed_ids)
        )
    ):
        positions[sign_in_id].append((measure_id, position.value))
    moves = []
    for row in changed:
        disputed = row.disputed_at is not None and row.dispute_kept_at is None
        old_state = tally_state_of(row.status, disputed=disputed)
        new_state = tally_state_of(status, disputed=disputed)
        moves.append(
            (
                row.id,
                [(m, p, old_state) for m, p in positions[row.id]],
                [(m, p, new_state) for m, p in positions[row.id]],
            )
        )
    # A decision on thousands is a few statements, not two per sign-in.
    tallies.move_many(hearing_id, moves)
    audit.record_each(
        actor.audit_name,
        "sign_in.decided",
        SignIn.__tablename__,
        changed_ids,
        at=now,
        status=status.value,
        **({"reason": reason.value} if reason else {}),
    )
    return len(changed)
