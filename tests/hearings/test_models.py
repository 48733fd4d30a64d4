"""Who counts as a resident of a body: places, ZIP prefixes, and the jurisdiction fallback.

The predicate is pure, so these tests build bodies without a database.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.hearings.models import Body, Hearing, parse_places, parse_zip_prefixes

BOSTON_PLACES = "Boston\nDorchester\r\nEast  Boston, Jamaica Plain\n\n , Roxbury"


def body(jurisdiction="City of Boston", places="", zip_prefixes="") -> Body:
    return Body(
        name="Test body",
        jurisdiction=jurisdiction,
        resident_places=places,
        resident_zip_prefixes=zip_prefixes,
    )


@pytest.mark.parametrize(
    ("city", "expected"),
    [
        ("Boston", True),
        ("Dorchester", True),  # a neighbourhood written as the city
        ("Jamaica Plain", True),
        ("Roxbury", True),  # after a blank entry and a stray comma
        ("  east   BOSTON ", True),  # case and spacing do not matter
        ("jamaica\tplain", True),
        ("City of Boston", True),  # "City of" is dropped
        ("Cambridge", False),
        ("Boston Heights", False),  # whole names only
        ("", False),
    ],
)
def test_places_decide_by_city(city, expected):
    assert body(places=BOSTON_PLACES).is_resident(city, "99999") is expected


def test_a_place_written_as_city_of_matches_the_bare_name():
    assert body(places="City of Newton\nTown of Brookline").is_resident("Brookline", "")
    assert body(places="City of Newton\nTown of Brookline").is_resident("newton", "")


@pytest.mark.parametrize(
    ("zip_code", "expected"),
    [
        ("02124", True),
        ("02124-1234", True),  # ZIP+4
        ("01103", True),
        ("05501", True),
        ("02801", False),  # Rhode Island
        ("10001", False),
        ("0212", False),  # not a ZIP code
        ("", False),
    ],
)
def test_zip_prefixes_decide_by_zip(zip_code, expected):
    massachusetts = body(
        jurisdiction="Commonwealth of Massachusetts", zip_prefixes="010, 011,021, 055"
    )
    assert massachusetts.is_resident("Anywhere", zip_code) is expected


def test_either_a_place_or_a_zip_prefix_is_enough():
    boston = body(places="Boston", zip_prefixes="021")
    assert boston.is_resident("Boston", "90210")
    assert boston.is_resident("Somewhere", "02108")
    assert not boston.is_resident("Cambridge", "03139-0001")


@pytest.mark.parametrize(
    ("jurisdiction", "city", "expected"),
    [
        ("City of Boston", "Boston", True),
        ("City of Boston", "  city of  BOSTON", True),
        ("City of Boston", "Dorchester", False),  # neighbourhoods need a place list
        ("Town of Brookline", "Brookline", True),
        ("Commonwealth of Massachusetts", "Massachusetts", True),
        ("Commonwealth of Massachusetts", "Boston", False),
        ("State of New York", "New York", True),
        ("Boston", "boston", True),
    ],
)
def test_without_places_or_prefixes_the_jurisdiction_name_decides(jurisdiction, city, expected):
    assert body(jurisdiction=jurisdiction).is_resident(city, "02108") is expected


def test_the_fallback_is_not_used_once_a_rule_is_set():
    assert not body(jurisdiction="City of Boston", zip_prefixes="021").is_resident("Boston", "")
    assert not body(jurisdiction="City of Boston", places="Dorchester").is_resident("Boston", "")


def test_resident_matcher_parses_once_and_agrees_with_is_resident():
    council = body(places=BOSTON_PLACES, zip_prefixes="021")
    matcher = council.resident_matcher()
    council.resident_places = ""  # the matcher keeps the rule it was built with
    assert matcher("Dorchester", "90210")
    assert matcher("Cambridge", "02139")
    assert not matcher("Cambridge", "03139")


def test_parse_places_and_zip_prefixes():
    assert parse_places(BOSTON_PLACES) == {
        "boston",
        "dorchester",
        "east boston",
        "jamaica plain",
        "roxbury",
    }
    assert parse_places("") == frozenset()
    assert parse_zip_prefixes(" 027, 010,,010, 1x, 123456, ") == ("010", "027")
    assert parse_zip_prefixes("") == ()


def test_hearing_day_runs_from_an_hour_before_the_start_to_twelve_hours_after():
    start = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)
    hearing = Hearing(starts_at=start)
    assert not hearing.is_hearing_day(start - timedelta(hours=1, minutes=1))
    assert hearing.is_hearing_day(start - timedelta(hours=1))
    assert hearing.is_hearing_day(start + timedelta(hours=12))
    assert not hearing.is_hearing_day(start + timedelta(hours=12, minutes=1))
    hearing.cancelled_at = start - timedelta(days=1)
    assert not hearing.is_hearing_day(start)
