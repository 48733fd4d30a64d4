"""Slow down password guessing against one staff account, however many addresses it comes from.

The per-address limits on the login route (app/accounts/views.py) stop one machine; this stops
many. Failed sign-ins are counted per e-mail address typed, in the database so that every
worker sees the same count. Once an account has had more than SIGN_IN_FREE_FAILURES failures
in a row, each further failure makes every try for it wait: SIGN_IN_FIRST_DELAY, doubling,
never more than SIGN_IN_MAX_DELAY, counted from the last failure. During the wait even the
right password is refused, with the time to try again. A stranger can therefore slow an
account but never lock it: the wait is capped, refused tries do not lengthen it, and a browser
that signed in to the account before (a signed "device" cookie) is not made to wait at all.
Admins are told once per burst, when the waits begin.

Callers commit. No e-mail address is stored: the key is a keyed hash of it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.models import SignInThrottle
from app.platform.errors import DomainError
from app.platform.extensions import db


class SignInDelayed(DomainError):
    """Too many failed sign-ins for this account lately; `until` says when to try again."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"sign-in delayed until {until.isoformat()}")


def account_key(email: str) -> str:
    """A keyed hash of the normalised e-mail address: the same for every worker, useless to
    anyone reading the table without the application's secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    normalised = email.strip().lower().encode()
    return hmac.new(secret, b"sign-in:" + normalised, hashlib.sha256).hexdigest()


def delayed_until(key: str, now: datetime) -> datetime | None:
    """When the account may be tried again, if it must wait now."""
    until = db.session.scalar(
        select(SignInThrottle.delayed_until).where(SignInThrottle.account_key == key)
    )
    return until if until is not None and now < until else None


def delay_after(failures: int) -> timedelta | None:
    """How long to wait after the `failures`-th failure in a row (None: no wait yet)."""
    config = current_app.config
    beyond = failures - config["SIGN_IN_FREE_FAILURES"]
    if beyond <= 0:
        return None
    first, cap = config["SIGN_IN_FIRST_DELAY"], config["SIGN_IN_MAX_DELAY"]
    # Capped before multiplying: a long burst must not overflow the doubling.
    return min(cap, first * 2 ** min(beyond - 1, 30))


def count_failure(key: str, *, now: datetime) -> int:
    """Record a failed sign-in; return how many failures in a row the account has had.

    One statement adds the row or counts on it, so failures arriving at once from many
    addresses each get their own number: exactly one of them crosses the threshold.
    """
    memory: timedelta = current_app.config["SIGN_IN_FAILURE_MEMORY"]
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(SignInThrottle)
        .values(account_key=key, failures=1, last_failure_at=now)
        .on_conflict_do_update(
            index_elements=["account_key"],
            set_={
                # After a quiet spell, a failure starts a new count (and a new burst).
                "failures": case(
                    (SignInThrottle.last_failure_at < now - memory, 1),
                    else_=SignInThrottle.failures + 1,
                ),
                "last_failure_at": now,
            },
        )
        .returning(SignInThrottle.failures)
    )
    failures = db.session.execute(statement).scalar_one()
    delay = delay_after(failures)
    if delay is not None:
        until = now + delay
        # Of failures landing together, the longest wait wins.
        db.session.execute(
            update(SignInThrottle)
            .where(SignInThrottle.account_key == key)
            .where(
                (SignInThrottle.delayed_until.is_(None)) | (SignInThrottle.delayed_until < until)
            )
            .values(delayed_until=until)
            .execution_options(synchronize_session=False)
        )
    _forget_quiet_throttles(before=now - memory)
    return failures


# Quiet throttles deleted by one failed sign-in, at most.
CLEAN_UP_BATCH = 100


def _forget_quiet_throttles(*, before: datetime) -> None:
    """Delete a few throttles nobody has failed on since `before`, so spraying made-up
    addresses cannot grow the table for long.

    Called after this failure's own row is written, and it skips rows another sign-in holds
    (SKIP LOCKED, PostgreSQL): two failures at once, each deleting the other's old row before
    counting on its own, would deadlock. A bounded batch, oldest first, keeps each failure cheap.
    """
    quiet = (
        select(SignInThrottle.account_key)
        .where(SignInThrottle.last_failure_at < before)
        .order_by(SignInThrottle.last_failure_at)
        .limit(CLEAN_UP_BATCH)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        delete(SignInThrottle)
        .where(SignInThrottle.account_key.in_(quiet))
        .execution_options(synchronize_session=False)
    )


def starts_delays(failures: int) -> bool:
    """Whether this failure is the one that begins the waits (when admins are told)."""
    return failures == current_app.config["SIGN_IN_FREE_FAILURES"] + 1


def forget_failures(key: str) -> None:
    """A successful sign-in: the count starts again from nothing."""
    db.session.execute(
        delete(SignInThrottle)
        .where(SignInThrottle.account_key == key)
        .execution_options(synchronize_session=False)
    )
