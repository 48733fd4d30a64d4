"""Work a transaction leaves for later, handed over only once that transaction commits.

A request that stores testimony also leaves work that need not hold up the resident's answer:
its receipt e-mail to send and its campaign to find (see app/follow_up.py). The rows for that
work are written in the same transaction, so nothing is lost whatever happens next; their ids
are noted here, and only after a commit are they handed to whoever does the work, so nothing
is ever done for a transaction that was rolled back.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.platform.extensions import db

_QUEUED = "work_queued"
_COMMITTED = "work_committed"

MAIL = "mail"
PLACEMENT = "placement"


def note(kind: str, row_id: int) -> None:
    """Remember work of this kind (MAIL, PLACEMENT) for row `row_id`, pending the commit."""
    db.session.info.setdefault(_QUEUED, {}).setdefault(kind, []).append(row_id)


def take() -> dict[str, list[int]]:
    """The work of every transaction committed since the last call, by kind."""
    return db.session.info.pop(_COMMITTED, None) or {}


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop(_QUEUED, None)


@event.listens_for(Session, "after_commit")
def _hand_over_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return
    queued = session.info.pop(_QUEUED, None)
    if queued:
        committed = session.info.setdefault(_COMMITTED, {})
        for kind, ids in queued.items():
            committed.setdefault(kind, []).extend(ids)
