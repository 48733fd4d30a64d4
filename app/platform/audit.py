"""Append-only record of what was done, by whom, to what."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import JSON, Index, String, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow

RESIDENT = "resident"
SYSTEM = "system"
ANONYMOUS = "anonymous"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # "resident", "system", "anonymous", "user:<id>" (a member of staff) or "api_key:<id>" (an
    # organisation's program, through the API: app/organisations/authentication.py).
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    # Empty for events about nobody in particular, such as a failed login to an unknown address.
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set on events recorded at most once per key (a refusal per address, page and minute): a
    # second row with the same key fails on the unique index instead of flooding the log.
    dedup_key: Mapped[str | None] = mapped_column(String(160), unique=True)


_INSERT_EVENT = insert(AuditEvent.__table__)


def record(
    actor: str, action: str, subject: db.Model | None, *, at: datetime | None = None, **data
) -> None:
    """Add an audit row in the current transaction; it commits or rolls back with the change.
    A plain INSERT, sent now: the log is only ever added to, so it needs none of the ORM's
    bookkeeping, which cost more than the statement on every submission."""
    db.session.execute(
        _INSERT_EVENT,
        {
            "actor": actor,
            "action": action,
            "subject_type": subject.__tablename__ if subject is not None else None,
            "subject_id": subject.id if subject is not None else None,
            "occurred_at": at or utcnow(),
            "data": data,
            "dedup_key": None,
        },
    )


def record_each(
    actor: str, action: str, table: str, ids: list[int], *, at: datetime | None = None, **data
) -> None:
    """One audit row per subject of `table` (a decision on many at once), in one statement."""
    if not ids:
        return
    when = at or utcnow()
    db.session.execute(
        _INSERT_EVENT,
        [
            {
                "actor": actor,
                "action": action,
                "subject_type": table,
                "subject_id": subject_id,
                "occurred_at": when,
                "data": data,
                "dedup_key": None,
            }
            for subject_id in ids
        ],
    )


def record_anonymous(action: str, *, at: datetime | None = None, **data) -> None:
    """Record an event by someone not signed in (a failed login), about no particular row."""
    record(ANONYMOUS, action, None, at=at, **data)


# Refused requests (403, 429) are recorded once per address, route and minute: an attacker
# hammering a limit must not flood the log (or the database) with a row per request.
REFUSED = "request.refused"
_refusals_seen: set[str] = set()  # this process's keys already written, to skip the insert
_REFUSALS_SEEN_LIMIT = 10_000
log = logging.getLogger("opentestimony.audit")


def forget_seen_refusals() -> None:
    """Forget which refusals this process wrote (for a database emptied under it, in tests)."""
    _refusals_seen.clear()


def address_hash(address: str) -> str:
    """A keyed hash of a network address: tells one address's refusals from another's, and
    cannot be turned back into the address without the application's secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"address:" + address.encode(), hashlib.sha256).hexdigest()[:16]


def record_refusal(
    actor: str, status: int, route: str, address: str, *, now: datetime
) -> AuditEvent | None:
    """Add a row for a refused request unless one for this address, route and minute exists.

    `route` is the URL rule (`/staff/admin/users/<int:user_id>`), never the path, which may
    hold a receipt's secret; the address is stored only as its keyed hash. Returns the row, or
    None when the minute already has one. Callers commit.
    """
    hashed = address_hash(address)
    route = route[:100]
    key = f"refused:{status}:{hashed}:{now:%Y%m%d%H%M}:{route}"
    if key in _refusals_seen:
        return None
    if len(_refusals_seen) >= _REFUSALS_SEEN_LIMIT:
        _refusals_seen.clear()
    event = AuditEvent(
        actor=actor,
        action=REFUSED,
        occurred_at=now,
        data={"status": status, "route": route, "address_hash": hashed},
        dedup_key=key,
    )
    try:
        with db.session.begin_nested():  # another worker may have written this minute's row
            db.session.add(event)
    except IntegrityError:
        event = None
    _refusals_seen.add(key)
    return event
