"""The public "now speaking" page, its JSON and projector view, and the walk-ins' kiosk."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.platform.audit import AuditEvent
from app.platform.timezones import utcnow
from app.speaking import floor, services
from app.speaking.models import Speaker, SpeakerMode, SpeakerStatus
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    snapshot,
    text_of,
)
from tests.speaking.helpers import propose, sign_up, version

pytestmark = pytest.mark.usefixtures("isolated_requests")

PRIVATE = ("@example.org", "Example Street", "Dorchester", "02124")


@pytest.fixture
def clerk(db):
    return make_staff_user(Role.CLERK, name="Casey Clerk")


@pytest.fixture
def hearing(db, clerk):
    """Ana at the microphone; Bo and Cy waiting. Each gave an e-mail address, a street
    address and a city with their testimony."""
    hearing = make_hearing(speaker_minutes=3)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes, organization="Digital Fourth")
    propose(clerk, hearing)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=utcnow())
    db.session.commit()
    return hearing


def page_url(hearing) -> str:
    return f"/hearings/{hearing.id}/now-speaking"


def test_the_display_shows_who_speaks_and_who_is_next(client, hearing):
    response = client.get(page_url(hearing))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    text = text_of(response)
    now = text.index("Now speaking</h2>")
    following = text.index("Up next</h2>")
    assert now < text.index("Ana Reyes") < following < text.index("Bo Chen")
    assert "Digital Fourth" in text
    assert hearing.measures[0].number in text
    assert "Support" in text
    # Without script: when they started and the limit; with it, the countdown fills in.
    assert "Started at" in text and "Each speaker has 3 minutes." in text
    assert 'role="timer"' in text
    assert 'aria-live="polite"' in text
    assert 'class="wrap floor-page"' in text
    for private in PRIVATE:
        assert private not in text


def test_the_projector_view(client, hearing):
    text = text_of(client.get(page_url(hearing) + "?view=projector"))
    assert 'class="wrap projector"' in text
    assert "Ana Reyes" in text and "Bo Chen" in text
    assert 'data-warning-seconds="30"' in text
    assert "Time nearly up" in text  # the warning's words, for the script to show


def test_the_json_and_its_entity_tag(client, clerk, hearing):
    url = page_url(hearing) + ".json"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    data = first.get_json()
    assert set(data) == {
        "version",
        "now_speaking",
        "started_at",
        "started_ms",
        "now_ms",
        "seconds_allowed",
        "up_next",
        "waiting",
        "spoke",
        "cancelled",
    }
    assert data["now_speaking"]["name"] == "Ana Reyes"
    assert data["now_speaking"]["position_label"] == "Support"
    assert data["now_speaking"]["mode_label"] == "In person"
    assert [s["name"] for s in data["up_next"]] == ["Bo Chen", "Cy Dubois"]
    assert (data["waiting"], data["spoke"], data["seconds_allowed"]) == (2, 0, 180)
    assert f'"{data["version"]}-' in etag
    for private in PRIVATE:
        assert private not in first.text

    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert unchanged.headers["ETag"] == etag

    floor.call_next(clerk, hearing, seen_version=version(hearing), now=utcnow())
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["now_speaking"]["name"] == "Bo Chen"


def test_a_hearing_that_does_not_exist(client, db):
    assert client.get("/hearings/2147483647/now-speaking").status_code == 404
    assert client.get("/hearings/2147483647/now-speaking.json").status_code == 404


def test_a_cancelled_hearing_says_so(client, db, hearing):
    hearing.cancelled_at = utcnow()
    db.session.commit()
    text = text_of(client.get(page_url(hearing)))
    assert "This hearing has been cancelled." in text
    assert "Ana Reyes" not in text
    assert client.get(page_url(hearing) + ".json").get_json()["cancelled"] is True


def test_before_anyone_is_called(client, db):
    hearing = make_hearing()
    db.session.commit()
    text = text_of(client.get(page_url(hearing)))
    assert "Nobody is speaking right now." in text
    assert client.get(page_url(hearing) + ".json").get_json()["version"] == 0
    before = snapshot(db)
    client.get(page_url(hearing))
    assert snapshot(db) == before  # looking makes no run sheet


# The kiosk.


def open_kiosk(db, clerk, hearing) -> str:
    token = floor.open_kiosk(clerk, hearing, now=utcnow())
    db.session.commit()
    return token


def kiosk_form(hearing, page_html: str, **overrides) -> dict:
    return {
        "csrf_token": csrf_token_from(page_html),
        "full_name": "Dee Walker",
        "city": "Roxbury",
        "measure_id": str(hearing.measures[0].id),
        "position": "neutral",
        "interpreter": "",
        "interpreter_other": "",
    } | overrides


def test_a_walk_in_signs_up_on_the_kiosk(client, db, clerk, hearing):
    token = open_kiosk(db, clerk, hearing)
    url = f"/kiosk/{token}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Sign up to speak" in page.text

    sent = client.post(url, data=kiosk_form(hearing, page.text))
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/kiosk/{token}/done"  # nothing personal in it
    walk_in = db.session.scalar(select(Speaker).where(Speaker.full_name == "Dee Walker"))
    assert walk_in.testimony_id is None
    assert (walk_in.city, walk_in.mode, walk_in.language) == (
        "Roxbury",
        SpeakerMode.IN_PERSON,
        "en",
    )
    assert walk_in.status is SpeakerStatus.WAITING
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "speaker.walk_in"))
    assert event.actor == floor.KIOSK

    thanks = client.get(sent.headers["Location"])
    assert thanks.status_code == 200
    assert thanks.headers["Cache-Control"] == "no-store"
    text = text_of(thanks)
    # Bo and Cy wait before them: third in line.
    assert re.search(r'class="kiosk-number">3<', text)
    assert "2 people are ahead of you." in text
    assert "Dee Walker" not in text  # the next person at the tablet reads this screen
    assert f'href="/kiosk/{token}">Next person' in text
    # Shown once: coming back gives the next person an empty form.
    again = client.get(sent.headers["Location"])
    assert again.status_code == 303
    assert again.headers["Location"] == url


def test_a_kiosk_walk_in_when_the_list_is_full(client, db, clerk, hearing):
    hearing.max_speakers = 3
    token = open_kiosk(db, clerk, hearing)
    page = client.get(f"/kiosk/{token}")
    client.post(f"/kiosk/{token}", data=kiosk_form(hearing, page.text))
    text = text_of(client.get(f"/kiosk/{token}/done"))
    assert "The speaker list is full." in text
    assert re.search(r'class="kiosk-number">1<', text)


def test_bad_kiosk_input_changes_nothing(client, db, clerk, hearing):
    token = open_kiosk(db, clerk, hearing)
    page = client.get(f"/kiosk/{token}")
    before = snapshot(db)
    for overrides in (
        {"full_name": "x" * 10_000},
        {"measure_id": "999999"},
        {"full_name": "", "position": "maybe"},
    ):
        refused = client.post(f"/kiosk/{token}", data=kiosk_form(hearing, page.text, **overrides))
        assert refused.status_code == 422
        assert 'id="error-summary"' in refused.text
    assert snapshot(db) == before
    expired = client.post(
        f"/kiosk/{token}", data=kiosk_form(hearing, page.text, csrf_token="expired")
    )
    assert expired.status_code == 422
    assert "The page had expired" in text_of(expired)
    assert 'value="Dee Walker"' in expired.text  # what was typed is kept
    assert snapshot(db) == before


def test_a_kiosk_stops_working_the_day_after(client, db, clerk, hearing):
    token = open_kiosk(db, clerk, hearing)
    hearing.speaker_signup_closes_at = utcnow() - timedelta(days=2)
    hearing.starts_at = utcnow() - timedelta(hours=13)
    db.session.commit()
    assert client.get(f"/kiosk/{token}").status_code == 404


def test_a_closed_replaced_or_unknown_kiosk_is_closed(client, db, clerk, hearing):
    first = open_kiosk(db, clerk, hearing)
    second = open_kiosk(db, clerk, hearing)
    assert client.get(f"/kiosk/{second}").status_code == 200
    for token in (first, "not-a-kiosk", "x" * 300):
        response = client.get(f"/kiosk/{token}")
        assert response.status_code == 404
        assert "The kiosk is closed" in response.text
        assert client.post(f"/kiosk/{token}", data={}).status_code in (400, 404)
    floor.close_kiosk(clerk, hearing, now=utcnow())
    db.session.commit()
    assert client.get(f"/kiosk/{second}").status_code == 404
    assert client.get(f"/kiosk/{second}/done").status_code == 404
    # A cancelled hearing's kiosk is closed too.
    third = open_kiosk(db, clerk, hearing)
    hearing.cancelled_at = utcnow() + timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/kiosk/{third}").status_code == 404


def test_the_kiosk_is_rate_limited(client, db, clerk, hearing, config):
    config["KIOSK_LIMIT"] = "3 per minute"
    token = open_kiosk(db, clerk, hearing)
    page = client.get(f"/kiosk/{token}")
    codes = [
        client.post(
            f"/kiosk/{token}", data=kiosk_form(hearing, page.text, full_name=f"Person {i}")
        ).status_code
        for i in range(5)
    ]
    assert codes == [303, 303, 303, 429, 429]
    assert len(services.speakers(hearing)) == 6
    # Looking at the form is not counted.
    assert client.get(f"/kiosk/{token}").status_code == 200


def test_the_hearing_page_points_to_the_display_on_the_day(client, db):
    today = make_hearing(starts_at=utcnow() + timedelta(minutes=30))
    later = make_hearing()
    db.session.commit()
    link = "who is speaking now"
    assert link in client.get(f"/hearings/{today.id}").text
    assert link not in client.get(f"/hearings/{later.id}").text


def test_the_public_display_never_shows_an_interpreter_language(client, db):
    hearing = make_hearing()
    clerk = make_staff_user(Role.CLERK)
    sign_up(hearing, "Ana Reyes", minutes_ago=5, interpreter_language="Tigrinya")
    propose(clerk, hearing)
    floor.call_next(clerk, hearing, seen_version=version(hearing), now=utcnow())
    db.session.commit()
    data = client.get(f"/hearings/{hearing.id}/now-speaking.json").get_json()
    assert data["now_speaking"]["name"] == "Ana Reyes"
    assert data["now_speaking"]["interpreter"] == ""
    assert "Tigrinya" not in client.get(f"/hearings/{hearing.id}/now-speaking").text
