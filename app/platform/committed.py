"""Work a transaction leaves for later, handed over only once that transaction commits.

A request that stores testimony also leaves work that need not hold up the resident's answer:
its receipt e-mail to send and its campaign to find. That work is a row in `jobs`
(app/platform/jobs.py), written in the same transaction, so nothing is lost whatever happens
next; its id is noted here, and only after a commit is it handed to whoever does the work, so
nothing is ever done for a transaction that was rolled back.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.platform.extensions import db

_QUEUED = "work_queued"
_COMMITTED = "work_committed"

JOBS = "jobs"


def note(kind: str, row_id: int) -> None:
    """Remember work of this kind (JOBS) for row `row_id`, pending the commit."""
    db.session.info.setdefault(_QUEUED, {}).setdefault(kind, []).append(row_id)


def noted() -> dict[str, list[int]]:
    """A copy of the work noted so far in this transaction, to put back with `restore` if a
    savepoint begun now is rolled back (app/platform/transaction.py, attempt)."""
    return {kind: list(ids) for kind, ids in (db.session.info.get(_QUEUED) or {}).items()}


def restore(snapshot: dict[str, list[int]]) -> None:
    """Forget the work noted since `snapshot` was taken: its savepoint was rolled back, so
    the rows that work is about were never stored."""
    if snapshot:
        db.session.info[_QUEUED] = {kind: list(ids) for kind, ids in snapshot.items()}
    else:
        db.session.info.pop(_QUEUED, None)


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
