"""A resident following the Boston ordinance by e-mail (confirmed), so the demo's committee
action and hearings have someone to tell."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from app.following.models import Follow, Follower, Frequency, SubjectKind
from app.hearings.models import Hearing
from app.platform.extensions import db

FOLLOWER_EMAIL = "lena.follows@example.org"


def load_following(hearings: dict[str, Hearing], now: datetime) -> int:
    """One confirmed follower of Docket #0683; return how many records were created."""
    if db.session.scalar(select(Follower.id).where(Follower.email_key == FOLLOWER_EMAIL)):
        return 0
    measure = hearings["held"].measures[0]
    since = now - timedelta(days=30)
    follower = Follower(
        email=FOLLOWER_EMAIL,
        email_key=FOLLOWER_EMAIL,
        language="en",
        frequency=Frequency.IMMEDIATE,
        link_key=secrets.token_hex(16),
        created_at=since,
        confirmed_at=since,
        digest_due_at=now + timedelta(days=1),
    )
    follower.follows.append(
        Follow(
            subject_kind=SubjectKind.MEASURE,
            subject_id=measure.id,
            created_at=since,
            confirmed_at=since,
        )
    )
    db.session.add(follower)
    db.session.flush()
    return 2
