"""Shared set-up for the endorsement tests: testimony and campaigns as residents, moderators
and placement make them."""

from __future__ import annotations

from app.testimony.models import ReviewStatus
from tests.factories import make_testimony, set_review_status

LETTER = (
    "As a resident of Massachusetts, I urge you to pass a moratorium on government use of face "
    "surveillance. This technology is dangerously inaccurate and threatens our right to speak "
    "and assemble freely."
)


def published(hearing, **overrides):
    """Testimony submitted through the service and approved; returns the Testimony."""
    testimony = make_testimony(hearing, **overrides).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    return testimony


def campaign_letters(hearing, *, approved: int = 2, pending: int = 0):
    """Letters sharing one text, grouped into one campaign: `approved` published ones first,
    then `pending` ones awaiting review. Returns the letters (their campaign is on each)."""
    letters = [published(hearing, body=LETTER, full_name=f"Sender {n}") for n in range(approved)]
    letters += [
        make_testimony(hearing, body=LETTER, full_name=f"Waiting {n}").testimony
        for n in range(pending)
    ]
    assert letters[0].campaign_id is not None
    return letters
