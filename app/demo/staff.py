"""The demo's staff accounts: they made its decisions and ran its hearing day. Their passwords
are random, so nobody can sign in as them."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from app.accounts.models import Role, StaffUser
from app.accounts.passwords import hash_password
from app.platform.extensions import db


def demo_staff(email: str, name: str, role: Role, now: datetime) -> tuple[StaffUser, int]:
    """The account, made the first time; returns it and how many records were created."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is not None:
        return user, 0
    user = StaffUser(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(secrets.token_urlsafe(32)),
        active=True,
        session_version=1,
        created_at=now,
    )
    db.session.add(user)
    db.session.flush()
    return user, 1
