"""E-mail outbox: messages are rows written in the caller's transaction, delivered after commit.

A message is only ever sent for a committed row, so a resident never gets a receipt for a
submission that was rolled back. Delivery failures leave the row for `flask outbox deliver`.
"""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask, current_app, render_template
from sqlalchemy import Index, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db
from app.timezones import UTCDateTime, utcnow

log = logging.getLogger("opentestimony.mail")

MAX_ATTEMPTS = 5

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


def _build(message: OutboxMessage, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to_address
    mail["Subject"] = message.subject
    mail["Message-ID"] = make_msgid(domain="opentestimony")
    mail.set_content(message.body_text)
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


def deliver_pending(limit: int = 100, *, only_ids: list[int] | None = None) -> int:
    """Send unsent messages (SMTP when configured, else the log) and commit; return how many."""
    app = current_app._get_current_object()
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if only_ids is not None:
        query = query.where(OutboxMessage.id.in_(only_ids))
    pending = db.session.scalars(query).all()
    sent = 0
    for message in pending:
        message.attempts += 1
        try:
            if app.config["MAIL_SERVER"]:
                _send(app, _build(message, app.config["MAIL_SENDER"]))
            else:
                # Development fallback: the body carries no personal data, the address is masked.
                log.info(
                    "mail %s to %s (no MAIL_SERVER set)\nSubject: %s\n\n%s",
                    message.kind,
                    mask_address(message.to_address),
                    message.subject,
                    message.body_text,
                )
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            log.warning(
                "mail %s #%s not delivered: %s", message.kind, message.id, type(error).__name__
            )
        else:
            message.sent_at = utcnow()
            message.last_error = None
            message.body_text = SECRET_LINK.sub(LINK_REMOVED_NOTE, message.body_text)
            sent += 1
        db.session.commit()
    return sent


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("outbox_queued", None)


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
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
