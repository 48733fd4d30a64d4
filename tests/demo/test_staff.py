"""The demo's staff accounts are made once and cannot be signed in to."""

from __future__ import annotations

from app.accounts import passwords
from app.accounts.models import Role
from app.demo.staff import demo_staff
from app.platform.timezones import utcnow


def test_made_once_with_a_password_nobody_knows(db):
    clerk, created = demo_staff("demo-clerk@example.gov", "Demo Clerk", Role.CLERK, utcnow())
    assert created == 1 and clerk.role is Role.CLERK
    again, created_again = demo_staff("demo-clerk@example.gov", "Other", Role.ADMIN, utcnow())
    assert (again.id, created_again, again.name) == (clerk.id, 0, "Demo Clerk")
    assert not passwords.verify_password(clerk.password_hash, "")
