"""Reading the audit log: the filters a records clerk needs, pages by keyset, rows in words,
and the whole selection as CSV for a public-records request.

Rows are read newest first (by time, then id) and paged by keyset, never by OFFSET. Each page,
and each batch of an export, is named in a bounded number of queries (audit_subjects.py).
Times show in the zone of the body the row is about, or the site's zone (DEFAULT_TIMEZONE)
for rows about no body; a date range means whole days in the site's zone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, false, or_, select, tuple_

from app.platform import audit
from app.platform.audit import AuditEvent
from app.platform.audit_subjects import (
    ACTORS,
    Named,
    default_timezone,
    name_actors,
    name_subjects,
    subject_of,
)
from app.platform.audit_words import ACTIONS, Phrasebook, action_words, details_words
from app.platform.cells import neutralise, printable
from app.platform.extensions import db
from app.platform.timezones import zone_name

PAGE_SIZE = 50
EXPORT_BATCH = 500
EXPORTED = "audit.exported"

# OT- for testimony, OS- for sign-ins; people type them without dashes or in lower case too.
TRACKING = re.compile(r"^(O[TS])-?([0-9A-Z]{4})-?([0-9A-Z]{4})$")
# Dates a log can hold: enough either side of today, and never a year Python cannot add a
# day to.
FIRST_YEAR, LAST_YEAR = 2000, 2999
MAX_FILTER = 64  # characters of an action or actor filter (the columns hold 64)

CSV_COLUMNS = (
    "time (local)",
    "time (UTC)",
    "staff member",
    "role",
    "action",
    "subject",
    "tracking number",
    "details",
)


@dataclass(frozen=True)
class Filters:
    start: date | None = None
    end: date | None = None
    actor: str = ""  # "user:4", "api_key:2", "resident", "system", "anonymous", "kiosk"
    action: str = ""  # an action by its name, or the start of names ("login.")
    subject: str = ""  # a tracking number, OT-XXXX-XXXX or OS-XXXX-XXXX
    errors: tuple[str, ...] = field(default=(), compare=False)

    def args(self) -> dict[str, str]:
        """The filters as query arguments, for links and the export's form."""
        values = {
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
        }
        return {name: value for name, value in values.items() if value}


def _clean(value: str | None) -> str:
    # NUL cannot be sent to PostgreSQL in a string; no action, actor or number contains one.
    return (value or "").replace("\x00", "").strip()[:MAX_FILTER]


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The filters asked for; what cannot be used is left out and said in `errors`."""
    errors: list[str] = []
    start = _date(args.get("start"), _("The first day"), errors)
    end = _date(args.get("end"), _("The last day"), errors)
    if start and end and start > end:
        errors.append(_("The first day must not be after the last day."))
    subject = re.sub(r"\s+", "", _clean(args.get("subject"))).upper()
    if subject:
        match = TRACKING.match(subject)
        if match is None:
            errors.append(_("Enter a tracking number like OT-ABCD-2345 or OS-ABCD-2345."))
            subject = ""
        else:
            subject = "-".join(match.groups())
    return Filters(
        start=start,
        end=end,
        actor=_clean(args.get("actor")),
        action=_clean(args.get("action")),
        subject=subject,
        errors=tuple(errors),
    )


def _date(value: str | None, name: str, errors: list[str]) -> date | None:
    value = _clean(value)
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(_("%(name)s is not a date (YYYY-MM-DD).", name=name))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        between = {"name": name, "first": FIRST_YEAR, "last": LAST_YEAR}
        errors.append(_("%(name)s must be between %(first)s and %(last)s.", **between))
        return None
    return day


def parse_before(value: str | None) -> int | None:
    """The keyset of an older page: rows with a smaller id."""
    value = _clean(value)
    if not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number < 2**31 else None  # an id column holds no more


def conditions(filters: Filters) -> list:
    """The WHERE clauses of the filters."""
    where = []
    zone = _zone(default_timezone())
    if filters.start:
        where.append(AuditEvent.occurred_at >= datetime.combine(filters.start, time(), zone))
    if filters.end:
        next_day = filters.end + timedelta(days=1)
        where.append(AuditEvent.occurred_at < datetime.combine(next_day, time(), zone))
    if filters.actor:
        where.append(AuditEvent.actor == filters.actor)
    if filters.action in ACTIONS:
        where.append(AuditEvent.action == filters.action)
    elif filters.action:
        where.append(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.subject:
        where.append(_about(filters.subject))
    return where


def _about(number: str):
    """Rows about the testimony or sign-in with this tracking number, its speaker and its
    endorsements included."""
    tables = db.metadata.tables
    testimonies, sign_ins = tables["testimonies"], tables["sign_ins"]
    if number.startswith("OS"):
        found = db.session.scalars(
            select(sign_ins.c.id).where(sign_ins.c.tracking_number == number)
        )
        return _subjects("sign_ins", list(found))
    testimony_ids = list(
        db.session.scalars(select(testimonies.c.id).where(testimonies.c.tracking_number == number))
    )
    if not testimony_ids:
        return false()
    speakers, endorsements = tables["speakers"], tables["endorsements"]
    speaker_ids = db.session.scalars(
        select(speakers.c.id).where(speakers.c.testimony_id.in_(testimony_ids))
    )
    endorsement_ids = db.session.scalars(
        select(endorsements.c.id).where(endorsements.c.testimony_id.in_(testimony_ids))
    )
    return or_(
        _subjects("testimonies", testimony_ids),
        _subjects("speakers", list(speaker_ids)),
        _subjects("endorsements", list(endorsement_ids)),
    )


def _subjects(table: str, ids: list[int]):
    if not ids:
        return false()
    return and_(AuditEvent.subject_type == table, AuditEvent.subject_id.in_(ids))


# Reading rows.

_COLUMNS = (
    AuditEvent.id,
    AuditEvent.occurred_at,
    AuditEvent.actor,
    AuditEvent.action,
    AuditEvent.subject_type,
    AuditEvent.subject_id,
    AuditEvent.data,
)


@dataclass(frozen=True)
class Entry:
    """One row of the log in words."""

    id: int
    occurred_at: datetime
    local_time: str  # "2026-12-07 10:04:31 EST", in the subject's body's zone
    utc_time: str  # "2026-12-07T15:04:31Z"
    actor: Named
    action: str
    action_words: str
    subject: Named | None
    details: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    older: int | None  # the `before` of the next, older page; None on the last


def read_page(filters: Filters, *, before: int | None = None, size: int = PAGE_SIZE) -> Page:
    """A page of rows newest first: the first, or those that come after row `before`."""
    if filters.errors:
        return Page([], None)
    rows = _read(filters, after=_cursor_of(before) if before else None, limit=size + 1)
    older = rows[size - 1].id if len(rows) > size else None
    return Page(describe(rows[:size]), older)


Cursor = tuple[datetime, int]  # the last row read: its time and id


def _cursor_of(row_id: int) -> Cursor:
    when = db.session.scalar(select(AuditEvent.occurred_at).where(AuditEvent.id == row_id))
    # An id that is no row (typed into the address by hand) pages from the newest.
    return (when, row_id) if when is not None else (datetime.max.replace(tzinfo=UTC), row_id)


def _read(filters: Filters, *, after: Cursor | None, limit: int) -> list:
    """Newest first by time, then by id: a row recorded with an earlier time (a job that
    finished, a service given the moment it began) still shows in its place."""
    query = select(*_COLUMNS).where(*conditions(filters))
    if after is not None:
        query = query.where(tuple_(AuditEvent.occurred_at, AuditEvent.id) < after)
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    return list(db.session.execute(query.limit(limit)))


def describe(rows: list, *, private: bool = True) -> list[Entry]:
    """Rows in words: three queries for the actors, and one per kind of subject. With
    `private` False the details leave out what a records request must not receive."""
    refs = {row.id: subject_of(row.subject_type, row.subject_id, row.data) for row in rows}
    subjects = name_subjects(ref for ref in refs.values() if ref is not None)
    actors = name_actors(row.actor for row in rows)
    fallback = default_timezone()
    say = Phrasebook()
    entries = []
    for row in rows:
        subject = subjects[refs[row.id]] if refs[row.id] is not None else None
        zone = (subject.timezone if subject else None) or fallback
        entries.append(
            Entry(
                id=row.id,
                occurred_at=row.occurred_at,
                local_time=local_text(row.occurred_at, zone),
                utc_time=_stamp(row.occurred_at.astimezone(UTC), "T") + "Z",
                actor=actors[row.actor],
                action=row.action,
                action_words=action_words(row.action, row.data, say=say),
                subject=subject,
                details=details_words(row.data, private=private, say=say),
                data=row.data or {},
            )
        )
    return entries


def site_zone_words() -> str:
    """The site's zone as people say it, and as the database names it: "Eastern Time
    (America/New_York)"."""
    name = default_timezone()
    local = datetime.now(UTC).astimezone(_zone(name))
    return f"{zone_name(local, name, str(get_locale() or 'en'))} ({name})"


def local_text(moment: datetime, zone_name: str) -> str:
    """The time in the zone, to the second, with the zone's abbreviation: sortable, and the
    same in every language."""
    local = moment.astimezone(_zone(zone_name))
    return f"{_stamp(local, ' ')} {local.tzname()}"


def _stamp(moment: datetime, between: str) -> str:
    # Written out rather than strftime, which cost more than the rest of a row in an export.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{between}"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


# Choices for the filters.


def actor_choices() -> list[tuple[str, str]]:
    """Every staff member (former ones too, while their rows exist), then the others."""
    staff = db.metadata.tables["staff_users"]
    rows = db.session.execute(
        select(staff.c.id, staff.c.name, staff.c.email).order_by(staff.c.name)
    )
    people = [(f"user:{id_}", f"{name} ({email})") for id_, name, email in rows]
    return people + [(actor, str(words)) for actor, words in ACTORS.items()]


# The export.


def record_export(actor: str, filters: Filters, *, now: datetime) -> None:
    """The export is itself in the log: who took which selection, when."""
    audit.record(actor, EXPORTED, None, at=now, filters=filters.args())


def csv_lines(filters: Filters) -> Iterator[str]:
    """The selection as CSV, newest first, EXPORT_BATCH rows at a time.

    It runs while the answer is sent, after the view's transaction has ended: it reads
    everything itself, and holds no ORM objects. UTF-8 with a byte-order mark, so spreadsheet
    programs read names in every script; cells that would start a formula are quoted.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flushed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + flushed()
    after = None
    while True:
        rows = _read(filters, after=after, limit=EXPORT_BATCH)
        for entry in describe(rows, private=False):
            writer.writerow([neutralise(printable(cell)) for cell in _cells(entry)])
        yield flushed()
        if len(rows) < EXPORT_BATCH:
            return
        after = (rows[-1].occurred_at, rows[-1].id)


def _cells(entry: Entry) -> list[str]:
    subject = entry.subject
    return [
        entry.local_time,
        entry.utc_time,
        entry.actor.text,
        entry.actor.role,
        entry.action_words,
        subject.text if subject else "",
        subject.tracking_number if subject else "",
        entry.details,
    ]
