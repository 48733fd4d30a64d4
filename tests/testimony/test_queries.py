"""What hearings ask of testimony without importing it: whether a measure has testimony, and
who is told when a hearing changes (everyone with testimony not withdrawn, once an address)."""

from __future__ import annotations

from app.testimony.models import Position, ReviewStatus
from app.testimony.queries import count_residents, has_testimony_on, resident_addresses
from tests.factories import make_hearing, make_testimony, set_review_status


def test_whether_a_measure_has_testimony(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    other = make_hearing()
    make_testimony(hearing, measure_id=first.id)
    db.session.flush()
    assert has_testimony_on(hearing.id, {first.id})
    assert has_testimony_on(hearing.id, {first.id, second.id})
    assert not has_testimony_on(hearing.id, {second.id})
    assert not has_testimony_on(hearing.id, set())
    assert not has_testimony_on(other.id, {first.id})


def test_a_measure_addressed_beside_another_has_testimony_too(db):
    hearing = make_hearing(measures=3)
    first, second, third = hearing.measures
    make_testimony(hearing, measures=((first.id, Position.SUPPORT), (second.id, Position.OPPOSE)))
    db.session.flush()
    # A clerk cannot take the second off the agenda: testimony addresses it.
    assert has_testimony_on(hearing.id, {second.id})
    assert not has_testimony_on(hearing.id, {third.id})


def test_residents_are_counted_once_an_address_whatever_its_case(db):
    hearing = make_hearing()
    make_testimony(hearing, email="ana@example.org")
    make_testimony(hearing, email="Ana@Example.org")
    make_testimony(hearing, email="ben@example.org")
    make_testimony(make_hearing(), email="carla@example.org")
    db.session.flush()
    assert count_residents(hearing.id) == 2


def test_withdrawn_testimony_and_erased_addresses_are_not_told(db):
    hearing = make_hearing()
    kept = make_testimony(hearing, email="ana@example.org").testimony
    withdrawn = make_testimony(hearing, email="ben@example.org").testimony
    erased = make_testimony(hearing, email="carla@example.org").testimony
    set_review_status(withdrawn, ReviewStatus.WITHDRAWN)
    erased.email = ""  # the body's retention period removed it, leaving a key of its own
    erased.email_key = f"removed:{erased.id}"
    db.session.flush()
    assert count_residents(hearing.id) == 1
    assert [email for email, _key, _language in resident_addresses(hearing.id)] == [kept.email]


def test_addresses_come_oldest_first_so_the_latest_language_is_last(db):
    hearing = make_hearing()
    make_testimony(hearing, email="Ana@Example.org").testimony.language = "en"
    make_testimony(hearing, email="ana@example.org").testimony.language = "es"
    db.session.flush()
    assert resident_addresses(hearing.id) == [
        ("Ana@Example.org", "ana@example.org", "en"),
        ("ana@example.org", "ana@example.org", "es"),
    ]
