"""Staff users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow


class Role(enum.StrEnum):
    MODERATOR = "moderator"
    CLERK = "clerk"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self]


# Each role can do everything the roles below it can.
ROLE_RANK = {Role.MODERATOR: 1, Role.CLERK: 2, Role.ADMIN: 3}


class StaffUser(db.Model):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "staff_role"))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Part of the login cookie: bumping it ends every session of this user on the server.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step whose code was accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # Flask-Login's user interface.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: Role) -> bool:
        return self.active and self.role.rank >= role.rank

    @property
    def uses_totp(self) -> bool:
        return self.totp_secret is not None

    @property
    def audit_name(self) -> str:
        return f"user:{self.id}"


class StaffPolicy(db.Model):
    """Rules an admin sets for every staff account; a single row, id 1."""

    __tablename__ = "staff_policies"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    require_totp: Mapped[bool] = mapped_column(Boolean, default=False)


class SignInThrottle(db.Model):
    """Recent failed sign-ins with one e-mail address, from every network address together.

    Keyed by a keyed hash of the address typed (known account or not, so a delay says nothing
    about whether an account exists), never the address itself. Shared by every worker.
    """

    __tablename__ = "sign_in_throttles"
    __table_args__ = (CheckConstraint("failures > 0", name="failures_positive"),)

    account_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Failures since the last quiet spell (SIGN_IN_FAILURE_MEMORY) or successful sign-in.
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Until then, tries for this account are refused (the right password too).
    delayed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def is_delayed(self, now: datetime) -> bool:
        return self.delayed_until is not None and now < self.delayed_until


class RecoveryCode(db.Model):
    """One of a staff member's single-use codes for signing in without their authenticator.

    Only a keyed hash is stored (app/accounts/recovery_codes.py says why not Argon2): the code
    itself is shown once, when the set is made.
    """

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    # A random salt per code, so equal codes of two people never share a hash.
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set once, by a conditional UPDATE: of two sign-ins racing with one code, one wins.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class StaffSession(db.Model):
    """One signed-in browser of a staff member, so that it can be listed and ended.

    The browser's cookie holds a random token; this row holds its SHA-256, never the token.
    What identifies the browser is coarse on purpose (personal data): a browser and system
    name, and the network address shortened to its /24 (IPv4) or /48 (IPv6).
    """

    __tablename__ = "staff_sessions"
    # Ids are never reused on SQLite either: a page listing an ended session must not end a
    # newer one that took its id.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Written at most once every few minutes (SESSION_TOUCH_INTERVAL), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    browser: Mapped[str | None] = mapped_column(String(40))
    system: Mapped[str | None] = mapped_column(String(40))
    network: Mapped[str | None] = mapped_column(String(49))
