"""Organisations and their API keys.

An API key is shown to the admin who issues it once and never stored: only its SHA-256 hash is
kept (see app/organisations/keys.py for why a fast hash is right here). Each key may do only
what its scopes say, only for the bodies listed for it, only until it expires or is revoked.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import StaffUser
from app.hearings.models import Body
from app.platform.columns import enum_column
from app.platform.extensions import db
from app.platform.timezones import UTCDateTime, utcnow


class ApiScope(enum.StrEnum):
    """What a key may do."""

    SUBMIT_TESTIMONY = "submit_testimony"
    SUBMIT_SIGN_INS = "submit_sign_ins"
    # Sign on to published testimony and campaigns' letters (app/endorsements).
    ENDORSE = "endorse"


class KeyStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(
            "(archived_at IS NULL AND archived_by_id IS NULL)"
            " OR (archived_at IS NOT NULL AND archived_by_id IS NOT NULL)",
            name="archived_by_whom",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name folded for comparison (case and runs of spaces ignored): "ACLU of Massachusetts"
    # and "aclu of  massachusetts" are one organisation, held to it by the unique index.
    # Unbounded: case folding can lengthen a name ("ß" folds to "ss"), past any limit on it.
    name_key: Mapped[str] = mapped_column(String(), unique=True)
    # Where receipts go for residents whose testimony it sends without an e-mail address.
    contact_email: Mapped[str] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    # Archived organisations keep their history but no working key.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    keys: Mapped[list[ApiKey]] = relationship(
        back_populates="organisation", order_by="ApiKey.id.desc()"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def name_key(name: str) -> str:
    """The form of a name two organisations may not share."""
    return " ".join(name.casefold().split())


api_key_bodies = Table(
    "api_key_bodies",
    db.metadata,
    Column("api_key_id", ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True),
    Column("body_id", ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ApiKeyScope(db.Model):
    __tablename__ = "api_key_scopes"

    api_key_id: Mapped[int] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True
    )
    scope: Mapped[ApiScope] = mapped_column(enum_column(ApiScope, "api_scope"), primary_key=True)


class ApiKey(db.Model):
    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expires_after_created"),
        CheckConstraint("items_per_hour > 0", name="items_per_hour_positive"),
        CheckConstraint(
            "(revoked_at IS NULL AND revoked_by_id IS NULL)"
            " OR (revoked_at IS NOT NULL AND revoked_by_id IS NOT NULL)",
            name="revoked_by_whom",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # The admin's name for it ("Campaign site, production").
    label: Mapped[str] = mapped_column(String(100))
    # The public part of the key (otk_<prefix>_...), shown to admins to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(8), unique=True)
    # SHA-256 of the whole key, hex: looked up through the unique index.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The issuing form's random key: the same form sent twice issues one key.
    form_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Items (testimony or sign-ins) the key may send per hour; the API counts them.
    items_per_hour: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="keys")
    scope_rows: Mapped[list[ApiKeyScope]] = relationship(
        cascade="all, delete-orphan", order_by=ApiKeyScope.scope
    )
    bodies: Mapped[list[Body]] = relationship(secondary=api_key_bodies, order_by=Body.name)
    created_by: Mapped[StaffUser] = relationship(foreign_keys=[created_by_id])
    revoked_by: Mapped[StaffUser | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def scopes(self) -> frozenset[ApiScope]:
        return frozenset(row.scope for row in self.scope_rows)

    @property
    def audit_name(self) -> str:
        """The actor of what is done with this key, in the audit log."""
        return f"api_key:{self.id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def status(self, now: datetime) -> KeyStatus:
        if self.is_revoked:
            return KeyStatus.REVOKED
        if self.is_expired(now):
            return KeyStatus.EXPIRED
        return KeyStatus.ACTIVE

    def allows_body(self, body_id: int) -> bool:
        return any(body.id == body_id for body in self.bodies)

    def display_timezone(self, default: str) -> str:
        """The zone its times are shown in: its first body's, or `default` when it has none."""
        return self.bodies[0].timezone if self.bodies else default
