"""The packet with testimony on several measures: printed once, listed in the contents under
every measure it addresses, counted on the cover under each with its position there."""

from __future__ import annotations

import re
from datetime import timedelta

from app.accounts.models import Role
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import Position, ReviewStatus
from tests.exports.packet.test_pdf import (
    export,
    heading_pages,
    page_texts,
)
from tests.factories import (
    make_committee,
    make_hearing,
    make_measure,
    make_staff_user,
    make_testimony,
    set_review_status,
)


class Scene:
    """A hearing on a House and a Senate bill: Ada on both, Ben on the House bill only, Cy on
    the Senate bill only, and one on both still pending."""

    def __init__(self) -> None:
        now = utcnow()
        committee = make_committee()
        self.house = make_measure(committee, number="H.1538", title="Face surveillance moratorium")
        self.senate = make_measure(committee, number="S.927", title="Face surveillance moratorium")
        self.hearing = make_hearing(committee=committee, measures=0, now=now)
        self.hearing.measures.extend([self.house, self.senate])
        _db.session.flush()
        self.clerk = make_staff_user(Role.CLERK)
        self.measures = [self.house, self.senate]

        def submit(name: str, minutes: int, stances, status=ReviewStatus.APPROVED):
            testimony = make_testimony(
                self.hearing,
                now=now - timedelta(minutes=60 - minutes),
                full_name=name,
                email=f"{name.lower()}@example.org",
                body=f"{name}word testimony.",
                measures=tuple(stances),
            ).testimony
            return set_review_status(testimony, status)

        # Given Senate first: the main measure is the first on the agenda all the same.
        self.ada = submit(
            "Ada", 1, [(self.senate.id, Position.OPPOSE), (self.house.id, Position.SUPPORT)]
        )
        self.ben = submit("Ben", 2, [(self.house.id, Position.OPPOSE)])
        self.cy = submit("Cy", 3, [(self.senate.id, Position.NEUTRAL)])
        self.pending = submit(
            "Dee",
            4,
            [(self.house.id, Position.SUPPORT), (self.senate.id, Position.SUPPORT)],
            ReviewStatus.PENDING,
        )
        _db.session.commit()


def contents_of(data: bytes) -> str:
    texts = page_texts(data)
    return texts[1]


def test_testimony_on_two_measures_is_printed_once_and_listed_under_both(db):
    scene = Scene()

    packet, data = export(scene)

    assert packet.item_count == 3
    assert (scene.ada.measure_id, scene.ada.position) == (scene.house.id, Position.SUPPORT)
    (page,) = heading_pages(data, scene.ada.tracking_number)
    texts = page_texts(data)
    assert sum(text.count("Adaword") for text in texts) == 1
    assert "Measures H.1538: Support · S.927: Oppose" in texts[page - 1]
    contents = contents_of(data)
    house = contents.index("H.1538: Face surveillance moratorium")
    senate = contents.index("S.927: Face surveillance moratorium")
    ada = scene.ada.tracking_number
    # Under the House bill where it is printed, and under the Senate bill pointing there.
    assert house < contents.index(ada) < senate
    assert re.search(rf"{ada} [^\d]*: see page {page} {page} ", contents[senate:]), contents
    assert contents.count(ada) == 2
    assert scene.pending.tracking_number not in contents


def test_the_cover_counts_it_under_each_measure_and_once_in_all(db):
    scene = Scene()

    _packet, data = export(scene)

    cover = page_texts(data)[0]
    table = (
        "Measure Position Testimony Residents To speak "
        "H.1538 Support 1 0 0 "
        "H.1538 Oppose 1 0 0 "
        "S.927 Oppose 1 0 0 "
        "S.927 Neutral 1 0 0 "
        "All 3 0 0 "
    )
    assert table in cover
    assert "3 approved testimonies" in cover


def test_a_measures_packet_holds_the_testimony_that_addresses_it(db):
    scene = Scene()

    packet, data = export(scene, measure=scene.senate)

    assert packet.item_count == 2
    assert len(heading_pages(data, scene.ada.tracking_number)) == 1
    assert len(heading_pages(data, scene.cy.tracking_number)) == 1
    assert scene.ben.tracking_number not in " ".join(page_texts(data))
    cover = page_texts(data)[0]
    assert "S.927 Oppose 1 0 0 S.927 Neutral 1 0 0 All 2 0 0" in cover
    assert "H.1538 Support" not in cover
    # One testimony on both measures awaits review, and is said to.
    assert "1 testimony awaits review and is not in this packet." in cover
