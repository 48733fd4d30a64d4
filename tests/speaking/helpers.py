"""Speakers for hearing-day tests: residents who asked to speak, through the real services."""

from __future__ import annotations

from datetime import timedelta

from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.speaking import services
from app.speaking.models import OrderRule
from app.testimony.models import Position, SpeakingRequest
from tests.factories import make_testimony


def sign_up(hearing, name: str, *, minutes_ago: int, position=Position.SUPPORT, **overrides):
    """A resident's testimony asking to speak, sent `minutes_ago` minutes ago."""
    values = {
        "full_name": name,
        "email": f"{name.split()[0].lower()}@example.org",
        "position": position,
        "speaking_request": SpeakingRequest.IN_PERSON,
        "body": f"Testimony of {name} on face surveillance.",
    }
    return make_testimony(
        hearing, now=utcnow() - timedelta(minutes=minutes_ago), **(values | overrides)
    ).testimony


def version(hearing) -> int:
    return services.run_sheet(hearing).version


def propose(actor, hearing, rule=OrderRule.FIRST_COME, **options):
    values = {"officials_first": False, "group_interpreters": False} | options
    sheet = services.propose_order(
        actor, hearing, rule=rule, seen_version=version(hearing), now=utcnow(), **values
    )
    db.session.flush()
    return sheet


def names(speakers) -> list[str]:
    return [s.full_name for s in speakers]
