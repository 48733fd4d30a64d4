"""How a campaign ends, and where what organisations signed on to it goes.

A campaign ends when a moderator merges it into another, or when its letters no longer form a
campaign (a member taken out or amended leaves one letter; a regroup moves its letters into
other groups). Organisations may have signed on to its letter (app/endorsements), and that
sign-on was acknowledged to them, so it must follow the letters instead of being deleted with
the campaign row:

- merged: the sign-ons move to the campaign it was merged into;
- dissolved with one letter left: they become sign-ons of that letter;
- dissolved with none left: they follow the letter that stood for the campaign (its
  representative): to the campaign it is in now, or to the letter itself if it stands alone.

Endorsements sit above campaigns in the layers, so the factory hands down how sign-ons are
moved (`SignOns`, registered under SIGN_ONS by app/endorsements/__init__.py) instead of this
package importing them. Every campaign that may have sign-ons is deleted here, after they have
moved (placement's `_join` only takes back one it made a moment before, unseen by anyone).
These functions flush and never commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from flask import current_app
from sqlalchemy import delete, select, update

from app.campaigns.models import Campaign
from app.platform.extensions import db
from app.testimony.models import Testimony

# Where the factory puts the endorsements' answer to "move these sign-ons" (SignOns).
SIGN_ONS = "opentestimony.campaign_sign_ons"


class SignOns(Protocol):
    """Moves the sign-ons of a campaign that ends (in force or withdrawn), auditing each move
    as done by `actor`; each returns how many sign-ons it moved or combined."""

    def follow_campaign(self, ended_id: int, into_id: int, *, actor: str, now: datetime) -> int: ...

    def follow_letter(
        self, ended_id: int, testimony_id: int, *, actor: str, now: datetime
    ) -> int: ...

    def drop(self, ended_id: int, *, actor: str, now: datetime) -> int: ...


def sign_ons() -> SignOns:
    return current_app.extensions[SIGN_ONS]


def end_merged(campaign_id: int, into_id: int, *, actor: str, now: datetime) -> None:
    """The campaign's letters went into `into_id`: so do its sign-ons; then it ends."""
    sign_ons().follow_campaign(campaign_id, into_id, actor=actor, now=now)
    _delete(campaign_id)


def end_dissolved(campaign_id: int, *, actor: str, now: datetime) -> None:
    """The campaign no longer has two letters: its sign-ons follow its letter (see above), its
    last member goes back to standing alone, and it ends."""
    left = db.session.scalars(
        select(Testimony.id).where(Testimony.campaign_id == campaign_id).limit(2)
    ).all()
    if len(left) > 1:
        raise ValueError("a campaign with two letters is not dissolved")
    if left:
        sign_ons().follow_letter(campaign_id, left[0], actor=actor, now=now)
    else:
        _follow_representative(campaign_id, actor=actor, now=now)
    # The ORM's loaded letters learn of the change too ("fetch"): callers read them after.
    db.session.execute(
        update(Testimony)
        .where(Testimony.campaign_id == campaign_id)
        .values(campaign_id=None)
        .execution_options(synchronize_session="fetch")
    )
    _delete(campaign_id)


def _follow_representative(campaign_id: int, *, actor: str, now: datetime) -> None:
    row = db.session.execute(
        select(Testimony.id, Testimony.campaign_id)
        .join(Campaign, Campaign.representative_id == Testimony.id)
        .where(Campaign.id == campaign_id)
    ).first()
    if row is None:
        # Every letter of it was deleted (the representative with them): nothing is left to
        # stand behind. The sign-ons go, each recorded in the audit log.
        sign_ons().drop(campaign_id, actor=actor, now=now)
    elif row.campaign_id is not None and row.campaign_id != campaign_id:
        sign_ons().follow_campaign(campaign_id, row.campaign_id, actor=actor, now=now)
    else:
        sign_ons().follow_letter(campaign_id, row.id, actor=actor, now=now)


def _delete(campaign_id: int) -> None:
    db.session.execute(delete(Campaign).where(Campaign.id == campaign_id))
