"""The speaker console: who may use it, each of its buttons, walk-ins, the kiosk switch, what a
page out of date or bad input gets, and floor.json for the other staff screens."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings.models import Hearing
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.speaking import floor, services
from app.speaking.console_views import KIOSK_LINK
from app.speaking.models import Speaker, SpeakerStatus
from tests.factories import (
    csrf_token_from,
    field_value,
    make_hearing,
    make_staff_user,
    signed_in_client,
    snapshot,
    text_of,
)
from tests.speaking.helpers import propose, sign_up

pytestmark = pytest.mark.usefixtures("fast_hashing")


@dataclass
class Day:
    hearing: int
    clerk: object
    ids: dict[str, int]

    @property
    def console(self) -> str:
        return f"/staff/hearings/{self.hearing}/console"


@pytest.fixture
def day(db) -> Day:
    """A hearing with three residents in line (Ana, Bo, Cy) and a clerk to run it."""
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    hearing = make_hearing(speaker_minutes=3)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    ids = {s.full_name.split()[0]: s.id for s in services.speakers(hearing)}
    db.session.commit()
    return Day(hearing.id, clerk, ids)


@pytest.fixture
def clerk(app, day):
    return signed_in_client(app, day.clerk)


def statuses(db, day) -> dict[str, SpeakerStatus]:
    db.session.expire_all()
    hearing = db.session.get(Hearing, day.hearing)
    return {s.full_name.split()[0]: s.status for s in services.speakers(hearing)}


def press(browser, day, path: str, *, version: str | None = None, **data):
    """Load the console, then press the button posting to `path` (after the console's URL)."""
    page = browser.get(day.console)
    assert page.status_code == 200
    fields = {
        "csrf_token": csrf_token_from(page.text),
        "version": field_value(page.text, "version") if version is None else version,
    }
    return browser.post(day.console + path, data=fields | data)


def flashes(browser, day) -> str:
    return text_of(browser.get(day.console))


def test_anonymous_visitors_are_sent_to_sign_in(client, day):
    for path in (day.console, f"/staff/hearings/{day.hearing}/floor.json"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/staff/login")


def test_moderators_may_not_run_the_floor(app, db, day):
    moderator = signed_in_client(app, make_staff_user(Role.MODERATOR))
    assert moderator.get(day.console).status_code == 403
    assert moderator.get(f"/staff/hearings/{day.hearing}/floor.json").status_code == 403
    token = csrf_token_from(moderator.get("/staff/account").text)
    before = statuses(db, day)
    response = moderator.post(
        day.console + "/call_next", data={"csrf_token": token, "version": "2"}
    )
    assert response.status_code == 403
    assert statuses(db, day) == before


def test_clerks_and_admins_see_the_console(app, db, clerk, day):
    page = clerk.get(day.console)
    assert page.status_code == 200
    text = text_of(page)
    for shown in ("Speaker console", "Call next", "Ana Reyes", "Bo Chen", "Cy Dubois"):
        assert shown in text
    assert 'id="finish"' not in text  # nobody is speaking yet
    assert "@example.org" not in text
    admin = signed_in_client(app, make_staff_user(Role.ADMIN))
    assert admin.get(day.console).status_code == 200


def test_every_button_needs_its_csrf_token(db, clerk, day):
    before = snapshot(db)
    for path in ("/call_next", "/finish", f"/speakers/{day.ids['Bo']}/no_show", "/walk-in"):
        response = clerk.post(day.console + path, data={"version": "2", "full_name": "X"})
        assert response.status_code == 400, path
    assert snapshot(db) == before


def test_call_next_then_finish(db, clerk, day):
    response = press(clerk, day, "/call_next")
    assert response.status_code == 303
    # Focus goes back to the button (a fragment naming a control focuses it).
    assert response.headers["Location"].endswith(f"{day.console}#call-next")
    assert statuses(db, day)["Ana"] is SpeakerStatus.SPEAKING
    page = flashes(clerk, day)
    assert "Now speaking: Ana Reyes." in page
    assert "Started at" in page  # the page without script says when, and the limit
    assert "Each speaker has 3 minutes." in page

    press(clerk, day, "/call_next")
    assert statuses(db, day) == {
        "Ana": SpeakerStatus.SPOKE,
        "Bo": SpeakerStatus.SPEAKING,
        "Cy": SpeakerStatus.WAITING,
    }
    press(clerk, day, "/finish")
    assert statuses(db, day)["Bo"] is SpeakerStatus.SPOKE
    assert "The speaker has spoken. Nobody has been called yet." in flashes(clerk, day)
    press(clerk, day, "/call_next")
    press(clerk, day, "/call_next")
    assert "Nobody is waiting to speak." in flashes(clerk, day)
    actions = db.session.scalars(
        select(AuditEvent.actor).where(AuditEvent.action.like("speaker.%"))
    ).all()
    assert set(actions) == {day.clerk.audit_name}


def test_no_show_and_skip_to_later(db, clerk, day):
    response = press(clerk, day, f"/speakers/{day.ids['Ana']}/no_show")
    assert response.status_code == 303
    # Focus carries on from the same button on the row that took Ana's place.
    assert response.headers["Location"].endswith(f"#no-show-{day.ids['Bo']}")
    assert "Ana Reyes is marked as a no-show." in flashes(clerk, day)
    response = press(clerk, day, f"/speakers/{day.ids['Bo']}/skip")
    assert response.headers["Location"].endswith(f"#skip-{day.ids['Cy']}")
    assert "Bo Chen moves to the end of the list." in flashes(clerk, day)
    # The last one of the list skipped stays last: focus stays on it.
    response = press(clerk, day, f"/speakers/{day.ids['Bo']}/skip")
    assert response.headers["Location"].endswith(f"#skip-{day.ids['Bo']}")
    _db.session.expire_all()
    hearing = _db.session.get(Hearing, day.hearing)
    assert [(s.full_name, s.status) for s in services.speakers(hearing)] == [
        ("Ana Reyes", SpeakerStatus.NO_SHOW),
        ("Cy Dubois", SpeakerStatus.WAITING),
        ("Bo Chen", SpeakerStatus.WAITING),
    ]


def test_a_page_out_of_date_changes_nothing_and_says_why(db, clerk, day):
    page = clerk.get(day.console)
    old_version = field_value(page.text, "version")
    press(clerk, day, "/call_next")  # another screen moved the list since
    before = snapshot(db)
    for path in ("/call_next", "/finish", f"/speakers/{day.ids['Bo']}/skip"):
        response = clerk.post(
            day.console + path,
            data={"csrf_token": csrf_token_from(page.text), "version": old_version},
        )
        assert response.status_code == 303
        assert "The speaker list changed on another screen" in flashes(clerk, day)
    assert snapshot(db) == before


@pytest.mark.parametrize("version", ["", "abc", "1e3", "99999999999"])
def test_a_damaged_version_changes_nothing(db, clerk, day, version):
    before = snapshot(db)
    response = press(clerk, day, "/call_next", version=version)
    assert response.status_code == 303
    assert "This form was damaged." in flashes(clerk, day)
    assert snapshot(db) == before


def test_a_speaker_of_another_hearing_is_refused(db, clerk, day):
    other = make_hearing()
    sign_up(other, "Zoe Park", minutes_ago=5)
    propose(day.clerk, other)
    zoe = services.speakers(other)[0].id
    db.session.commit()
    before = snapshot(db)
    for path in (f"/speakers/{zoe}/no_show", "/speakers/2147483647/skip"):
        assert press(clerk, day, path).status_code == 303
        assert "That speaker is not on this hearing's list." in flashes(clerk, day)
    assert snapshot(db) == before
    assert clerk.post(day.console + "/speakers/1/dance", data={}).status_code == 404
    assert clerk.get("/staff/hearings/2147483647/console").status_code == 404


def _walk_in(day, hearing_measure: int, **overrides) -> dict:
    return {
        "full_name": "Dee Walker",
        "city": "Roxbury",
        "organization": "",
        "measure_id": str(hearing_measure),
        "position": "oppose",
        "mode": "in_person",
        "interpreter": "",
        "interpreter_other": "",
    } | overrides


def _measure(db, day) -> int:
    return db.session.get(Hearing, day.hearing).measures[0].id


def test_a_walk_in_is_added_at_the_end(db, clerk, day):
    response = press(clerk, day, "/walk-in", **_walk_in(day, _measure(db, day)))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#full_name")  # ready for the next one
    assert "Dee Walker is number 4 on the list." in flashes(clerk, day)
    walk_in = db.session.scalar(select(Speaker).where(Speaker.full_name == "Dee Walker"))
    assert walk_in.testimony_id is None
    assert walk_in.city == "Roxbury"
    assert walk_in.status is SpeakerStatus.WAITING
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "speaker.walk_in"))
    assert event.actor == day.clerk.audit_name


def test_a_walk_in_is_not_lost_to_a_change_on_another_screen(db, clerk, day):
    response = press(clerk, day, "/walk-in", version="1", **_walk_in(day, _measure(db, day)))
    assert response.status_code == 303
    assert statuses(db, day)["Dee"] is SpeakerStatus.WAITING


def test_a_walk_in_when_the_list_is_full_goes_on_the_waitlist(db, clerk, day):
    db.session.get(Hearing, day.hearing).max_speakers = 3
    db.session.commit()
    press(clerk, day, "/walk-in", **_walk_in(day, _measure(db, day)))
    assert "The list is full: Dee Walker is on the waitlist." in flashes(clerk, day)
    assert statuses(db, day)["Dee"] is SpeakerStatus.WAITLISTED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"measure_id": "999999"}, "Choose one of the options shown."),
        ({"full_name": "x" * 10_000}, "Use 200 characters or fewer."),
        ({"full_name": ""}, "Enter the speaker's name."),
        ({"full_name": "<script>alert(1)</script>\x00"}, "Remove the control characters"),
        ({"interpreter": "other"}, "Say which language the interpreter is needed for."),
    ],
)
def test_bad_walk_in_input_gets_a_clear_error_and_changes_nothing(
    db, clerk, day, overrides, message
):
    before = snapshot(db)
    response = press(clerk, day, "/walk-in", **_walk_in(day, _measure(db, day), **overrides))
    assert response.status_code == 422
    assert 'id="error-summary"' in response.text
    assert message in text_of(response)
    assert "<script>alert(1)" not in response.text
    assert snapshot(db) == before


def test_the_kiosk_link_is_shown_once(db, clerk, day):
    response = press(clerk, day, "/kiosk/open")
    assert response.status_code == 303
    assert "/kiosk/" not in response.headers["Location"]
    page = clerk.get(day.console).text
    [link] = re.findall(r'href="(https://testimony\.example\.org/kiosk/[^"]+)"', page)
    token = link.rsplit("/", 1)[1]
    assert floor.sheet_for_kiosk(token).hearing_id == day.hearing
    again = clerk.get(day.console).text
    assert token not in again
    assert "The kiosk is open" in again
    with clerk.session_transaction() as session:
        assert KIOSK_LINK not in session

    press(clerk, day, "/kiosk/close")
    assert floor.sheet_for_kiosk(token) is None
    assert "The kiosk is closed" in flashes(clerk, day)
    events = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("kiosk.%")).order_by(AuditEvent.id)
    ).all()
    assert events == ["kiosk.opened", "kiosk.closed"]


def test_floor_json_for_other_staff_screens(db, clerk, day):
    url = f"/staff/hearings/{day.hearing}/floor.json"
    first = clerk.get(url)
    assert first.status_code == 200
    assert first.headers["ETag"].startswith('W/"')
    data = first.get_json()
    assert data["now_speaking"] is None
    assert [s["name"] for s in data["waiting_list"]] == ["Ana Reyes", "Bo Chen", "Cy Dubois"]
    assert data["kiosk_open"] is False
    unchanged = clerk.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    press(clerk, day, "/call_next")
    changed = clerk.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.get_json()["version"] == data["version"] + 1
    assert changed.get_json()["now_speaking"]["name"] == "Ana Reyes"
    assert changed.headers["Cache-Control"] == "no-store"


def test_two_screens_calling_next_at_once_move_the_queue_by_one(app, db, day):
    """Two consoles showing the same list press "Call next" at the same moment: one call
    goes through, the other is refused as out of date. On both databases: SQLite serialises
    the two writers, PostgreSQL's row lock does (tests/speaking/test_floor_concurrency.py
    races the services themselves there)."""
    screens = [signed_in_client(app, day.clerk), signed_in_client(app, day.clerk)]
    pages = [screen.get(day.console).text for screen in screens]
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    results: list = [None, None]
    errors: list[BaseException] = []

    def press_at_once(index: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                results[index] = screens[index].post(
                    day.console + "/call_next",
                    data={
                        "csrf_token": csrf_token_from(pages[index]),
                        "version": field_value(pages[index], "version"),
                    },
                )
        except BaseException as error:  # reported in the main thread
            errors.append(error)

    threads = [threading.Thread(target=press_at_once, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    assert [r.status_code for r in results] == [303, 303]
    assert statuses(db, day) == {
        "Ana": SpeakerStatus.SPEAKING,
        "Bo": SpeakerStatus.WAITING,
        "Cy": SpeakerStatus.WAITING,
    }
    told = [text_of(screen.get(day.console)) for screen in screens]
    assert sum("Now speaking: Ana Reyes." in page for page in told) == 1
    assert sum("The speaker list changed on another screen" in page for page in told) == 1
    called = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "speaker.called"))
    assert len(called.all()) == 1
