"""Hearing day in real Chromium: the clerk runs a short hearing from the speaker console with
the keyboard alone (a walk-in, a no-show, a speaker skipped to later), while the public
"now speaking" page, open in another browser, follows within two seconds; the countdown's
warning and "over time"; axe-core on the console, the display, the projector and the kiosk in
English and Spanish; and no sideways scrolling on a 768 px tablet (nor at 320 px)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from app.accounts.models import Role, StaffUser
from app.hearings.models import Hearing
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.speaking import floor, services
from app.speaking.models import Speaker, SpeakerStatus
from tests.browser.conftest import AXE_SCRIPT, commit, missing, sign_in
from tests.browser.test_accessibility import AXE_TAGS, OVERFLOW, RUN_AXE
from tests.browser.test_keyboard import FOCUSED, by_id, tab_to
from tests.factories import make_hearing, make_staff_user
from tests.speaking.helpers import propose, sign_up

# How soon a change made on the console must show on the public display.
FOLLOW_SECONDS = 2.0
TABLET = {"width": 768, "height": 1024}
LAPTOP = {"width": 1366, "height": 768}
NARROW = {"width": 320, "height": 640}

NOW_SPEAKING = "[data-slot=now] [data-field=name]"


@pytest.fixture
def day(db) -> dict:
    """Ana, Bo and Cy in line for a hearing with three-minute turns, and a clerk. Plain
    values only: the test holds no transaction while the browser works (see scene.py)."""
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    hearing = make_hearing(speaker_minutes=3)
    for minutes, name in ((30, "Ana Reyes"), (20, "Bo Chen"), (10, "Cy Dubois")):
        sign_up(hearing, name, minutes_ago=minutes)
    propose(clerk, hearing)
    values = {
        "hearing": hearing.id,
        "clerk": clerk.email,
        "clerk_id": clerk.id,
        "ids": {s.full_name.split()[0]: s.id for s in services.speakers(hearing)},
        "console": f"/staff/hearings/{hearing.id}/console",
        "display": f"/hearings/{hearing.id}/now-speaking",
    }
    commit()
    return values


def statuses(hearing_id: int) -> dict[str, SpeakerStatus]:
    _db.session.expire_all()
    rows = _db.session.execute(
        select(Speaker.full_name, Speaker.status).where(Speaker.hearing_id == hearing_id)
    ).all()
    _db.session.rollback()  # on SQLite an open transaction holds the lock the server needs
    return {name.split()[0]: status for name, status in rows}


def press(page, element_id: str, *, backwards: bool = False) -> None:
    """Tab to the button (unless focus is there already) and press Enter; wait for the
    console to come back."""
    if page.evaluate(FOCUSED)["id"] != element_id:
        tab_to(page, by_id(element_id), backwards=backwards)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def shown_within(display, name: str) -> float:
    """Seconds until the display shows `name` speaking (or nobody, for "")."""
    started = time.monotonic()
    display.wait_for_function(
        """([selector, name]) => {
          const slot = document.querySelector("[data-slot=now]");
          const shown = slot.hidden ? "" : document.querySelector(selector).textContent;
          return shown === name;
        }""",
        arg=[NOW_SPEAKING, name],
        timeout=10_000,
    )
    return time.monotonic() - started


def test_the_console_runs_a_hearing_by_keyboard_and_the_display_follows(
    browser, site, live_server, day
):
    console = site.new_page()
    console.set_viewport_size(TABLET)
    sign_in(console, day["clerk"])
    console.goto(day["console"])
    public = browser.new_context(base_url=live_server, locale="en-US")
    try:
        display = public.new_page()
        display.goto(day["display"])
        expect(display.locator("[data-slot=now-empty]")).to_be_visible()
        waits: list[float] = []

        def act(element_id: str, shows: str | None, *, backwards: bool = False) -> None:
            started = time.monotonic()
            press(console, element_id, backwards=backwards)
            if shows is not None:
                shown_within(display, shows)
                waits.append(time.monotonic() - started)

        # Call the first speaker: the timer starts on the console and on the display.
        act("call-next", "Ana Reyes")
        expect(console.locator(".flash")).to_have_text("Now speaking: Ana Reyes.")
        assert console.evaluate(FOCUSED)["id"] == "call-next", "focus stays on the button"
        expect(console.locator("[data-timer-clock]")).to_have_text(re.compile(r"^[23]:\d\d$"))
        expect(display.locator("[data-timer-clock]")).to_be_visible()
        expect(display.locator("[data-announce]")).to_have_text("Now speaking: Ana Reyes.")
        expect(display.locator("[data-slot=next] .floor-name")).to_have_text(
            ["Bo Chen", "Cy Dubois"]
        )

        # A walk-in at the door, typed in by the clerk.
        tab_to(console, by_id("full_name"))
        console.keyboard.type("Dee Walker")
        tab_to(console, by_id("city"))
        console.keyboard.type("Roxbury")
        tab_to(console, lambda f: f["name"] == "position")
        console.keyboard.press("ArrowDown")  # support → oppose
        act("walk-in-add", None)
        expect(console.locator(".flash")).to_have_text("Dee Walker is number 4 on the list.")
        assert console.evaluate(FOCUSED)["id"] == "full_name", "ready for the next walk-in"
        expect(display.locator("[data-field=waiting]")).to_have_text("3")

        # Bo is not here; Cy is not ready yet. Their buttons are above the form.
        act(f"no-show-{day['ids']['Bo']}", None, backwards=True)
        expect(console.locator(".flash")).to_have_text("Bo Chen is marked as a no-show.")
        # Focus went on to the same button on Cy's row, which took Bo's place.
        assert console.evaluate(FOCUSED)["id"] == f"no-show-{day['ids']['Cy']}"
        act(f"skip-{day['ids']['Cy']}", None)
        expect(console.locator(".flash")).to_have_text("Cy Dubois moves to the end of the list.")
        expect(display.locator("[data-slot=next] .floor-name")).to_have_text(
            ["Dee Walker", "Cy Dubois"]
        )

        act("call-next", "Dee Walker", backwards=True)
        expect(display.locator("[data-announce]")).to_have_text("Now speaking: Dee Walker.")
        act("call-next", "Cy Dubois")
        act("finish", "")
        expect(display.locator("[data-slot=now-empty]")).to_be_visible()
    finally:
        public.close()

    assert statuses(day["hearing"]) == {
        "Ana": SpeakerStatus.SPOKE,
        "Bo": SpeakerStatus.NO_SHOW,
        "Cy": SpeakerStatus.SPOKE,
        "Dee": SpeakerStatus.SPOKE,
    }
    print(f"\ndisplay followed the console in {', '.join(f'{w:.2f}' for w in waits)} s")
    assert max(waits) <= FOLLOW_SECONDS, waits


def test_another_console_reloads_unless_a_walk_in_is_being_typed(browser, site, live_server, day):
    first = site.new_page()
    sign_in(first, day["clerk"])
    first.goto(day["console"])
    second = site.new_page()
    second.goto(day["console"])

    first.locator("#call-next").click()
    first.wait_for_load_state()
    # The other console reloads by itself and shows the new speaker.
    expect(second.locator(".console-floor .floor-name")).to_have_text("Ana Reyes", timeout=5_000)

    second.locator("#full_name").fill("Dee Walker")
    first.locator("#call-next").click()
    notice = second.locator("[data-console-notice]")
    expect(notice).to_contain_text("The list changed on another screen.", timeout=5_000)
    assert second.locator("#full_name").input_value() == "Dee Walker", "what was typed is kept"
    with second.expect_navigation():
        notice.locator("button").click()
    expect(second.locator(".console-floor .floor-name")).to_have_text("Bo Chen")


def _started(hearing_id: int, seconds_ago: int) -> None:
    """Move the start of whoever is speaking back in time."""
    _db.session.execute(
        update(Speaker)
        .where(Speaker.hearing_id == hearing_id, Speaker.status == SpeakerStatus.SPEAKING)
        .values(started_at=utcnow() - timedelta(seconds=seconds_ago))
    )
    commit()


def _call_first(day) -> None:
    hearing = _db.session.get(Hearing, day["hearing"])
    actor = _db.session.get(StaffUser, day["clerk_id"])
    sheet = services.run_sheet(hearing)
    floor.call_next(actor, hearing, seen_version=sheet.version, now=utcnow())
    commit()


def test_the_timer_warns_near_the_end_and_says_over_time(page, day):
    _call_first(day)
    page.goto(day["display"] + "?view=projector")
    timer = page.locator("[data-timer]")
    expect(timer).not_to_have_class(re.compile("timer-warning|timer-over"))
    expect(page.locator("[data-timer-label]")).to_have_text("Time left")

    _started(day["hearing"], 3 * 60 - 20)
    page.reload()
    expect(timer).to_have_class(re.compile("timer-warning"))
    expect(page.locator("[data-timer-label]")).to_have_text("Time nearly up")
    assert page.locator("[data-timer-clock]").inner_text() in {"0:20", "0:19", "0:18"}

    _started(day["hearing"], 3 * 60 + 12)
    page.reload()
    expect(timer).to_have_class(re.compile("timer-over"))
    expect(page.locator("[data-timer-label]")).to_have_text("Over time")
    assert page.locator("[data-timer-clock]").inner_text().startswith("+0:1")


def test_without_javascript_a_reload_shows_the_floor(browser, live_server, day):
    _call_first(day)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(day["display"])
        text = page.locator("main").inner_text()
        assert "Ana Reyes" in text
        assert "Started at" in text and "Each speaker has 3 minutes." in text
        expect(page.locator("[data-no-script] a")).to_be_visible()
    finally:
        context.close()


@pytest.fixture
def axe_site(site):
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT}; run `make test` or `npm ci`)")
    site.add_init_script(path=str(AXE_SCRIPT))
    return site


def _axe(page, where: str, problems: list[str]) -> None:
    for violation in page.evaluate(RUN_AXE, AXE_TAGS):
        problems.append(
            f"{where}: {violation['rule']} ({violation['impact']}): {violation['help']} "
            f"at {violation['where']}"
        )


def _width(page, where: str, problems: list[str]) -> None:
    measured = page.evaluate(OVERFLOW)
    if measured["scroll"] > measured["width"]:
        problems.append(
            f"{where}: {measured['scroll']} px wide at {measured['width']} px "
            f"({', '.join(measured['wide'])})"
        )


@pytest.mark.parametrize("language", ["en", "es"])
def test_hearing_day_pages_pass_axe(axe_site, live_server, day, language):
    _call_first(day)
    axe_site.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = axe_site.new_page()
    problems: list[str] = []
    sign_in(page, day["clerk"])

    def check(path: str, where: str | None = None) -> None:
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        assert page.get_attribute("html", "lang") == language, path
        _axe(page, f"{language} {where or path}", problems)

    # The console with a speaker, a waiting list, a waitlist, a kiosk link on show.
    page.goto(day["console"])
    page.locator("#kiosk-open").click()
    page.wait_for_selector("[data-kiosk-link]")
    kiosk = page.locator("[data-kiosk-link] a").get_attribute("href").split("example.org", 1)[1]
    _axe(page, f"{language} console with the kiosk link", problems)
    page.locator("#walk-in-add").click()
    page.wait_for_selector("#error-summary")
    _axe(page, f"{language} console with walk-in errors", problems)

    check(day["display"])
    check(day["display"] + "?view=projector")
    for seconds, state in ((3 * 60 - 10, "warning"), (3 * 60 + 5, "over")):
        _started(day["hearing"], seconds)
        page.goto(day["display"] + "?view=projector")
        page.wait_for_selector(f".timer-{state}")
        _axe(page, f"{language} projector, timer {state}", problems)
        page.goto(day["display"])
        page.wait_for_selector(f".timer-{state}")
        _axe(page, f"{language} display, timer {state}", problems)
        page.goto(day["console"])
        page.wait_for_selector(f".timer-{state}")
        _axe(page, f"{language} console, timer {state}", problems)

    check(kiosk)
    page.locator("form.kiosk-form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    _axe(page, f"{language} kiosk with errors", problems)
    page.locator("#full_name").fill("Dee Walker")
    page.locator("#position-2").check()
    page.locator("form.kiosk-form button[type=submit]").click()
    page.wait_for_url("**/done")
    _axe(page, f"{language} kiosk thank-you", problems)
    check("/kiosk/not-a-kiosk", "closed kiosk")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "es"])
def test_no_sideways_scrolling_on_a_tablet_or_a_phone(site, live_server, day, language):
    _call_first(day)
    site.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = site.new_page()
    sign_in(page, day["clerk"])
    page.goto(day["console"])
    page.locator("#kiosk-open").click()
    page.wait_for_selector("[data-kiosk-link]")
    kiosk = page.locator("[data-kiosk-link] a").get_attribute("href").split("example.org", 1)[1]
    problems: list[str] = []
    paths = [day["console"], day["display"], day["display"] + "?view=projector", kiosk]
    for size in (TABLET, LAPTOP, NARROW):
        page.set_viewport_size(size)
        for path in paths:
            page.goto(path)
            _width(page, f"{language} {size['width']} px {path}", problems)
    assert not problems, "\n".join(problems)
