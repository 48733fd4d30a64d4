"""E-mail outbox: messages are rows written in the caller's transaction, delivered after commit.

A message is only ever sent for a committed row, so a resident never gets a receipt for a
submission that was rolled back. Delivery failures leave the row for `flask outbox deliver`.
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
from sqlalchemy import Index, Integer, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db
from app.timezones import UTCDateTime, utcnow

log = logging.getLogger("opentestimony.mail")

MAX_ATTEMPTS = 5
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
    db.session.info.setdefault("outbox_queued", []).append(message.id)
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


def _send(app: Flask, mail: EmailMessage) -> None:
    config = app.config
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(mail)


def _claim(message_id: int, now: datetime) -> _Letter | None:
    """Take one unsent message for this process, or None when another process has it.

    The claim is a conditional UPDATE committed at once: two deliverers (the after-response
    hook and the CLI) never both send a message, and no lock is held while talking SMTP.
    A claim older than CLAIM_LEASE is treated as abandoned (its process died) and retaken.
    """
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_LEASE),
        )
        .values(claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.commit()
        return None
    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
    letter = _Letter(row.id, row.kind, row.to_address, row.subject, row.body_text)
    db.session.commit()
    return letter


def _emit(app: Flask, letter: _Letter) -> str | None:
    """Send by SMTP, or write to the log; return an error description or None."""
    try:
        if app.config["MAIL_SERVER"]:
            _send(app, _build(letter, app.config["MAIL_SENDER"]))
        else:
            # Development fallback. The body holds the private receipt link, which is why
            # production must configure a mail server; the recipient is masked.
            log.info(
                "mail %s to %s (no MAIL_SERVER set)\nSubject: %s\n\n%s",
                letter.kind,
                mask_address(letter.to_address),
                letter.subject,
                letter.body_text,
            )
    except (OSError, smtplib.SMTPException) as error:
        log.warning("mail %s #%s not delivered: %s", letter.kind, letter.id, type(error).__name__)
        return f"{type(error).__name__}: {error}"[:500]
    return None


def deliver_pending(limit: int = 100, *, only_ids: list[int] | None = None) -> int:
    """Send unsent messages (SMTP when configured, else the log); return how many were sent.

    Each message is claimed, sent and recorded in short transactions of its own.
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
    message_ids = list(db.session.scalars(query))
    db.session.commit()
    sent = 0
    for message_id in message_ids:
        letter = _claim(message_id, utcnow())
        if letter is None:
            continue
        error = _emit(app, letter)
        values = (
            {"claimed_at": None, "last_error": error}
            if error
            else {
                "sent_at": utcnow(),
                "last_error": None,
                "body_text": SECRET_LINK.sub(LINK_REMOVED_NOTE, letter.body_text),
            }
        )
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == letter.id).values(**values)
        )
        db.session.commit()
        sent += error is None
    return sent


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    if session.in_nested_transaction():
        return
    session.info.pop("outbox_queued", None)


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return
    queued = session.info.pop("outbox_queued", None)
    if queued:
        session.info.setdefault("outbox_committed", []).extend(queued)


def init_app(app: Flask) -> None:
    """Deliver the mail a request queued once its response has been sent."""

    @app.after_request
    def _deliver_after_response(response):
        committed = db.session.info.pop("outbox_committed", None)
        if committed and app.config["MAIL_DELIVER_AFTER_RESPONSE"]:
            response.call_on_close(lambda: _deliver_in_context(app, committed))
        return response


def _deliver_in_context(app: Flask, message_ids: list[int]) -> None:
    # Only this request's messages: concurrent requests must not send each other's twice.
    with app.app_context():
        try:
            deliver_pending(only_ids=message_ids)
        except Exception:  # a mail problem must never surface to the resident
            log.exception("outbox delivery failed; `flask outbox deliver` will retry")
            db.session.rollback()
