"""Create and manage staff accounts, and check credentials. Callers commit."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

import pyotp
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from app.accounts import recovery_codes, sign_in_throttle, staff_sessions
from app.accounts.models import Role, StaffPolicy, StaffSession, StaffUser
from app.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password
from app.platform import audit, outbox
from app.platform.errors import DomainError
from app.platform.extensions import db


class WeakPassword(DomainError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = [str(problem) for problem in problems]
        super().__init__(" ".join(self.problems))


class LastAdmin(DomainError):
    def __init__(self) -> None:
        super().__init__(_("At least one active admin must remain."))


class InvalidEmail(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Enter an e-mail address like name@example.org."))


class EmailTaken(DomainError):
    def __init__(self) -> None:
        super().__init__(_("A staff account with this e-mail address already exists."))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def _check_password(password: str, email: str) -> None:
    problems = password_problems(password, email=email)
    if problems:
        raise WeakPassword(problems)


def create_user(
    actor: str, *, email: str, name: str, role: Role, password: str, now: datetime
) -> StaffUser:
    """Add a staff account; `actor` is the admin's audit name, or "system" from the CLI."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail() from error
    if find_user(email) is not None:
        raise EmailTaken()
    _check_password(password, email)
    user = StaffUser(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password),
        active=True,
        session_version=1,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "staff.created", user, at=now, role=role.value)
    return user


def set_password(actor: str, user: StaffUser, password: str, *, now: datetime) -> None:
    _check_password(password, user.email)
    user.password_hash = hash_password(password)
    ended = _end_every_session(user)  # a new password signs out every other session
    audit.record(actor, "staff.password_changed", user, at=now, sessions_ended=ended)


def change_role(actor: str, user: StaffUser, role: Role, *, now: datetime) -> None:
    if user.role is role:
        return
    if user.role is Role.ADMIN and user.active:
        _keep_an_admin(excluding=user)
    old = user.role
    user.role = role
    ended = _end_every_session(user)
    audit.record(
        actor,
        "staff.role_changed",
        user,
        at=now,
        old=old.value,
        new=role.value,
        sessions_ended=ended,
    )


def set_active(actor: str, user: StaffUser, active: bool, *, now: datetime) -> None:
    if user.active is active:
        return
    if not active and user.role is Role.ADMIN:
        _keep_an_admin(excluding=user)
    user.active = active
    ended = _end_every_session(user)
    action = "staff.activated" if active else "staff.deactivated"
    audit.record(actor, action, user, at=now, sessions_ended=ended)


def _keep_an_admin(*, excluding: StaffUser) -> None:
    others = db.session.scalar(
        select(func.count(StaffUser.id)).where(
            StaffUser.role == Role.ADMIN, StaffUser.active.is_(True), StaffUser.id != excluding.id
        )
    )
    if not others:
        raise LastAdmin()


def authenticate(
    email: str, password: str, *, now: datetime, address: str, trusted_device: bool = False
) -> StaffUser | None:
    """Return the user when the password is right; record the attempt either way.

    Raise SignInDelayed, checking no password, while the account waits after too many failures
    from anywhere, unless this browser has signed in to it before (`trusted_device`).
    """
    key = sign_in_throttle.account_key(email)
    until = sign_in_throttle.delayed_until(key, now)
    if until is not None and not trusted_device:
        raise sign_in_throttle.SignInDelayed(until)
    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        # Unknown addresses are not recorded as typed: the audit log must not collect them.
        audit.record_anonymous(
            "login.failed",
            at=now,
            user_id=user.id if user else None,
            address=address,
        )
        failures = sign_in_throttle.count_failure(key, now=now)
        if sign_in_throttle.starts_delays(failures):
            _alert_admins_of_guessing(user, failures=failures, now=now)
        return None
    sign_in_throttle.forget_failures(key)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _alert_admins_of_guessing(user: StaffUser | None, *, failures: int, now: datetime) -> None:
    """Once per burst: an audit row, and for a real account an e-mail to every active admin.

    Guesses at addresses that are no account are recorded without the address (the audit log
    must not collect what strangers type) and mailed to nobody.
    """
    config = current_app.config
    audit.record(
        audit.ANONYMOUS,
        "login.throttled",
        user,
        at=now,
        failures=failures,
        max_delay_minutes=int(config["SIGN_IN_MAX_DELAY"].total_seconds() // 60),
    )
    if user is None:
        return
    admins = db.session.scalars(
        select(StaffUser)
        .where(StaffUser.active.is_(True), StaffUser.role == Role.ADMIN)
        .order_by(StaffUser.id)
    ).all()
    audit_url = config["BASE_URL"].rstrip("/") + url_for("staff_admin.audit_log", action="login.")
    # Staff read the product's own language, not that of whoever typed the passwords.
    with force_locale(config.get("BABEL_DEFAULT_LOCALE", "en")):
        for admin in admins:
            outbox.queue(
                "sign_in_throttled",
                to=admin.email,
                subject=_("Repeated failed sign-ins to a staff account"),
                user=user,
                failures=failures,
                max_minutes=int(config["SIGN_IN_MAX_DELAY"].total_seconds() // 60),
                audit_url=audit_url,
            )


def record_login(user: StaffUser, *, now: datetime, address: str, second_factor: bool) -> None:
    user.last_login_at = now
    db.session.flush()
    audit.record(
        user.audit_name,
        "login.succeeded",
        user,
        at=now,
        address=address,
        second_factor=second_factor,
    )


def end_sessions(user: StaffUser, *, now: datetime, reason: str) -> None:
    """Make every copy of this user's login cookie worthless."""
    ended = _end_every_session(user)
    audit.record(user.audit_name, reason, user, at=now, sessions_ended=ended)


def end_all_sessions(actor: str, user: StaffUser, *, now: datetime) -> int:
    """An admin signs a staff member out of every browser; returns how many sessions ended."""
    ended = _end_every_session(user)
    audit.record(actor, "staff.sessions_ended", user, at=now, count=ended, reason="all")
    return ended


def _end_every_session(user: StaffUser) -> int:
    """Sign `user` out everywhere: the session rows go, and the session version moves on, so
    a cookie from before (a second-factor step half done included) is refused too."""
    user.session_version += 1
    db.session.flush()
    return staff_sessions.delete_all(user)


def start_session(
    user: StaffUser, *, now: datetime, user_agent: str, address: str | None
) -> tuple[str, StaffSession]:
    """Record a newly signed-in browser; the token goes in its cookie."""
    return staff_sessions.start_session(user, now=now, user_agent=user_agent, address=address)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code matches, allowing one step of clock drift either way."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_totp(user: StaffUser, code: str, *, now: datetime) -> bool:
    """Check a second-factor code; each code works once, so an overheard one is useless."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, now)
    if step is None:
        return False
    # Conditional UPDATE: of two requests racing with the same code, only one can use it.
    used = db.session.execute(
        update(StaffUser)
        .where(
            StaffUser.id == user.id,
            or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(user)
    return used == 1


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: StaffUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="OpenTestimony")


def enable_totp(user: StaffUser, secret: str, code: str, *, now: datetime) -> bool:
    """Turn on the second factor once the user proves their app shows the right codes."""
    step = _matching_step(secret, code, now)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    db.session.flush()
    audit.record(user.audit_name, "staff.totp_enabled", user, at=now)
    return True


def turn_on_second_factor(
    user: StaffUser, secret: str, code: str, *, now: datetime
) -> list[str] | None:
    """Turn on the second factor and make its first recovery codes (shown once); None when
    the code does not match."""
    if not enable_totp(user, secret, code, now=now):
        return None
    return recovery_codes.replace_codes(user.audit_name, user, now=now)


class NotConfirmed(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _("That is not your password or a current code. Your recovery codes did not change.")
        )


def regenerate_recovery_codes(user: StaffUser, confirmation: str, *, now: datetime) -> list[str]:
    """A new set of recovery codes for a user who confirms with their password or a current
    authenticator code (used up, like any code); the old set stops working."""
    if not user.uses_totp:
        raise NotConfirmed()
    typed = "".join(confirmation.split())
    if typed.isdigit() and len(typed) == 6:
        confirmed = verify_totp(user, typed, now=now)
    else:
        confirmed = verify_password(user.password_hash, confirmation)
    if not confirmed:
        raise NotConfirmed()
    return recovery_codes.replace_codes(user.audit_name, user, now=now)


@dataclass(frozen=True)
class SecondFactorUsed:
    """How a sign-in's second step was passed; `remaining` recovery codes after using one."""

    recovery_code: bool
    remaining: int | None = None


def verify_second_factor(
    user: StaffUser, typed: str, *, now: datetime, address: str
) -> SecondFactorUsed | None:
    """Check what was typed at the code step: a 6-digit authenticator code, or one of the
    user's recovery codes (any case, spaces or dashes). None when it is neither."""
    if not user.uses_totp:
        return None
    compact = "".join(typed.split())
    if compact.isdigit() and len(compact) == 6:
        return SecondFactorUsed(False) if verify_totp(user, compact, now=now) else None
    left = recovery_codes.use_code(user, typed, now=now, address=address)
    return None if left is None else SecondFactorUsed(True, left)


def reset_totp(actor: str, user: StaffUser, *, now: datetime) -> None:
    """An admin clears a lost second factor; the user sets a new one at next login."""
    user.totp_secret = None
    user.totp_last_step = None
    ended = _end_every_session(user)
    audit.record(actor, "staff.totp_reset", user, at=now, sessions_ended=ended)
    recovery_codes.delete_codes(actor, user, now=now, reason="second_factor_reset")


class SecondFactorRequired(DomainError):
    def __init__(self) -> None:
        super().__init__(_("Your organization requires a second factor for every staff member."))


def check_code_allowed(user: StaffUser, *, now: datetime, trusted_device: bool) -> None:
    """Raise SignInDelayed while the account waits after too many failures (passwords and
    codes count together), unless this browser has signed in to it before."""
    until = sign_in_throttle.delayed_until(sign_in_throttle.account_key(user.email), now)
    if until is not None and not trusted_device:
        raise sign_in_throttle.SignInDelayed(until)


def record_failed_code(user: StaffUser, *, now: datetime, address: str) -> None:
    """A wrong code at sign-in: audited, and counted against the account like a wrong
    password, so recovery codes cannot be guessed faster than passwords."""
    audit.record(user.audit_name, "login.code_failed", user, at=now, address=address)
    failures = sign_in_throttle.count_failure(sign_in_throttle.account_key(user.email), now=now)
    if sign_in_throttle.starts_delays(failures):
        _alert_admins_of_guessing(user, failures=failures, now=now)


def record_code_accepted(user: StaffUser) -> None:
    sign_in_throttle.forget_failures(sign_in_throttle.account_key(user.email))


def staff_policy() -> StaffPolicy:
    return db.session.get(StaffPolicy, 1) or StaffPolicy(id=1, require_totp=False)


def set_policy(actor: str, *, require_totp: bool, now: datetime) -> StaffPolicy:
    policy = db.session.get(StaffPolicy, 1)
    if policy is None:
        policy = StaffPolicy(id=1)
        db.session.add(policy)
    policy.require_totp = require_totp
    db.session.flush()
    audit.record(actor, "staff.policy_changed", policy, at=now, require_totp=require_totp)
    return policy


def disable_totp(user: StaffUser, *, now: datetime) -> None:
    if staff_policy().require_totp:
        raise SecondFactorRequired()
    user.totp_secret = None
    user.totp_last_step = None
    db.session.flush()
    audit.record(user.audit_name, "staff.totp_disabled", user, at=now)
    recovery_codes.delete_codes(user.audit_name, user, now=now, reason="second_factor_off")
