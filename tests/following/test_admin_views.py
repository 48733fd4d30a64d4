"""Administrators' count of followers per subject: counts only, administrators only."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.platform.timezones import utcnow
from tests.factories import (
    make_follower,
    make_hearing,
    make_staff_user,
    signed_in_client,
)

pytestmark = pytest.mark.usefixtures("fast_hashing")


def test_admins_see_how_many_follow_each_subject_and_no_address(app, db):
    hearing = make_hearing()
    measure = hearing.measures[0]
    make_follower(measure, email="one@example.org")
    make_follower(measure, (hearing, "opening"), email="two@example.org")
    make_follower(measure, email="never@example.org", confirmed_at=None)
    make_follower(email="gone@example.org", unsubscribed_at=utcnow())
    page = signed_in_client(app, make_staff_user(Role.ADMIN)).get("/staff/admin/following")
    assert page.status_code == 200
    text = page.text
    assert "2 confirmed, 1 waiting for confirmation, 1 unsubscribed" in text
    row = text[text.index(measure.number) :]
    assert "<td>2</td><td>0</td>" in row[: row.index("</tr>")]
    hearing_row = text[text.index(hearing.title) :]
    assert "<td>0</td><td>1</td>" in hearing_row[: hearing_row.index("</tr>")]
    assert "@example.org" not in text


def test_other_staff_are_refused(app, db):
    for role in (Role.MODERATOR, Role.CLERK):
        client = signed_in_client(app, make_staff_user(role))
        assert client.get("/staff/admin/following").status_code == 403
