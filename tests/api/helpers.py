"""Shared set-up for the API tests: published testimony as residents and moderators make it."""

from __future__ import annotations

from app.moderation.services import Decision, decide
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus
from tests.factories import make_staff_user, make_testimony


def publish(hearing, **overrides):
    """Submit testimony through the service and approve it as a moderator does (its tallies
    follow); returns the Testimony."""
    testimony = make_testimony(hearing, **overrides).testimony
    decide(
        make_staff_user(),
        testimony,
        Decision(ReviewStatus.APPROVED),
        expected=ReviewStatus.PENDING,
        now=utcnow(),
    )
    return testimony


def walk(client, address: str) -> list[dict]:
    """Every item of a paged list, following `next` to the end."""
    items: list[dict] = []
    while address:
        answer = client.get(address)
        assert answer.status_code == 200, answer.text
        page = answer.get_json()
        items.extend(page["items"])
        address = page["next"]
    return items
