"""The receipt's two private links for a sign-in: "this is my address" and "I did not sign
this". As for testimony (app/testimony/identity.py), each link only shows a page with a button,
so a mail scanner that opens links changes nothing, and each works once. A dispute takes the
sign-in out of the public counts and the packet's roster until a moderator keeps it."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, or_, update

from app.accounts.models import StaffUser
from app.platform import audit
from app.platform.extensions import db
from app.signins import tallies
from app.signins.models import SignIn, tally_state_of

CONFIRM = "confirm"
DISPUTE = "dispute"
PURPOSES = (CONFIRM, DISPUTE)


def link_token(sign_in: SignIn, purpose: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"sign-in-{purpose}:{sign_in.id}:{sign_in.receipt_token_hash}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


def link(sign_in: SignIn, purpose: str) -> str:
    base_url = current_app.config["BASE_URL"].rstrip("/")
    return f"{base_url}/positions/{sign_in.id}/{purpose}/{link_token(sign_in, purpose)}"


def find(sign_in_id: int, purpose: str, token: str) -> SignIn | None:
    sign_in = db.session.get(SignIn, sign_in_id)
    if sign_in is None or not hmac.compare_digest(link_token(sign_in, purpose), token):
        return None
    return sign_in


_MARKS = {
    CONFIRM: ("email_confirmed_at", "sign_in.email_confirmed"),
    DISPUTE: ("disputed_at", "sign_in.disputed"),
}


def recorded(sign_in: SignIn, purpose: str) -> bool:
    return getattr(sign_in, _MARKS[purpose][0]) is not None


def record(sign_in: SignIn, purpose: str, *, now: datetime) -> bool:
    """Confirm the address or record the dispute, once; False when it already was."""
    column, action = _MARKS[purpose]
    done = db.session.execute(
        update(SignIn)
        .where(SignIn.id == sign_in.id, getattr(SignIn, column).is_(None))
        .values({column: now})
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(sign_in)
    if not done:
        return False
    if purpose == DISPUTE:
        # Read after the update, which holds the row until the commit: the status is the
        # current one, whatever a moderator did a moment before.
        _recount(sign_in, tally_state_of(sign_in.status, disputed=False))
    audit.record(audit.RESIDENT, action, sign_in, at=now)
    return True


def keep_disputed(actor: StaffUser, sign_in: SignIn, *, now: datetime) -> bool:
    """A moderator decides a disputed sign-in counts after all."""
    kept = db.session.execute(
        update(SignIn)
        .where(
            SignIn.id == sign_in.id,
            SignIn.disputed_at.is_not(None),
            SignIn.dispute_kept_at.is_(None),
        )
        .values(dispute_kept_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(sign_in)
    if not kept:
        return False
    _recount(sign_in, tally_state_of(sign_in.status, disputed=True))
    audit.record(actor.audit_name, "sign_in.dispute_kept", sign_in, at=now)
    return True


def _recount(sign_in: SignIn, before: str) -> None:
    after = sign_in.tally_state
    if before == after:
        return
    positions = [(p.measure_id, p.position.value) for p in sign_in.positions]
    tallies.move(
        sign_in.hearing_id,
        sign_in.id,
        [(m, p, before) for m, p in positions],
        [(m, p, after) for m, p in positions],
    )


def undisputed():
    """A condition for queries: not disputed, or kept by a moderator despite the dispute."""
    return or_(SignIn.disputed_at.is_(None), and_(SignIn.dispute_kept_at.is_not(None)))
