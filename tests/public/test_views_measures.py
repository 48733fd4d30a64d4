"""The public hearing page of a hearing on several measures: counts per measure, and which
measures each published testimony addresses."""

from __future__ import annotations

from app.testimony.models import Position, ReviewStatus
from tests.factories import (
    make_committee,
    make_hearing,
    make_measure,
    make_testimony,
    set_review_status,
)


def test_each_measure_shows_its_own_counts_and_testimony_shows_every_measure(client, db):
    committee = make_committee()
    house = make_measure(committee, number="H.1538", title="Moratorium")
    senate = make_measure(committee, number="S.927", title="Moratorium")
    hearing = make_hearing(committee=committee, measures=0)
    hearing.measures = [house, senate]
    db.session.flush()
    both = make_testimony(
        hearing,
        full_name="Ada Both",
        measures=((house.id, Position.SUPPORT), (senate.id, Position.OPPOSE)),
    ).testimony
    house_only = make_testimony(
        hearing, full_name="Ben House", measures=((house.id, Position.SUPPORT),)
    ).testimony
    for testimony in (both, house_only):
        set_review_status(testimony, ReviewStatus.APPROVED)
    db.session.commit()

    page = client.get(f"/hearings/{hearing.id}").text

    assert "Published testimony on H.1538: support 2, oppose 0, neutral 0." in page
    assert "Published testimony on S.927: support 0, oppose 1, neutral 0." in page
    # The hearing's own count counts each testimony once.
    assert "2 testimonies have been reviewed and published." in page
    assert "H.1538: Support; S.927: Oppose" in page


def test_a_hearing_on_one_measure_shows_no_count_per_measure(client, db):
    hearing = make_hearing()
    set_review_status(make_testimony(hearing).testimony, ReviewStatus.APPROVED)
    db.session.commit()

    page = client.get(f"/hearings/{hearing.id}").text

    assert "Published testimony on" not in page
    assert f"Support · {hearing.measures[0].number}" in page
