"""E-mail outbox: messages are rows written in the caller's transaction, delivered after commit.

A message is only ever sent for a committed row, so a resident never gets a receipt for a
submission that was rolled back. Queuing messages also queues a "mail.deliver" job in the same
transaction (app/platform/jobs.py decides when delivery runs: soon after the commit, in
batches over one SMTP connection, again after a back-off when the mail server is down);
`flask outbox deliver` sends whatever is unsent by hand.

A process claims a few messages at a time, and records each one as sent in a transaction of
its own the moment the mail server has accepted it, before the next is tried: a process that
dies mid-batch leaves at most the one message in flight to be sent again. While it sends, a
heartbeat renews its claim on the rest, so a slow mail server never lets another process take
them, while a dead process's claim lapses within CLAIM_LEASE and its messages go out then.
Each message's Message-ID comes from its outbox row, so the rare second copy is recognisable.
"""

from __future__ import annotations

import logging
import re
import secrets
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from flask import Flask, current_app, render_template
from sqlalchemy import JSON, Index, Integer, String, Text, and_, func, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from app.platform import jobs
from app.platform.extensions import db
from app.platform.heartbeat import Heartbeat
from app.platform.timezones import UTCDateTime, utcnow

log = logging.getLogger("opentestimony.mail")

# Automatic tries per message; `flask outbox deliver` tries the ones that ran out, too.
MAX_ATTEMPTS = 5
# Messages claimed together and sent over one SMTP connection. Each is recorded as sent on its
# own; the batch bounds how many a dead process's claim holds back until the claim lapses.
BATCH = 20
# A claim its process has not renewed for this long is abandoned (the process died): another
# process retakes it. A live process renews it every HEARTBEAT_SECONDS, however slow the mail
# server, and stops sending a batch whose claim it could not renew for two thirds of this.
CLAIM_LEASE = timedelta(seconds=45)
HEARTBEAT_SECONDS = 10.0
# Tries to record a message as sent (the database busy for a moment) before giving up.
RECORD_TRIES = 3

# A link whose path carries a long token (a receipt link) is a key to someone's testimony.
# Once the message is sent the row keeps no copy of it, so a database dump opens nothing.
SECRET_LINK = re.compile(r"https?://\S*/[A-Za-z0-9_-]{32,}\S*")
LINK_REMOVED_NOTE = "[private link removed after sending]"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_unsent", "sent_at", "attempts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Set while one process is sending it, so no other process sends it too.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Which process holds the claim (a random token per batch): only it renews or releases it.
    claimed_by: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Extra headers of this message ({"List-Unsubscribe": "<https://...>"}), if any.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)


def queue(
    kind: str, *, to: str, subject: str, headers: dict[str, str] | None = None, **context
) -> int:
    """Render emails/<kind>.txt and add it to the outbox in the current transaction; the
    message's id. `headers` are extra headers the message carries."""
    return queue_many(kind, to=[to], subject=subject, headers=headers, **context)[0]


def queue_many(
    kind: str,
    *,
    to: list[str],
    subject: str,
    headers: dict[str, str] | None = None,
    **context,
) -> list[int]:
    """The same message to each address, in the current transaction: rendered once and
    inserted in one statement (a notice to everyone on a hearing can reach thousands, and a
    receipt is queued on every submission), not through the ORM's objects and flush."""
    body_text = render_template(f"emails/{kind}.txt", **context)
    return queue_rendered(
        kind,
        [Letter(to=address, subject=subject, body_text=body_text) for address in to],
        headers=headers,
    )


@dataclass(frozen=True)
class Letter:
    """A message already written for one address (one that names its reader, or carries a
    link of its own), with its own extra headers if any."""

    to: str
    subject: str
    body_text: str
    headers: dict[str, str] | None = None


def queue_rendered(
    kind: str, letters: list[Letter], *, headers: dict[str, str] | None = None
) -> list[int]:
    """Messages written by the caller, one per letter, in one statement and one delivery job
    (`headers`: extra headers for letters that have none of their own)."""
    if not letters:
        return []
    now = utcnow()
    rows = [
        {
            "kind": kind,
            "to_address": letter.to,
            "subject": letter.subject,
            "body_text": letter.body_text,
            "created_at": now,
            "attempts": 0,
            "headers": letter.headers or headers,
        }
        for letter in letters
    ]
    ids = list(db.session.execute(_INSERT_MESSAGES, rows).scalars())
    jobs.enqueue(DELIVER, {"ids": ids})
    return ids


DELIVER = "mail.deliver"
_MESSAGES = OutboxMessage.__table__
# Ids in the order of the rows given, one statement however many rows.
_INSERT_MESSAGES = insert(_MESSAGES).returning(_MESSAGES.c.id, sort_by_parameter_order=True)


def deliver_job(payloads: list[dict]) -> None:
    """The "mail.deliver" job: send these messages (several jobs' over one SMTP connection).
    Raises jobs.Retry while some are still unsent, so they are tried again after a back-off;
    the job's own tries bound them, so a message a staff admin retries is sent whatever its
    count. With MAIL_DELIVER_AFTER_RESPONSE off they wait for `flask outbox deliver`."""
    if not current_app.config["MAIL_DELIVER_AFTER_RESPONSE"]:
        return
    ids = [message_id for payload in payloads for message_id in payload["ids"]]
    deliver_pending(limit=len(ids), only_ids=ids, any_attempts=True)
    unsent = db.session.scalar(
        select(func.count()).where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))
    )
    db.session.commit()
    if unsent:
        raise jobs.Retry(f"{unsent} message(s) not delivered yet")


def mask_address(address: str) -> str:
    """Show enough of an address to tell messages apart in a log, not enough to identify."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


@dataclass(frozen=True)
class _Letter:
    """What is needed to send one message, copied out so no transaction stays open."""

    id: int
    kind: str
    to_address: str
    subject: str
    body_text: str
    created_at: datetime
    headers: dict[str, str] | None = None


@dataclass
class Delivery:
    """What became of a delivery run's messages."""

    sent: int = 0
    # Tried and refused (the row keeps the error), or left when the claim could not be renewed.
    failed: int = 0
    # Still being sent by another process that renews its claim.
    held: int = 0

    def add(self, other: Delivery) -> None:
        self.sent += other.sent
        self.failed += other.failed


def message_id(letter: _Letter, sender: str) -> str:
    """The Message-ID of one outbox row: the same for every copy of it, different for every
    other message, and free of personal data."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "opentestimony"
    return f"<outbox.{letter.id}.{letter.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _build(letter: _Letter, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = letter.to_address
    mail["Subject"] = letter.subject
    mail["Message-ID"] = message_id(letter, sender)
    for name, value in (letter.headers or {}).items():
        mail[name] = value
    mail.set_content(letter.body_text)
    return mail


def _connect(app: Flask) -> smtplib.SMTP:
    config = app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _new_owner() -> str:
    return secrets.token_hex(16)


def _lapsed(now: datetime):
    """Claimed by a process that has not renewed its claim within the lease: it died."""
    return and_(OutboxMessage.claimed_at.is_not(None), OutboxMessage.claimed_at < now - CLAIM_LEASE)


def _claim(
    message_ids: list[int], now: datetime, owner: str, *, any_attempts: bool = False
) -> list[_Letter]:
    """Take the unsent messages among `message_ids` for `owner` (none that another holds).

    The claim is one conditional UPDATE committed at once: two deliverers (two app processes,
    or one and the CLI) never both send a message, and no lock is held while talking SMTP.
    A claim not renewed within CLAIM_LEASE is abandoned (its process died) and retaken.
    `any_attempts` also takes messages whose automatic tries ran out.
    """
    if not message_ids:
        return []
    conditions = [
        OutboxMessage.id.in_(message_ids),
        OutboxMessage.sent_at.is_(None),
        or_(OutboxMessage.claimed_at.is_(None), _lapsed(now)),
    ]
    if not any_attempts:
        conditions.append(OutboxMessage.attempts < MAX_ATTEMPTS)
    rows = db.session.execute(
        update(OutboxMessage)
        .where(*conditions)
        .values(claimed_at=now, claimed_by=owner, attempts=OutboxMessage.attempts + 1)
        .returning(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.body_text,
            OutboxMessage.created_at,
            OutboxMessage.headers,
        )
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted((_Letter(*row) for row in rows), key=lambda letter: letter.id)


def _heartbeat(owner: str, message_ids: list[int]) -> Heartbeat:
    """Renews the claim on a batch's unsent messages for as long as the batch is being sent.
    While a message is being sent it is unsent and ours, so no row renewed means the claim
    lapsed (renewals failed) and another process took the rest."""

    def renew(connection) -> int:
        return connection.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(message_ids),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.claimed_by == owner,
            )
            .values(claimed_at=utcnow())
        ).rowcount

    return Heartbeat(
        db.engine, renew, seconds=HEARTBEAT_SECONDS, lease=CLAIM_LEASE, what="unsent mail"
    )


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _server_gone(error: Exception) -> bool:
    """Whether the connection is lost, rather than this one message refused. (smtplib's
    errors are OSErrors too: a refused recipient must not hold up the rest of the batch.)"""
    if isinstance(
        error,
        # An address the server cannot take (e.g. a non-ASCII one without SMTPUTF8), or a
        # header the message format cannot carry: this message only.
        smtplib.SMTPRecipientsRefused | smtplib.SMTPNotSupportedError | ValueError,
    ):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421  # the server is closing the connection
    return True


def _record_sent(letter: _Letter) -> None:
    """Record one accepted message as sent, at once and on its own, so that a crash after this
    point cannot make it go out again."""
    for attempt in range(1, RECORD_TRIES + 1):
        try:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == letter.id)
                .values(
                    sent_at=utcnow(),
                    last_error=None,
                    # The sent row keeps no key to the receipt: a database dump must not open it.
                    body_text=SECRET_LINK.sub(LINK_REMOVED_NOTE, letter.body_text),
                    headers=_without_secret_links(letter.headers),
                )
                .execution_options(synchronize_session=False)
            )
            db.session.commit()
            return
        except SQLAlchemyError:
            db.session.rollback()
            if attempt == RECORD_TRIES:
                raise  # nothing more is sent: the batch's claim lapses and the rest wait
            time.sleep(0.5 * attempt)


def _without_secret_links(headers: dict[str, str] | None) -> dict[str, str] | None:
    if not headers:
        return headers
    return {name: SECRET_LINK.sub(LINK_REMOVED_NOTE, value) for name, value in headers.items()}


def _release(letters: list[_Letter], owner: str, error: str | None) -> None:
    """Give up this process's claim on messages it did not send, so the next pass may."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_([letter.id for letter in letters]),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.claimed_by == owner,
        )
        .values(claimed_at=None, claimed_by=None, last_error=error)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _send(app: Flask, letters: list[_Letter], owner: str) -> Delivery:
    """Send claimed letters over one SMTP connection, or write them to the log, recording
    each as sent the moment it is handed over."""
    outcome = Delivery()
    with _heartbeat(owner, [letter.id for letter in letters]) as heartbeat:
        if not app.config["MAIL_SERVER"]:
            for letter in letters:
                # Development fallback. The body holds the private receipt link, which is why
                # production must configure a mail server; the recipient is masked.
                log.info(
                    "mail %s to %s (no MAIL_SERVER set)\nSubject: %s\n\n%s",
                    letter.kind,
                    mask_address(letter.to_address),
                    letter.subject,
                    letter.body_text,
                )
                _record_sent(letter)
                outcome.sent += 1
            return outcome
        smtp: smtplib.SMTP | None = None
        try:
            for index, letter in enumerate(letters):
                if not heartbeat.holds():
                    log.warning("claim on %d unsent message(s) lapsed", len(letters) - index)
                    _release(letters[index:], owner, None)
                    outcome.failed += len(letters) - index
                    break
                try:
                    smtp = smtp or _connect(app)
                    smtp.send_message(_build(letter, app.config["MAIL_SENDER"]))
                except (OSError, smtplib.SMTPException, ValueError) as error:
                    log.warning(
                        "mail %s #%s not delivered: %s",
                        letter.kind,
                        letter.id,
                        type(error).__name__,
                    )
                    # When the server is gone, the rest wait for the next pass instead of each
                    # waiting out its own connection timeout now.
                    gone = _server_gone(error)
                    refused = letters[index:] if gone else [letter]
                    _release(refused, owner, _describe(error))
                    outcome.failed += len(refused)
                    if gone:
                        if smtp is not None:
                            smtp.close()  # no QUIT: it would wait out the timeout again
                            smtp = None
                        break
                    continue
                _record_sent(letter)
                outcome.sent += 1
        finally:
            if smtp is not None:
                try:
                    smtp.quit()
                except (OSError, smtplib.SMTPException):
                    smtp.close()
    return outcome


def deliver_pending(
    limit: int = 100,
    *,
    only_ids: list[int] | None = None,
    queued_before: datetime | None = None,
    fresh_only: bool = False,
    any_attempts: bool = False,
) -> int:
    """Send unsent messages (SMTP when configured, else the log); return how many were sent.

    Messages go in batches: each batch is claimed in one transaction and sent over one SMTP
    connection, each message recorded as it is accepted. `only_ids` limits it to some
    messages (a request's own); `queued_before` to those queued before a moment (a sweep
    leaves fresh ones to their own process); `fresh_only` to those never tried (the follow-up
    worker leaves failed ones to its sweep, instead of trying a mail server that is down again
    at once); `any_attempts` also takes messages whose automatic tries ran out (the delivery
    job counts its own tries). Messages whose claim lapsed (their process died) are taken in
    every case.
    """
    app = current_app._get_current_object()
    now = utcnow()
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if not any_attempts:
        query = query.where(OutboxMessage.attempts < MAX_ATTEMPTS)
    if only_ids is not None:
        query = query.where(OutboxMessage.id.in_(only_ids))
    if queued_before is not None:
        query = query.where(or_(OutboxMessage.created_at < queued_before, _lapsed(now)))
    if fresh_only:
        query = query.where(or_(OutboxMessage.attempts == 0, _lapsed(now)))
    message_ids = list(db.session.scalars(query))
    db.session.commit()
    owner = _new_owner()
    sent = 0
    for start in range(0, len(message_ids), BATCH):
        letters = _claim(
            message_ids[start : start + BATCH], utcnow(), owner, any_attempts=any_attempts
        )
        if letters:
            sent += _send(app, letters, owner).sent
    return sent


def deliver_all(*, poll_seconds: float = 0.5) -> Delivery:
    """Try every unsent message once now (`flask outbox deliver`), those whose automatic tries
    ran out included. Messages another process holds are waited for until it has sent them or
    its claim lapsed (then they are sent here), at most CLAIM_LEASE and a second: a process
    still renewing its claim after that is alive and sending them, and they are counted as held.
    """
    app = current_app._get_current_object()
    owner = _new_owner()
    delivery = Delivery()
    held: set[int] = set()
    after = 0
    # One pass over what was queued before it started: mail queued meanwhile is its own
    # process's to send, and a busy site must not keep the pass going for ever.
    last = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    while True:  # in the order the messages were queued
        message_ids = list(
            db.session.scalars(
                select(OutboxMessage.id)
                .where(
                    OutboxMessage.sent_at.is_(None),
                    OutboxMessage.id > after,
                    OutboxMessage.id <= last,
                )
                .order_by(OutboxMessage.id)
                .limit(BATCH)
            )
        )
        db.session.commit()
        if not message_ids:
            break
        after = message_ids[-1]
        letters = _claim(message_ids, utcnow(), owner, any_attempts=True)
        held.update(set(message_ids) - {letter.id for letter in letters})
        if letters:
            delivery.add(_send(app, letters, owner))
    deadline = time.monotonic() + CLAIM_LEASE.total_seconds() + 1
    while held:
        held = set(
            db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_(held), OutboxMessage.sent_at.is_(None)
                )
            )
        )
        db.session.commit()
        waiting = sorted(held)
        for start in range(0, len(waiting), BATCH):
            letters = _claim(waiting[start : start + BATCH], utcnow(), owner, any_attempts=True)
            held -= {letter.id for letter in letters}
            if letters:
                delivery.add(_send(app, letters, owner))
        if not held or time.monotonic() >= deadline:
            break
        time.sleep(poll_seconds)
    delivery.held = len(held)
    return delivery
