"""A body's setting for e-mailing residents when their testimony is published or not
published (app/testimony/review_notices.py reads it when each letter is written)."""

from __future__ import annotations

from datetime import datetime

from app.accounts.models import StaffUser
from app.hearings.models import Body
from app.platform import audit
from app.platform.extensions import db


def set_review_outcome_mail(actor: StaffUser, body: Body, *, on: bool, now: datetime) -> bool:
    """Turn the residents' published / not published e-mails on or off for the body; audited
    when it changes. Returns whether it changed. Flushes."""
    if body.notify_review_outcomes is on:
        return False
    body.notify_review_outcomes = on
    db.session.flush()
    audit.record(actor.audit_name, "body.review_outcome_mail_changed", body, at=now, notify=on)
    return True
