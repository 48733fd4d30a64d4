"""Times read naturally in every language: hour and minute, and the zone's everyday name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from app.platform.timezones import local_time
from tests.factories import make_hearing

WINTER = datetime(2026, 12, 8, 19, 0, tzinfo=UTC)  # 2 p.m. in New York, on standard time
SUMMER = datetime(2026, 7, 14, 20, 30, tzinfo=UTC)  # 4:30 p.m. in New York, on daylight time
SECONDS = re.compile(r"\d:\d\d:\d\d")


def _in(app, language: str, moment, zone: str = "America/New_York", style: str = "full"):
    with app.test_request_context(), force_locale(language):
        return local_time(moment, zone, style)


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("en", "full", "Tuesday, December 8, 2026 at 2:00 PM EST"),
        ("en", "short", "Dec 8, 2026, 2:00 PM EST"),
        ("en", "time", "2:00 PM EST"),
        ("es", "full", "martes, 8 de diciembre de 2026, 14:00, hora del Este"),
        ("es", "short", "8 dic 2026, 14:00, hora del Este"),
        ("es", "time", "14:00, hora del Este"),
    ],
)
def test_a_time_is_written_as_people_say_it(app, language, style, expected):
    assert _in(app, language, WINTER, style=style) == expected


def test_spanish_names_the_zone_the_same_in_summer_and_winter(app):
    """Not "hora estándar oriental" in winter and "hora de verano oriental" in summer."""
    assert _in(app, "es", SUMMER) == "martes, 14 de julio de 2026, 16:30, hora del Este"
    assert _in(app, "en", SUMMER) == "Tuesday, July 14, 2026 at 4:30 PM EDT"


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        ("America/Chicago", "hora del Centro"),
        ("America/Denver", "hora de la Montaña"),
        ("America/Phoenix", "hora de la Montaña"),
        ("America/Los_Angeles", "hora del Pacífico"),
        ("America/Anchorage", "hora de Alaska"),
        ("Pacific/Honolulu", "hora de Hawái"),
        ("America/Puerto_Rico", "hora del Atlántico"),
        ("America/Detroit", "hora del Este"),
        ("America/Indiana/Indianapolis", "hora del Este"),
    ],
)
def test_spanish_uses_the_everyday_name_of_each_american_zone(app, zone, name):
    written = _in(app, "es", WINTER, zone=zone, style="time")
    assert written.endswith(f", {name}")
    assert "estándar" not in written and "(" not in written


def test_a_zone_without_an_everyday_name_gets_the_common_one_from_the_locale_data(app):
    assert _in(app, "es", WINTER, zone="Europe/Madrid", style="time") == (
        "20:00, hora de Europa central"
    )


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("style", ["full", "short", "time"])
def test_no_language_shows_seconds(app, language, style):
    assert not SECONDS.search(_in(app, language, SUMMER, style=style))


def test_nothing_to_show_for_no_time(app):
    assert _in(app, "es", None) == ""


def test_the_hearing_page_in_spanish_shows_natural_times(app, client, db):
    hearing = make_hearing(starts_at=WINTER)
    db.session.commit()
    page = client.get(f"/hearings/{hearing.id}", headers={"Accept-Language": "es"})
    assert page.status_code == 200
    assert "martes, 8 de diciembre de 2026, 14:00, hora del Este" in page.text
    assert not SECONDS.search(page.text)
    assert "estándar" not in page.text
