"""The public listing's keyset paging, checked against the order worked out by hand from every
letter: page after page, each campaign once and each letter on its own once, none skipped."""

from __future__ import annotations

import random
from datetime import timedelta

from app.platform.timezones import utcnow
from app.public import listing
from app.testimony.models import Position, ReviewStatus, Testimony
from tests.factories import make_hearing, make_testimony, set_review_status

START = utcnow() - timedelta(hours=3)
FORM_LETTERS = [
    "As a resident I urge you to pass a moratorium on government use of face surveillance.",
    "Please vote against the ordinance, it leaves our neighbourhoods watched around the clock.",
    "The library cameras must go: readers deserve privacy and the city has no need to watch.",
]


def expected_order(letters: list[Testimony], position: Position | None = None) -> list[str]:
    """Every listed item's name in the order the page must show them."""
    keys: dict[str, tuple] = {}
    for t in letters:
        if t.status is not ReviewStatus.APPROVED:
            continue
        if position is not None and t.position is not position:
            continue
        name = f"c-{t.campaign_id}" if t.campaign_id is not None else f"t-{t.id}"
        key = (t.received_at, t.id)
        if name in keys:  # a campaign: its first time, then its lowest id
            keys[name] = (min(keys[name][0], key[0]), min(keys[name][1], key[1]))
        else:
            keys[name] = key
    return sorted(keys, key=keys.get)


def walked(hearing, filters: listing.Filters | None = None) -> list[str]:
    filters = filters or listing.Filters()
    seen, cursor = [], None
    for _ in range(100):
        page = listing.hearing_page(hearing, filters, cursor)
        for item in page.items:
            if item.group is not None:
                seen.append(f"c-{item.group.campaign_id}")
            elif item.testimony.campaign_id is not None:
                seen.append(f"c-{item.testimony.campaign_id}")
            else:
                seen.append(f"t-{item.testimony.id}")
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("the pages never ended")


def test_pages_follow_the_expected_order_with_ties_and_unpublished_letters(db, monkeypatch):
    rng = random.Random(22)
    hearing = make_hearing(now=START)
    letters = []
    for n in range(45):
        form = rng.random() < 0.6
        body = rng.choice(FORM_LETTERS) if form else f"My own view, number {n}."
        position = rng.choice(list(Position))
        testimony = make_testimony(
            hearing,
            full_name=f"Sender {n}",
            body=body,
            position=position,
            # Several letters at the same second: the id decides between them.
            now=START + timedelta(seconds=rng.randrange(15)),
        ).testimony
        status = rng.choice([ReviewStatus.APPROVED] * 3 + [ReviewStatus.PENDING])
        if status is not ReviewStatus.PENDING:
            set_review_status(testimony, status)
        letters.append(testimony)
    db.session.flush()
    assert len({t.campaign_id for t in letters if t.campaign_id}) >= 2

    for size in (1, 2, 3, 4):
        # Each size puts the pages' edges elsewhere, between letters of the same second too.
        monkeypatch.setattr(listing, "PAGE_SIZE", size)
        assert walked(hearing) == expected_order(letters)
        for position in Position:
            chosen = listing.Filters(position=position)
            assert walked(hearing, chosen) == expected_order(letters, position)


def test_a_campaigns_count_and_first_names_leave_out_letters_not_listed(db):
    hearing = make_hearing(now=START)
    letters = [
        make_testimony(hearing, full_name=f"Sender {n}", body=FORM_LETTERS[0]).testimony
        for n in range(4)
    ]
    for testimony in letters[:3]:
        set_review_status(testimony, ReviewStatus.APPROVED)
    letters[1].disputed_at = START  # its address's owner said they did not send it
    db.session.flush()

    [item] = listing.hearing_page(hearing, listing.Filters(), None).items

    assert item.group.size == 2
    assert [s.full_name for s in item.group.signers] == ["Sender 0", "Sender 2"]
