"""Sign-ons follow a campaign's letters when the campaign ends: the campaigns package (below
this one) calls these through app.extensions (app/campaigns/endings.py says where they go,
these say how). An organisation was told its sign-on was recorded, so it is never simply
deleted with the campaign.

One sign-on per organisation and target: when the organisation already signed what the
sign-on moves to, the two are combined into the one already there, which stays in force if
either was (a sign-on in force is never turned off by a move), in force since the earlier of
the two times. The one combined away is deleted; its audit row keeps what it was.

Each sign-on moved or combined is one `endorsement.moved` audit row by whoever ended the
campaign. Flushes, never commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.endorsements.models import Endorsement
from app.platform import audit
from app.platform.extensions import db


def follow_campaign(ended_id: int, into_id: int, *, actor: str, now: datetime) -> int:
    """The ended campaign was merged into `into_id`: its sign-ons become the survivor's."""
    return _move(ended_id, "campaign_id", into_id, actor=actor, now=now)


def follow_letter(ended_id: int, testimony_id: int, *, actor: str, now: datetime) -> int:
    """The ended campaign's letter stands alone now: its sign-ons become sign-ons of it."""
    return _move(ended_id, "testimony_id", testimony_id, actor=actor, now=now)


def drop(ended_id: int, *, actor: str, now: datetime) -> int:
    """Nothing of the ended campaign is left to stand behind: its sign-ons are deleted, each
    recorded in the audit log with what it was."""
    rows = _signed(ended_id)
    for row in rows:
        audit.record(actor, "endorsement.dropped", row, at=now, from_campaign_id=ended_id,
                     organisation_id=row.organisation_id, **_times(row))  # fmt: skip
        db.session.delete(row)
    db.session.flush()
    return len(rows)


def _signed(campaign_id: int) -> list[Endorsement]:
    # Only organisations sign on to a campaign (a resident names endorsers on a testimony).
    return list(
        db.session.scalars(
            select(Endorsement)
            .where(Endorsement.campaign_id == campaign_id)
            .order_by(Endorsement.id)
        )
    )


def _times(row: Endorsement) -> dict:
    return {
        "endorsed_at": row.created_at.isoformat(),
        "withdrawn_at": row.withdrawn_at.isoformat() if row.withdrawn_at else None,
    }


def _move(ended_id: int, key: str, target_id: int, *, actor: str, now: datetime) -> int:
    rows = _signed(ended_id)
    if not rows:
        return 0
    column = getattr(Endorsement, key)
    held = {
        row.organisation_id: row
        for row in db.session.scalars(
            select(Endorsement).where(
                column == target_id,
                Endorsement.organisation_id.in_([row.organisation_id for row in rows]),
            )
        )
    }
    for row in rows:
        before = _times(row)
        kept = held.get(row.organisation_id)
        if kept is None:
            row.campaign_id = None
            setattr(row, key, target_id)
            subject, combined = row, {}
        else:
            _combine(kept, row)
            db.session.delete(row)
            subject, combined = kept, {"combined_with_id": row.id}
        db.session.flush()  # the subject's row is as audited, the one combined away gone
        audit.record(actor, "endorsement.moved", subject, at=now, from_campaign_id=ended_id,
                     organisation_id=row.organisation_id, **{f"to_{key}": target_id},
                     **combined, **before)  # fmt: skip
    return len(rows)


def _combine(kept: Endorsement, moving: Endorsement) -> None:
    """Fold `moving` into `kept`, the organisation's sign-on already on the target."""
    if moving.withdrawn_at is not None:
        return  # withdrawn: the sign-on already there says all that is in force
    if kept.withdrawn_at is not None:
        # Withdrawn from the target, never from the letter moving in: in force, as that was.
        kept.withdrawn_at, kept.created_at = None, moving.created_at
    else:
        kept.created_at = min(kept.created_at, moving.created_at)
