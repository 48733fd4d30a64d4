"""Testimony on several measures of a hearing: what is stored, what is refused, amending the
measures, and how it is counted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.moderation import queries
from app.moderation.queries import QueueFilter
from app.platform.timezones import utcnow
from app.testimony import services, tallies
from app.testimony.models import Position, ReviewStatus, Testimony, TestimonyMeasure
from app.testimony.services import UnknownMeasure
from app.testimony.submissions import Amendment
from tests.factories import make_hearing, make_submission, make_testimony, set_review_status

SUPPORT, OPPOSE, NEUTRAL = Position.SUPPORT, Position.OPPOSE, Position.NEUTRAL


def stances_of(db, testimony) -> list[tuple[int, Position]]:
    rows = db.session.execute(
        select(TestimonyMeasure.measure_id, TestimonyMeasure.position)
        .where(TestimonyMeasure.testimony_id == testimony.id)
        .order_by(TestimonyMeasure.measure_id)
    )
    return [tuple(row) for row in rows]


def stored(db) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(Testimony.id))),
        db.session.scalar(select(func.count()).select_from(TestimonyMeasure)),
    )


def amendment(testimony, measures, **values) -> Amendment:
    fields = {
        "measure_id": measures[0][0],
        "position": measures[0][1],
        "body": testimony.body,
        "speaking_request": testimony.speaking_request,
        "reason": "The companion bill too.",
        "measures": tuple(measures),
    }
    return Amendment(**(fields | values))


def test_the_first_measure_on_the_agenda_is_the_main_one(db):
    hearing = make_hearing(measures=3)
    first, second, third = hearing.measures

    testimony = make_testimony(
        hearing, measures=((third.id, NEUTRAL), (second.id, OPPOSE))
    ).testimony

    assert stances_of(db, testimony) == [(second.id, OPPOSE), (third.id, NEUTRAL)]
    assert (testimony.measure_id, testimony.position) == (second.id, OPPOSE)
    assert [s.measure_id for s in testimony.in_agenda_order()] == [second.id, third.id]
    assert first.id not in {s.measure_id for s in testimony.stances}


def test_one_measure_is_stored_as_ever(db):
    hearing = make_hearing(measures=2)

    testimony = make_testimony(hearing, measure_id=hearing.measures[1].id, position=OPPOSE)

    assert stances_of(db, testimony.testimony) == [(hearing.measures[1].id, OPPOSE)]


@pytest.mark.parametrize("case", ["other hearing", "twice", "unknown"])
def test_a_measure_not_on_the_agenda_or_named_twice_stores_nothing(db, case):
    hearing = make_hearing(measures=2)
    other = make_hearing()
    first = hearing.measures[0].id
    second = {
        "other hearing": other.measures[0].id,
        "twice": first,
        "unknown": 999_999,
    }[case]
    before = stored(db)

    with pytest.raises(UnknownMeasure):
        services.submit_testimony(
            hearing,
            make_submission(hearing, measures=((first, SUPPORT), (second, OPPOSE))),
            now=utcnow(),
        )

    assert stored(db) == before


def test_amending_the_measures_keeps_the_earlier_list_and_moves_the_counts(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    testimony = make_testimony(hearing, measures=((first.id, SUPPORT),)).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)

    changed = services.amend_testimony(
        testimony, amendment(testimony, [(second.id, OPPOSE), (first.id, NEUTRAL)]), now=utcnow()
    )

    assert changed is True
    assert stances_of(db, testimony) == [(first.id, NEUTRAL), (second.id, OPPOSE)]
    assert (testimony.measure_id, testimony.position) == (first.id, NEUTRAL)
    assert testimony.status is ReviewStatus.PENDING
    assert testimony.versions[0].stances() == [(first.id, SUPPORT)]
    assert testimony.versions[0].measures == [[first.id, "support"]]
    counts = tallies.counts([hearing.id])[hearing.id]
    assert counts == {("pending", "neutral", ""): 1}


def test_the_same_measures_in_another_order_change_nothing(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    testimony = make_testimony(
        hearing, measures=((first.id, SUPPORT), (second.id, OPPOSE))
    ).testimony

    changed = services.amend_testimony(
        testimony, amendment(testimony, [(second.id, OPPOSE), (first.id, SUPPORT)]), now=utcnow()
    )

    assert changed is False
    assert testimony.version == 1


def test_an_amendment_naming_a_measure_off_the_agenda_changes_nothing(db):
    hearing = make_hearing(measures=2)
    other = make_hearing()
    testimony = make_testimony(hearing).testimony

    with pytest.raises(UnknownMeasure):
        services.amend_testimony(
            testimony,
            amendment(
                testimony, [(hearing.measures[0].id, SUPPORT), (other.measures[0].id, OPPOSE)]
            ),
            now=utcnow(),
        )

    assert testimony.version == 1
    assert stances_of(db, testimony) == [(hearing.measures[0].id, SUPPORT)]


def test_counts_per_measure_count_it_under_each_and_the_hearing_once(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    for measures in (
        ((first.id, SUPPORT), (second.id, OPPOSE)),
        ((first.id, SUPPORT),),
        ((second.id, NEUTRAL),),
    ):
        set_review_status(
            make_testimony(hearing, measures=measures).testimony, ReviewStatus.APPROVED
        )
    make_testimony(hearing, measures=((first.id, OPPOSE), (second.id, OPPOSE)))  # pending

    by_measure = queries.approved_counts_by_measure(hearing)

    assert by_measure == {
        first.id: {SUPPORT: 2, OPPOSE: 0, NEUTRAL: 0},
        second.id: {SUPPORT: 0, OPPOSE: 1, NEUTRAL: 1},
    }
    # Hearing-wide, each testimony once, under its main measure's position.
    assert queries.approved_position_counts(hearing) == {SUPPORT: 2, OPPOSE: 0, NEUTRAL: 1}


def test_the_queue_filters_by_any_measure_addressed(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    both = make_testimony(hearing, measures=((first.id, SUPPORT), (second.id, OPPOSE))).testimony
    only_second = make_testimony(hearing, measures=((second.id, SUPPORT),)).testimony
    only_first = make_testimony(hearing, measures=((first.id, OPPOSE),)).testimony

    def matching(**chosen) -> set[int]:
        query = queries.matching(hearing, QueueFilter(**chosen))
        return {t.id for t in db.session.scalars(query)}

    assert matching(measure_id=second.id) == {both.id, only_second.id}
    # With a measure, the position taken on that measure.
    assert matching(measure_id=second.id, position=OPPOSE) == {both.id}
    # Without one, the position on the main measure.
    assert matching(position=OPPOSE) == {only_first.id}
    assert matching(position=SUPPORT) == {both.id, only_second.id}
