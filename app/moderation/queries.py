"""Read-side queries for the moderation queue, the dashboard and the public hearing page.

The queue pages by keyset (the last row's sort value and id), never by OFFSET, so page 500 of a
hearing with 100,000 entries costs what page 1 does; every filter uses the hearing's indexes.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select, tuple_
from sqlalchemy.orm import selectinload

from app.hearings.models import Hearing
from app.moderation import search
from app.platform.extensions import db
from app.testimony import tallies
from app.testimony.identity import undisputed
from app.testimony.models import (
    Attachment,
    Position,
    RejectionReason,
    ReviewStatus,
    SpeakingRequest,
    Testimony,
    TestimonyMeasure,
)

PAGE_SIZE = 50

SORTS = {
    "received": Testimony.received_at,
    "name": Testimony.full_name,
    "position": Testimony.position,
}


@dataclass(frozen=True)
class QueueFilter:
    status: ReviewStatus | None = None
    measure_id: int | None = None
    position: Position | None = None
    speaking: SpeakingRequest | None = None
    has_attachments: bool | None = None
    quarantined: bool | None = None  # marked as possibly automated when it arrived
    identity: str | None = None  # "disputed", "confirmed" or "unconfirmed"
    campaign: str | None = None  # "yes", "no", or one campaign's id
    received_from: date | None = None
    received_to: date | None = None
    text: str = ""
    sort: str = "received"
    descending: bool = False
    ids: tuple[int, ...] = field(default_factory=tuple)


def _day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def matching(hearing: Hearing, chosen: QueueFilter, *, ranked: bool = False, walking: bool = True):
    """A SELECT of the hearing's testimonies that match the filter (no order, no limit).

    `ranked`: the caller joins the search's ranking, which does the searching itself.
    `walking`: the caller reads a page (or counts up to a limit) in order, not every match."""
    looked_for = None
    if chosen.text and not ranked:
        looked_for = search.matches(search.parse(chosen.text), walking=walking)
    if isinstance(looked_for, search.FewRows):
        query = select(Testimony).where(search.unindexed("hearing_id") == hearing.id)
        query = query.where(looked_for.condition)
    else:
        query = select(Testimony).where(Testimony.hearing_id == hearing.id)
    if chosen.status is not None:
        query = query.where(Testimony.status == chosen.status)
    if chosen.measure_id is not None:
        # Every testimony addressing the measure, among others or not; with a position, the
        # position it takes on that measure.
        addresses = exists().where(
            TestimonyMeasure.testimony_id == Testimony.id,
            TestimonyMeasure.measure_id == chosen.measure_id,
        )
        if chosen.position is not None:
            addresses = addresses.where(TestimonyMeasure.position == chosen.position)
        query = query.where(addresses)
    elif chosen.position is not None:
        # Without a measure, the position on its main measure: the one the queue sorts by
        # and the hearing-wide tallies count.
        query = query.where(Testimony.position == chosen.position)
    if chosen.speaking is not None:
        query = query.where(Testimony.speaking_request == chosen.speaking)
    if chosen.has_attachments is not None:
        has = exists().where(Attachment.testimony_id == Testimony.id)
        query = query.where(has if chosen.has_attachments else ~has)
    if chosen.quarantined is not None:
        marked = Testimony.quarantine_reason.is_not(None)
        query = query.where(marked if chosen.quarantined else ~marked)
    if chosen.identity == "disputed":
        query = query.where(~undisputed())
    elif chosen.identity == "confirmed":
        query = query.where(Testimony.email_confirmed_at.is_not(None))
    elif chosen.identity == "unconfirmed":
        query = query.where(Testimony.email_confirmed_at.is_(None))
    if chosen.campaign == "yes":
        query = query.where(Testimony.campaign_id.is_not(None))
    elif chosen.campaign == "no":
        query = query.where(Testimony.campaign_id.is_(None))
    elif chosen.campaign:
        query = query.where(Testimony.campaign_id == int(chosen.campaign))
    if chosen.received_from is not None:
        query = query.where(
            Testimony.received_at >= _day_start(chosen.received_from, hearing.timezone)
        )
    if chosen.received_to is not None:
        end = _day_start(chosen.received_to + timedelta(days=1), hearing.timezone)
        query = query.where(Testimony.received_at < end)
    if looked_for is not None and not isinstance(looked_for, search.FewRows):
        query = query.where(looked_for)
    return query


def encode_cursor(value, row_id: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([str(value), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str):
    """Return (sort value, id) from a cursor, or None when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, row_id = json.loads(raw)
        if not isinstance(row_id, int) or not isinstance(value, str) or len(value) > 300:
            return None
        if not 0 < row_id < 2**31:  # ids are positive 32-bit integers on every database
            return None
        if sort == "received":
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                return None
            value = value.astimezone(ZoneInfo("UTC"))  # OverflowError for year 1 at +14:00
        elif sort == "position":
            value = Position(value)
        elif sort == "relevance":
            value = float(value)
            if not math.isfinite(value):
                return None
        return value, row_id
    except (ValueError, TypeError, OverflowError, json.JSONDecodeError):
        return None


@dataclass(frozen=True)
class QueuePage:
    rows: list[Testimony]
    next_cursor: str | None
    # The search had no letter or digit to look for, so nothing matched it.
    unusable_search: bool = False


def queue_page(hearing: Hearing, chosen: QueueFilter, cursor: str | None) -> QueuePage:
    """One page of the queue in the chosen order, after the row the cursor names.

    "relevance" (best match first) orders by the search's score; without words to search for
    it is the default order."""
    looked_for = search.parse(chosen.text) if chosen.text else None
    ranking = chosen.sort == "relevance" and looked_for is not None and not looked_for.unusable
    if ranking:
        scores = search.ranked(looked_for)
        column = scores.c.score
        sort = "relevance"
        query = matching(hearing, chosen, ranked=True).join(scores, scores.c.id == Testimony.id)
    else:
        column = SORTS.get(chosen.sort, Testimony.received_at)
        sort = chosen.sort if chosen.sort in SORTS else "received"
        query = matching(hearing, chosen)
    query = query.options(
        selectinload(Testimony.measure),
        selectinload(Testimony.attachments),
        selectinload(Testimony.stances).selectinload(TestimonyMeasure.measure),
        # Who sent it through the API, shown beside it: one query for the page.
        selectinload(Testimony.organisation),
    )
    after = decode_cursor(cursor, sort) if cursor else None
    if after is not None:
        key = tuple_(column, Testimony.id)
        query = query.where(key < after if chosen.descending else key > after)
    if chosen.descending:
        query = query.order_by(column.desc(), Testimony.id.desc())
    else:
        query = query.order_by(column, Testimony.id)
    if ranking:
        found = db.session.execute(query.add_columns(column).limit(PAGE_SIZE + 1)).all()
        rows = [row[0] for row in found]
        values = [row[1] for row in found]
    else:
        rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1)))
        values = [getattr(row, column.key) for row in rows]
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = encode_cursor(values[PAGE_SIZE - 1], rows[-1].id)
    return QueuePage(
        rows, next_cursor, unusable_search=looked_for is not None and looked_for.unusable
    )


def oldest_pending(
    hearing_id: int, *, besides: int | None = None, automated: bool | None = None
) -> int | None:
    """The id of the hearing's longest-waiting pending testimony: what to review next.

    `automated`: only those marked as possibly automated (True), only the others (False): the
    queue's tab the moderator is working through."""
    query = select(Testimony.id).where(
        Testimony.hearing_id == hearing_id, Testimony.status == ReviewStatus.PENDING
    )
    if automated is not None:
        marked = Testimony.quarantine_reason.is_not(None)
        query = query.where(marked if automated else ~marked)
    if besides is not None:
        query = query.where(Testimony.id != besides)
    return db.session.scalar(query.order_by(Testimony.received_at, Testimony.id).limit(1))


def matching_ids(hearing: Hearing, chosen: QueueFilter) -> list[int]:
    query = matching(hearing, chosen, walking=False).with_only_columns(Testimony.id)
    return list(db.session.scalars(query))


def count_matching(hearing: Hearing, chosen: QueueFilter) -> int:
    query = matching(hearing, chosen, walking=False).with_only_columns(func.count(Testimony.id))
    return db.session.scalar(query) or 0


def status_counts(hearing: Hearing) -> dict[ReviewStatus, int]:
    """How many testimonies are in each review status, from the running tallies."""
    counts = dict.fromkeys(ReviewStatus, 0)
    for (status, _position, _reason), number in tallies.counts([hearing.id])[hearing.id].items():
        counts[ReviewStatus(status)] += number
    return counts


def status_counts_by_hearing(hearing_ids: list[int]) -> dict[int, dict[ReviewStatus, int]]:
    result = {hearing_id: dict.fromkeys(ReviewStatus, 0) for hearing_id in hearing_ids}
    for hearing_id, keyed in tallies.counts(hearing_ids).items():
        for (status, _position, _reason), number in keyed.items():
            result[hearing_id][ReviewStatus(status)] += number
    return result


def position_counts(hearing: Hearing, status: ReviewStatus | None = None) -> dict[Position, int]:
    """Counts by position, of one status or of all."""
    counts = dict.fromkeys(Position, 0)
    for (row_status, position, _reason), number in tallies.counts([hearing.id])[hearing.id].items():
        if status is None or row_status == status.value:
            counts[Position(position)] += number
    return counts


def approved_position_counts(hearing: Hearing) -> dict[Position, int]:
    return position_counts(hearing, ReviewStatus.APPROVED)


def approved_counts_by_measure(hearing: Hearing) -> dict[int, dict[Position, int]]:
    """Approved testimony by measure and position, a testimony on several measures counted
    under each; empty for a hearing on one measure, where the hearing's counts say it all."""
    if len(hearing.measures) < 2:
        return {}
    return tallies.by_measure(hearing.id, ReviewStatus.APPROVED)


def not_published_counts(hearing: Hearing) -> dict[RejectionReason, int]:
    """Rejected testimony by reason, for the public page's account of what was left out."""
    counts: dict[RejectionReason, int] = {}
    for (status, _position, reason), number in tallies.counts([hearing.id])[hearing.id].items():
        if status == ReviewStatus.REJECTED.value and reason:
            counts[RejectionReason(reason)] = counts.get(RejectionReason(reason), 0) + number
    return counts


def published_page(hearing: Hearing, cursor: str | None, size: int = 25) -> QueuePage:
    """Approved testimony for the public page, oldest first, by keyset."""
    query = (
        select(Testimony)
        .where(
            Testimony.hearing_id == hearing.id,
            Testimony.status == ReviewStatus.APPROVED,
            undisputed(),  # its sender's address says they did not send it
        )
        .options(
            selectinload(Testimony.measure),
            selectinload(Testimony.stances).selectinload(TestimonyMeasure.measure),
            selectinload(Testimony.organisation),
        )
    )
    if hearing.confirmed_only:
        query = query.where(Testimony.email_confirmed_at.is_not(None))
    after = decode_cursor(cursor, "received") if cursor else None
    if after is not None:
        query = query.where(tuple_(Testimony.received_at, Testimony.id) > after)
    rows = list(
        db.session.scalars(query.order_by(Testimony.received_at, Testimony.id).limit(size + 1))
    )
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = encode_cursor(rows[-1].received_at, rows[-1].id)
    return QueuePage(rows, next_cursor)


def active_spans_for(testimonies: list[Testimony]) -> dict[int, list[tuple[int, int]]]:
    """Redacted spans of each testimony's current version, in one query for a whole page."""
    from app.moderation.models import Redaction

    if not testimonies:
        return {}
    versions = {t.id: t.version for t in testimonies}
    rows = db.session.execute(
        select(
            Redaction.testimony_id,
            Redaction.testimony_version,
            Redaction.start_offset,
            Redaction.end_offset,
        ).where(Redaction.testimony_id.in_(versions), Redaction.removed_at.is_(None))
    ).all()
    spans: dict[int, list[tuple[int, int]]] = {t.id: [] for t in testimonies}
    for row in rows:
        if versions[row.testimony_id] == row.testimony_version:
            spans[row.testimony_id].append((row.start_offset, row.end_offset))
    return spans


def amended_versions(hearing_id: int, *conditions) -> dict[int, int]:
    """Id → version of the hearing's amended testimonies (matching `conditions`): what a page
    that decides many at once carries, so one amended after it is not decided unseen."""
    rows = db.session.execute(
        select(Testimony.id, Testimony.version).where(
            Testimony.hearing_id == hearing_id, Testimony.version > 1, *conditions
        )
    ).all()
    return {row.id: row.version for row in rows}
