"""What the moderators' sign-in tab lists: a hearing's sign-ins, filtered, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from app.platform.extensions import db
from app.platform.validators import row_id
from app.signins.models import SignIn, SignInPosition, SignInStatus
from app.testimony.models import Position

PAGE_SIZE = 50


@dataclass(frozen=True)
class SignInFilter:
    status: SignInStatus | None = None
    measure_id: int | None = None
    position: Position | None = None
    automated: bool | None = None
    disputed: bool = False
    # The start of a name (an index range, however many sign-ins). Not an e-mail address: the
    # filter travels in the page's address, which lands in logs and browser history.
    name: str = ""


@dataclass(frozen=True)
class Page:
    rows: list[SignIn]
    next_cursor: int | None


def _matching(hearing_id: int, chosen: SignInFilter):
    query = select(SignIn).where(SignIn.hearing_id == hearing_id)
    if chosen.status is not None:
        query = query.where(SignIn.status == chosen.status)
    if chosen.measure_id is not None or chosen.position is not None:
        on = SignInPosition.sign_in_id == SignIn.id
        if chosen.measure_id is not None:
            on &= SignInPosition.measure_id == chosen.measure_id
        if chosen.position is not None:
            on &= SignInPosition.position == chosen.position
        query = query.where(exists().where(on))
    if chosen.automated is True:
        query = query.where(SignIn.quarantine_reason.is_not(None))
    elif chosen.automated is False:
        query = query.where(SignIn.quarantine_reason.is_(None))
    if chosen.disputed:
        query = query.where(SignIn.disputed_at.is_not(None), SignIn.dispute_kept_at.is_(None))
    if chosen.name:
        prefix = chosen.name.lower()
        # A range on the lower-cased columns, not LIKE: the same index serves it on both
        # databases, and "%" or "_" typed by a moderator match only themselves.
        upper = prefix + "\U0010ffff"
        query = query.where(SignIn.name_key >= prefix, SignIn.name_key < upper)
    return query


def page(hearing_id: int, chosen: SignInFilter, after: str | None) -> Page:
    """Newest first, PAGE_SIZE at a time, by id (a cursor, never an offset)."""
    query = _matching(hearing_id, chosen)
    cursor = row_id(after)  # anything but a cursor this site made is the first page
    if cursor is not None:
        query = query.where(SignIn.id < cursor)
    rows = list(
        db.session.scalars(
            query.options(selectinload(SignIn.positions), selectinload(SignIn.organisation))
            .order_by(SignIn.id.desc())
            .limit(PAGE_SIZE + 1)
        )
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(rows, rows[-1].id if more and rows else None)


def matching_ids(
    hearing_id: int, chosen: SignInFilter, *, upto: int | None, limit: int
) -> list[int]:
    """The ids a decision on "everything matching" covers: those counted when the moderator
    confirmed (id <= upto), never ones that arrived since."""
    query = _matching(hearing_id, chosen).with_only_columns(SignIn.id)
    if upto is not None:
        query = query.where(SignIn.id <= upto)
    return list(db.session.scalars(query.order_by(SignIn.id).limit(limit)))


def status_counts(hearing_id: int) -> dict[SignInStatus, int]:
    rows = db.session.execute(
        select(SignIn.status, func.count(SignIn.id))
        .where(SignIn.hearing_id == hearing_id)
        .group_by(SignIn.status)
    ).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in SignInStatus}


def repeat_counts(hearing_id: int, rows: list[SignIn]) -> dict[int, int]:
    """For each listed sign-in, how many on the hearing share its e-mail address (one query
    for the page)."""
    if not rows:
        return {}
    by_address = dict(
        db.session.execute(
            select(SignIn.email_key, func.count(SignIn.id))
            .where(
                SignIn.hearing_id == hearing_id,
                # No address (an organisation sent it without one) is nobody's address.
                SignIn.email_key.in_({row.email_key for row in rows} - {""}),
            )
            .group_by(SignIn.email_key)
        ).all()
    )
    return {row.id: by_address.get(row.email_key, 1) if row.email_key else 1 for row in rows}


def has_sign_ins_on(hearing_id: int, measure_ids: set[int]) -> bool:
    """Whether any sign-in on this hearing takes a position on one of these measures (asked
    before a clerk takes a measure off the agenda). The agenda row is share-locked by every
    sign-in as it is stored, so on PostgreSQL a removal waits for one in flight and sees it."""
    if not measure_ids:
        return False
    found = db.session.scalar(
        select(SignInPosition.sign_in_id)
        .join(SignIn, SignIn.id == SignInPosition.sign_in_id)
        .where(SignIn.hearing_id == hearing_id, SignInPosition.measure_id.in_(measure_ids))
        .limit(1)
    )
    return found is not None
