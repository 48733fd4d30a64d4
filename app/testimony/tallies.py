"""Running counts of each hearing's testimony by review status, position and rejection reason.

The queue, the staff home page and the public hearing page read these few rows instead of
counting a hearing's testimony on every click, which stays cheap at 100,000 entries and more.
Counts move in the same transaction as the change they count:
- every change made through the ORM (submission, amendment, withdrawal) is caught in
  `before_flush` (the factory calls `init_app`, which starts the counting), so no service can
  forget it;
- the moderation decision, which updates with a conditional UPDATE for concurrency, calls
  `move()` itself, and a new testimony stored with a plain INSERT (app/testimony/services.py)
  calls `count_new()`.

A testimony on several measures counts once here, under the position on its main measure (the
first it addresses in agenda order): these are counts of testimonies, and the queue, the
dashboard and the public page's totals add them up. Counts per measure, where a testimony on
several measures counts under each with its position there, come from `by_measure()`.
"""

from __future__ import annotations

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    bindparam,
    event,
    func,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.platform.extensions import db
from app.testimony.models import (
    Position,
    RejectionReason,
    ReviewStatus,
    Testimony,
    TestimonyMeasure,
)

NO_REASON = ""


class ReviewTally(db.Model):
    __tablename__ = "review_tallies"

    hearing_id: Mapped[int] = mapped_column(
        ForeignKey("hearings.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    position: Mapped[str] = mapped_column(String(20), primary_key=True)
    # The rejection reason, or "" for every other status (a key column cannot be NULL).
    reason: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


Key = tuple[str, str, str]  # status, position, reason


def key_of(status, position, reason) -> Key:
    return (
        ReviewStatus(status).value,
        Position(position).value,
        RejectionReason(reason).value if reason else NO_REASON,
    )


def move(
    session: Session, hearing_id: int, old: Key | None, new: Key | None, number: int = 1
) -> None:
    """Count `number` testimonies out of `old` and into `new` (either may be None)."""
    if old == new or number == 0:
        return
    if old is not None:
        status, position, reason = old
        session.execute(
            update(ReviewTally)
            .where(
                ReviewTally.hearing_id == hearing_id,
                ReviewTally.status == status,
                ReviewTally.position == position,
                ReviewTally.reason == reason,
            )
            .values(count=ReviewTally.count - number)
        )
    if new is not None:
        count_new(session, hearing_id, new, number)


def count_new(session: Session, hearing_id: int, key: Key, number: int = 1) -> None:
    """Count `number` testimonies into `key`: one upsert, its statement built once per
    database (every submission runs it)."""
    status, position, reason = key
    session.execute(
        _upsert(session.get_bind().dialect.name),
        {
            "hearing_id": hearing_id,
            "status": status,
            "position": position,
            "reason": reason,
            "number": number,
        },
    )


_upserts: dict[str, object] = {}  # by dialect name: at most two entries


def _upsert(dialect: str):
    statement = _upserts.get(dialect)
    if statement is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        # On the table, not the mapped class: an ORM insert would be rebuilt on every call.
        table = ReviewTally.__table__
        statement = (
            insert(table)
            .values(
                hearing_id=bindparam("hearing_id"),
                status=bindparam("status"),
                position=bindparam("position"),
                reason=bindparam("reason"),
                count=bindparam("number"),
            )
            .on_conflict_do_update(
                index_elements=["hearing_id", "status", "position", "reason"],
                set_={"count": table.c.count + bindparam("number")},
            )
        )
        _upserts[dialect] = statement
    return statement


def _before_and_after(testimony: Testimony) -> tuple[Key | None, Key]:
    state = inspect(testimony)
    now = key_of(testimony.status, testimony.position, testimony.rejection_reason)
    if state.pending:
        return None, now

    def earlier(attribute: str):
        history = state.attrs[attribute].history
        if history.deleted:
            return history.deleted[0]
        if history.added:
            # Overwritten before it was ever loaded (rejection_reason after the insert) or
            # after a commit expired it: the old value is unknown here but not to the database.
            column = getattr(Testimony, attribute)
            return state.session.scalar(select(column).where(Testimony.id == testimony.id))
        return getattr(testimony, attribute)

    return key_of(earlier("status"), earlier("position"), earlier("rejection_reason")), now


def init_app(_app) -> None:
    """Count every testimony change the ORM flushes, in the same transaction (once per
    process: the listener is on every session)."""
    if not event.contains(Session, "before_flush", _count_testimony_changes):
        event.listen(Session, "before_flush", _count_testimony_changes)


def _count_testimony_changes(session: Session, _context, _instances) -> None:
    for testimony in [*session.new, *session.dirty]:
        if not isinstance(testimony, Testimony):
            continue
        if testimony in session.dirty and not session.is_modified(testimony):
            continue
        old, new = _before_and_after(testimony)
        move(session, testimony.hearing_id or testimony.hearing.id, old, new)


def counts(hearing_ids: list[int]) -> dict[int, dict[Key, int]]:
    rows = db.session.execute(
        select(ReviewTally).where(ReviewTally.hearing_id.in_(hearing_ids), ReviewTally.count != 0)
    ).scalars()
    result: dict[int, dict[Key, int]] = {hearing_id: {} for hearing_id in hearing_ids}
    for row in rows:
        result[row.hearing_id][(row.status, row.position, row.reason)] = row.count
    return result


def by_measure(hearing_id: int, status: ReviewStatus) -> dict[int, dict[Position, int]]:
    """Testimonies of one status by measure and position: one on several measures counts under
    each, with its position on that measure. Counted when asked (one grouped query over the
    testimony_measures index), unlike the running counts above."""
    rows = db.session.execute(
        select(TestimonyMeasure.measure_id, TestimonyMeasure.position, func.count())
        .join(Testimony, Testimony.id == TestimonyMeasure.testimony_id)
        .where(Testimony.hearing_id == hearing_id, Testimony.status == status)
        .group_by(TestimonyMeasure.measure_id, TestimonyMeasure.position)
    )
    result: dict[int, dict[Position, int]] = {}
    for measure_id, position, number in rows:
        result.setdefault(measure_id, dict.fromkeys(Position, 0))[Position(position)] = number
    return result
