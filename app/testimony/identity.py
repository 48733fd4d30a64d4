"""How far a testimony's sender can be trusted: e-mail confirmation and "I did not send this".

Each receipt e-mail carries two private links. One confirms the address (the testimony is then
marked confirmed); the other lets the owner of the address say they did not send it, which
keeps the testimony out of packets and public pages until a moderator decides to keep it.
Links only show a page with a button, so a mail scanner that opens links changes nothing.
Each works once; what happened is in the audit log, which is never edited.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime

from disposable_email_domains import blocklist as DISPOSABLE_DOMAINS
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, update

from app.accounts.models import Role, StaffUser
from app.platform import audit, outbox
from app.platform.extensions import db
from app.testimony.models import Testimony

CONFIRM = "confirm"
DISPUTE = "dispute"


def link_token(testimony: Testimony, purpose: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"{purpose}:{testimony.id}:{testimony.receipt_token_hash}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def link(testimony: Testimony, purpose: str) -> str:
    base_url = current_app.config["BASE_URL"].rstrip("/")
    return f"{base_url}/identity/{testimony.id}/{purpose}/{link_token(testimony, purpose)}"


def find(testimony_id: int, purpose: str, token: str) -> Testimony | None:
    testimony = db.session.get(Testimony, testimony_id)
    if testimony is None or not hmac.compare_digest(link_token(testimony, purpose), token):
        return None
    return testimony


# What each link records: the column it sets once, and the audit action.
_MARKS = {
    CONFIRM: ("email_confirmed_at", "testimony.email_confirmed"),
    DISPUTE: ("disputed_at", "testimony.disputed"),
}


def recorded(testimony: Testimony, purpose: str) -> bool:
    """Whether the address was already confirmed (or the testimony already disputed)."""
    return getattr(testimony, _MARKS[purpose][0]) is not None


def record(testimony: Testimony, purpose: str, *, now: datetime) -> bool:
    """Confirm the address or record the dispute, once; False when it already was."""
    column, action = _MARKS[purpose]
    done = db.session.execute(
        update(Testimony)
        .where(Testimony.id == testimony.id, getattr(Testimony, column).is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(testimony)
    if done:
        audit.record(audit.RESIDENT, action, testimony, at=now)
        if purpose == DISPUTE:
            _alert_moderators(testimony)
            _recheck_review_notice(testimony)
    return bool(done)


def _alert_moderators(testimony: Testimony) -> None:
    """E-mail the moderators (or, with none, the administrators) that a sender disputed a
    testimony. The message names the testimony only; who disputed it stays on the review page."""
    staff = db.session.scalars(
        select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.id)
    ).all()
    chosen = [u for u in staff if u.role is Role.MODERATOR] or [
        u for u in staff if u.role is Role.ADMIN
    ]
    base_url = current_app.config["BASE_URL"].rstrip("/")
    review_path = url_for("moderation.review", testimony_id=testimony.id)
    # Staff read the product's own language, not the resident's who pressed the link.
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        for user in chosen:
            outbox.queue(
                "testimony_disputed",
                to=user.email,
                subject=_("Testimony disputed: %(number)s", number=testimony.tracking_number),
                testimony=testimony,
                hearing=testimony.hearing,
                review_url=f"{base_url}{review_path}",
            )


def keep_disputed(actor: StaffUser, testimony: Testimony, *, now: datetime) -> bool:
    """A moderator decides a disputed testimony belongs in packets after all."""
    # Conditional, so two moderators pressing "keep" at once record it once.
    kept = db.session.execute(
        update(Testimony)
        .where(
            Testimony.id == testimony.id,
            Testimony.disputed_at.is_not(None),
            Testimony.dispute_kept_at.is_(None),
        )
        .values(dispute_kept_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(testimony)
    if not kept:
        return False
    audit.record(actor.audit_name, "testimony.dispute_kept", testimony, at=now)
    _recheck_review_notice(testimony)
    return True


def _recheck_review_notice(testimony: Testimony) -> None:
    """Whether the resident is told the outcome depends on the dispute: a letter not yet sent
    is taken back when they dispute, and one is written when a moderator keeps it."""
    from app.testimony import review_notices  # it reads who to write to from this module

    review_notices.queue([testimony.id])


def undisputed():
    """A condition for queries: not disputed, or kept by a moderator despite the dispute."""
    return or_(
        Testimony.disputed_at.is_(None),
        and_(Testimony.disputed_at.is_not(None), Testimony.dispute_kept_at.is_not(None)),
    )


class Confidence(enum.StrEnum):
    """How far the sender's identity can be trusted: shown, never used to refuse testimony."""

    DISPUTED = "disputed"  # the address's owner said they did not send it
    DISPOSABLE = "disposable"  # a throwaway e-mail service
    REPEATED = "repeated"  # several on this hearing with this e-mail, or this name and ZIP
    CONFIRMED = "confirmed"  # the sender followed the confirmation link
    UNCONFIRMED = "unconfirmed"


def is_disposable(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    return domain in DISPOSABLE_DOMAINS


def confidence(testimony: Testimony, repeats: int) -> Confidence:
    """The most telling level first: a dispute outweighs everything else."""
    if testimony.is_disputed:
        return Confidence.DISPUTED
    if is_disposable(testimony.email):
        return Confidence.DISPOSABLE
    if repeats > 1:
        return Confidence.REPEATED
    if testimony.email_confirmed_at is not None:
        return Confidence.CONFIRMED
    return Confidence.UNCONFIRMED


def repeat_counts(hearing_id: int, testimonies: Iterable[Testimony]) -> dict[int, int]:
    """For each testimony, how many on the hearing share its e-mail address, or its name and
    ZIP code, whichever is more (two queries for a whole page or batch)."""
    rows = list(testimonies)
    if not rows:
        return {}
    by_address = dict(
        db.session.execute(
            select(Testimony.email_key, func.count(Testimony.id))
            .where(
                Testimony.hearing_id == hearing_id,
                # No address (an organisation sent it without one) is nobody's address.
                Testimony.email_key.in_({t.email_key for t in rows} - {""}),
            )
            .group_by(Testimony.email_key)
        ).all()
    )
    zip5 = func.substr(Testimony.zip_code, 1, 5)
    by_person = {
        (name, zip_code): count
        for name, zip_code, count in db.session.execute(
            select(Testimony.name_key, zip5, func.count(Testimony.id))
            .where(
                Testimony.hearing_id == hearing_id,
                Testimony.name_key.in_({t.name_key for t in rows}),
            )
            .group_by(Testimony.name_key, zip5)
        ).all()
    }
    return {
        t.id: max(
            by_address.get(t.email_key, 1) if t.email_key else 1,
            by_person.get((t.name_key, t.zip_code[:5]), 1),
        )
        for t in rows
    }
