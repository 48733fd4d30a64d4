"""What every screen that follows the floor is sent, and the tag that says it changed."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale

from app.accounts.models import Role
from app.platform.timezones import utcnow
from app.speaking import floor, screens, services
from tests.factories import make_hearing, make_staff_user
from tests.speaking.helpers import propose, sign_up, version

T0 = utcnow().replace(microsecond=0)


def _board(hearing):
    sheet = services.run_sheet(hearing)
    return sheet, floor.floor(hearing, sheet, services.speakers(hearing), "en")


def test_the_payload_labels_positions_and_gives_times_in_milliseconds(db):
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing(speaker_minutes=2)
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    sign_up(hearing, "Bo Chen", minutes_ago=20, organization="Digital Fourth")
    propose(clerk, hearing)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=T0)
    _sheet, board = _board(hearing)

    with force_locale("es"):
        data = screens.floor_payload(hearing, board, now=T0 + timedelta(seconds=5))

    assert data["now_speaking"]["name"] == "Ana Reyes"
    assert data["now_speaking"]["position"] == "support"
    assert data["now_speaking"]["mode"] == "in_person"
    assert data["started_ms"] == int(T0.timestamp() * 1000)
    assert data["now_ms"] - data["started_ms"] == 5000
    assert data["seconds_allowed"] == 120
    assert data["cancelled"] is False
    [bo] = data["up_next"]
    assert bo["organization"] == "Digital Fourth"
    assert set(bo) == {
        "name",
        "organization",
        "measure",
        "position",
        "position_label",
        "mode",
        "mode_label",
        "interpreter",
    }
    assert screens.time_is_up_at(board) == T0 + timedelta(minutes=2)


def test_nobody_on_the_floor(db):
    hearing = make_hearing()
    board = floor.floor(hearing, None, [], "en")
    data = screens.floor_payload(hearing, board, now=T0)
    assert data["now_speaking"] is None
    assert data["started_ms"] is None
    assert data["up_next"] == []
    assert screens.time_is_up_at(board) is None


def test_the_tag_changes_with_the_floor_the_rules_and_the_language(db):
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    assert screens.floor_version(None) == 1
    before = screens.floor_etag(hearing, None, "en")
    sign_up(hearing, "Ana Reyes", minutes_ago=30)
    propose(clerk, hearing)
    sheet = services.run_sheet(hearing)
    assert screens.floor_version(sheet) == sheet.version
    tags = {before, screens.floor_etag(hearing, sheet, "en")}
    tags.add(screens.floor_etag(hearing, sheet, "es"))
    hearing.speaker_minutes = 5
    tags.add(screens.floor_etag(hearing, sheet, "en"))
    hearing.cancelled_at = T0
    tags.add(screens.floor_etag(hearing, sheet, "en"))
    assert len(tags) == 5
    # Unchanged, the same.
    assert screens.floor_etag(hearing, sheet, "en") in tags
