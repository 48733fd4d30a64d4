"""`Idempotency-Key`: a retried request gets the answer the first one got, and stores nothing
twice (the IETF's Idempotency-Key header draft, as Stripe and others use it).

Per API key, an Idempotency-Key names one request: the fingerprint of what was sent
(app/api/payloads.py) and the answer given, kept for KEEP (24 hours; then a periodic job
forgets it). The same key again:

- with the same request: the stored answer, word for word, marked `Idempotent-Replayed: true`;
  nothing is checked, counted or stored again;
- with another request: 422, and nothing done;
- while the first is still being stored: it waits for it, then replays its answer.

The record is claimed in the transaction that stores the items, before any of them, and its
answer written in that same transaction: a request whose work is rolled back (a refusal, a
failed commit) leaves no record, so its retry runs afresh, and a committed one always leaves
its answer. Two requests with one key at the same moment: on PostgreSQL the second one's claim
waits on the unique index until the first commits (at most WAIT_SECONDS, then 409 and nothing
done), then finds its answer; on SQLite one transaction writes at a time, so the second begins
only once the first has committed, and finds its answer.

Only answers that stored something are kept: a request that stored nothing (every item
refused, or refused as a whole) can be sent again with the same key, as it harmed nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Response, request
from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    delete,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Mapped, mapped_column

from app.api.problems import Problem
from app.organisations.models import ApiKey
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEEP = timedelta(hours=24)
# How long a request waits for another with the same key to be stored (PostgreSQL).
WAIT_SECONDS = 30
# Visible ASCII and spaces (a UUID, a hash, a batch name): 1 to 255 of them.
KEY_SHAPE = re.compile(r"[\x20-\x7e]{1,255}")


class IdempotencyRecord(db.Model):
    """One request sent with an Idempotency-Key, and the answer it got."""

    __tablename__ = "api_idempotency_records"
    __table_args__ = (UniqueConstraint("api_key_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of what was sent (app/api/payloads.py).
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Written in the transaction that claimed the record, so a committed record has both.
    status: Mapped[int | None] = mapped_column(Integer)
    answer: Mapped[str | None] = mapped_column(Text)


@dataclass(frozen=True)
class Answer:
    """An answer to keep or to give again: its status and its JSON body."""

    status: int
    body: str

    def response(self, *, replayed: bool = False) -> Response:
        response = Response(self.body, status=self.status, mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        if replayed:
            response.headers[REPLAYED] = "true"
        return response


def requested_key(*, required: bool) -> str | None:
    """The request's Idempotency-Key, None when it sent none (a Problem when it must)."""
    value = request.headers.get(HEADER)
    if value is None:
        if required:
            raise Problem(
                400,
                f"A batch needs an {HEADER} header (a UUID, say): a retry with the same key "
                "then stores nothing twice.",
            )
        return None
    value = value.strip()
    if KEY_SHAPE.fullmatch(value) is None:
        raise Problem(400, f"An {HEADER} is 1 to 255 printable ASCII characters.")
    return value


def _other_request() -> Problem:
    return Problem(
        422,
        f"This {HEADER} was used for another request in the last 24 hours: use a new key for "
        "a new request.",
    )


_EARLIER = select(IdempotencyRecord).where(
    IdempotencyRecord.api_key_id == bindparam("key_id"),
    IdempotencyRecord.idempotency_key == bindparam("idempotency_key"),
    IdempotencyRecord.created_at > bindparam("since"),
)


def _earlier(key: ApiKey, idempotency_key: str, now: datetime) -> IdempotencyRecord | None:
    return db.session.execute(
        _EARLIER,
        {"key_id": key.id, "idempotency_key": idempotency_key, "since": now - KEEP},
    ).scalar_one_or_none()


def _answer_of(record: IdempotencyRecord, fingerprint: str) -> Answer:
    if record.fingerprint != fingerprint:
        raise _other_request()
    if record.status is None or record.answer is None:  # pragma: no cover - see the docstring
        raise Problem(409, "A request with this key is still being stored: try again shortly.")
    return Answer(record.status, record.answer)


def earlier_answer(key: ApiKey, idempotency_key: str, fingerprint: str, *, now) -> Answer | None:
    """The answer a request with this key was given, read without writing, before anything
    is checked or counted; None when there is none yet. 422 when the key named another
    request."""
    record = _earlier(key, idempotency_key, now)
    return None if record is None else _answer_of(record, fingerprint)


@dataclass(frozen=True)
class Claim:
    record_id: int


_TABLE = IdempotencyRecord.__table__
_CLAIM = {
    name: insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.id)
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def claim(key: ApiKey, idempotency_key: str, fingerprint: str, *, now) -> Claim | Answer:
    """Take the key for this request, in the transaction that will store its work (which
    must be writing already): a Claim to keep the answer in, or the Answer another request
    with this key was given meanwhile (422 when it sent something else)."""
    # A record past its 24 hours no longer counts, even before the periodic job forgets it.
    db.session.execute(
        delete(IdempotencyRecord)
        .where(
            IdempotencyRecord.api_key_id == key.id,
            IdempotencyRecord.idempotency_key == idempotency_key,
            IdempotencyRecord.created_at <= now - KEEP,
        )
        .execution_options(synchronize_session=False)
    )
    dialect = db.session.get_bind().dialect.name
    row = {
        "api_key_id": key.id,
        "idempotency_key": idempotency_key,
        "fingerprint": fingerprint,
        "created_at": now,
    }
    if dialect == "postgresql":
        record_id = _claim_waiting(row)
    else:
        record_id = db.session.execute(_CLAIM[dialect], row).scalar()
    if record_id is not None:
        return Claim(record_id)
    record = _earlier(key, idempotency_key, now)
    if record is None:  # given up by the request that held it a moment ago
        raise Problem(409, "A request with this key was being stored: try again.")
    return _answer_of(record, fingerprint)


def _claim_waiting(row: dict) -> int | None:
    """PostgreSQL: insert the record, waiting at most WAIT_SECONDS for a transaction holding
    the same key; 409 (and nothing done) when it is still going."""
    previous = db.session.scalar(text("SELECT current_setting('lock_timeout')"))
    db.session.execute(
        text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": f"{WAIT_SECONDS}s"}
    )
    try:
        record_id = db.session.execute(_CLAIM["postgresql"], row).scalar()
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        raise Problem(
            409,
            "A request with this Idempotency-Key is still being stored. Try again shortly: "
            "you will get its answer.",
            headers={"Retry-After": "5"},
        ) from None
    db.session.execute(
        text("SELECT set_config('lock_timeout', :previous, true)"), {"previous": previous}
    )
    return record_id


def keep(claimed: Claim, answer: Answer) -> None:
    """Keep the answer with the claimed record (in the same transaction)."""
    db.session.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.id == claimed.record_id)
        .values(status=answer.status, answer=answer.body)
        .execution_options(synchronize_session=False)
    )


def let_go(claimed: Claim) -> None:
    """Give the key up: the request stored nothing, so a retry may run afresh."""
    db.session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.id == claimed.record_id)
        .execution_options(synchronize_session=False)
    )


def forget_expired(now: datetime | None = None) -> int:
    """The periodic job: delete the records older than KEEP; how many. Commits."""
    cutoff = (now or utcnow()) - KEEP
    gone = db.session.execute(
        delete(IdempotencyRecord)
        .where(IdempotencyRecord.created_at <= cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if gone:
        log.info("forgot %d idempotency record(s) older than 24 hours", gone)
    return gone
