"""E-mail outbox: messages are rows written in the caller's transaction, delivered after commit.

A message is only ever sent for a committed row, so a resident never gets a receipt for a
submission that was rolled back. Each app process delivers its own requests' messages soon
after they commit (app/follow_up.py); delivery failures leave the row for the next sweep and
for `flask outbox deliver`.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, current_app, render_template
from sqlalchemy import Index, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app import committed
from app.extensions import db
from app.timezones import UTCDateTime, utcnow

log = logging.getLogger("opentestimony.mail")

MAX_ATTEMPTS = 5
# Messages claimed, sent over one SMTP connection and recorded together.
BATCH = 100
CLAIM_LEASE = timedelta(minutes=5)

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


def queue(kind: str, *, to: str, subject: str, **context) -> OutboxMessage:
    """Render emails/<kind>.txt and add it to the outbox in the current transaction."""
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=subject,
        body_text=render_template(f"emails/{kind}.txt", **context),
    )
    db.session.add(message)
    db.session.flush()
    committed.note(committed.MAIL, message.id)
    return message


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


def _build(letter: _Letter, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = letter.to_address
    mail["Subject"] = letter.subject
    mail["Message-ID"] = make_msgid(domain="opentestimony")
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


def _claim(message_ids: list[int], now: datetime) -> list[_Letter]:
    """Take the unsent messages among `message_ids` for this process (none that another has).

    The claim is one conditional UPDATE committed at once: two deliverers (two app processes,
    or one and the CLI) never both send a message, and no lock is held while talking SMTP.
    A claim older than CLAIM_LEASE is treated as abandoned (its process died) and retaken.
    """
    rows = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(message_ids),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_LEASE),
        )
        .values(claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.to_address,
            OutboxMessage.subject,
            OutboxMessage.body_text,
        )
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted((_Letter(*row) for row in rows), key=lambda letter: letter.id)


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _emit(app: Flask, letters: list[_Letter]) -> dict[int, str | None]:
    """Send the letters over one SMTP connection, or write them to the log; return each one's
    error description, or None when it was handed over."""
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
        return dict.fromkeys((letter.id for letter in letters), None)
    outcome: dict[int, str | None] = {}
    smtp: smtplib.SMTP | None = None
    try:
        for index, letter in enumerate(letters):
            try:
                smtp = smtp or _connect(app)
                smtp.send_message(_build(letter, app.config["MAIL_SENDER"]))
                outcome[letter.id] = None
            except (OSError, smtplib.SMTPException) as error:
                log.warning(
                    "mail %s #%s not delivered: %s", letter.kind, letter.id, type(error).__name__
                )
                outcome[letter.id] = _describe(error)
                if isinstance(error, OSError | smtplib.SMTPServerDisconnected):
                    # The server is gone: the rest wait for the next pass instead of each
                    # waiting out its own connection timeout now.
                    for rest in letters[index + 1 :]:
                        outcome[rest.id] = _describe(error)
                    smtp = None
                    break
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    return outcome


def _record(letters: list[_Letter], outcome: dict[int, str | None]) -> int:
    """Write down what became of each letter, in one transaction; return how many were sent."""
    now = utcnow()
    sent = [
        {
            "id": letter.id,
            "sent_at": now,
            "last_error": None,
            # The sent row keeps no key to the receipt: a database dump must not open it.
            "body_text": SECRET_LINK.sub(LINK_REMOVED_NOTE, letter.body_text),
        }
        for letter in letters
        if outcome[letter.id] is None
    ]
    failed = [
        {"id": letter.id, "claimed_at": None, "last_error": outcome[letter.id]}
        for letter in letters
        if outcome[letter.id] is not None
    ]
    for changes in (sent, failed):
        if changes:
            db.session.execute(update(OutboxMessage), changes)
    db.session.commit()
    return len(sent)


def deliver_pending(
    limit: int = 100,
    *,
    only_ids: list[int] | None = None,
    queued_before: datetime | None = None,
    fresh_only: bool = False,
) -> int:
    """Send unsent messages (SMTP when configured, else the log); return how many were sent.

    Messages go in batches: each batch is claimed in one transaction, sent over one SMTP
    connection and recorded in one more, so a surge of receipts costs a few transactions per
    batch, not per message. `only_ids` limits it to some messages (a request's own);
    `queued_before` to those queued before a moment (a sweep leaves fresh ones to their
    own process); `fresh_only` to those never tried (the follow-up worker leaves failed ones
    to its sweep, instead of trying a mail server that is down again at once).
    """
    app = current_app._get_current_object()
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if only_ids is not None:
        query = query.where(OutboxMessage.id.in_(only_ids))
    if queued_before is not None:
        query = query.where(OutboxMessage.created_at < queued_before)
    if fresh_only:
        query = query.where(OutboxMessage.attempts == 0)
    message_ids = list(db.session.scalars(query))
    db.session.commit()
    sent = 0
    for start in range(0, len(message_ids), BATCH):
        letters = _claim(message_ids[start : start + BATCH], utcnow())
        if letters:
            sent += _record(letters, _emit(app, letters))
    return sent
