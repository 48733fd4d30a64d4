"""The queue's tabs in real Chromium at 1366 px and 375 px: "To review" and "Possibly automated
(N)" are a labelled navigation, reached and followed with the keyboard alone, marked current,
whole inside the screen; the main tab says how many possibly automated letters wait in their
own tab; deciding everything matching on that tab decides only its letters. axe finds nothing
on either tab or on the confirmation."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.testimony.models import QuarantineReason, ReviewStatus, Testimony
from tests.browser.conftest import AXE_SCRIPT, commit, missing, sign_in
from tests.browser.test_accessibility import OVERFLOW, _check_shown
from tests.browser.test_journeys import flash
from tests.factories import make_hearing, make_staff_user, make_testimony

SIZES = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 375, "height": 667}}
PEOPLE, BOTS = 6, 4
# Where the screenshots go when asked for (to look at the tabs by eye).
SHOTS = os.environ.get("QUEUE_TAB_SCREENSHOTS")


@pytest.fixture
def letters(db):
    hearing = make_hearing(title="Hearing on the face surveillance ordinance")
    start = utcnow() - timedelta(hours=2)
    for i in range(PEOPLE):
        make_testimony(hearing, now=start + timedelta(minutes=i), full_name=f"Resident {i}")
    for i in range(BOTS):
        make_testimony(
            hearing,
            now=start + timedelta(minutes=30 + i),
            full_name=f"Quick Sender {i}",
            quarantine_reason=QuarantineReason.TOO_FAST,
        )
    moderator = make_staff_user(Role.MODERATOR)
    ids = {"hearing": hearing.id, "moderator": moderator.email}
    commit()
    return ids


def open_queue(site, letters, size: str, query: str = ""):
    page = site.new_page()
    page.set_viewport_size(SIZES[size])
    sign_in(page, letters["moderator"])
    page.goto(f"/staff/hearings/{letters['hearing']}/queue{query}")
    return page


def shoot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("size", SIZES)
def test_the_tabs_are_visible_and_followed_with_the_keyboard(site, letters, size):
    page = open_queue(site, letters, size)
    tabs = page.get_by_role("navigation", name="Queue tabs")
    main = tabs.get_by_role("link", name=f"To review ({PEOPLE})")
    automated = tabs.get_by_role("link", name=f"Possibly automated ({BOTS})")

    expect(main).to_be_visible()
    expect(automated).to_be_visible()
    expect(main).to_have_attribute("aria-current", "page")
    expect(page.locator("#automated-elsewhere")).to_contain_text(
        f"{BOTS} possibly automated letters are in their own tab."
    )
    expect(page.locator(".queue-list tbody tr")).to_have_count(PEOPLE)
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"], measured
    for link in (main, automated):
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"], box
        assert box["height"] >= 44, "a target a finger can hit"
    shoot(page, f"queue-tabs-main-{size}")

    # The keyboard alone: from the first tab, Tab reaches the second; Enter follows it.
    main.focus()
    page.keyboard.press("Tab")
    expect(automated).to_be_focused()
    focused = automated.evaluate("el => getComputedStyle(el).outlineStyle")
    assert focused != "none", "the focused tab is drawn with an outline"
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"/staff/hearings/{letters['hearing']}/queue?automated=yes")
    tabs = page.get_by_role("navigation", name="Queue tabs")
    expect(tabs.get_by_role("link", name=f"Possibly automated ({BOTS})")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator(".queue-list tbody tr")).to_have_count(BOTS)
    expect(page.locator(".queue-list tbody")).not_to_contain_text("Resident")
    shoot(page, f"queue-tabs-automated-{size}")


@pytest.mark.parametrize("size", SIZES)
def test_everything_matching_on_the_main_tab_leaves_the_automated_tab_alone(site, letters, size):
    page = open_queue(site, letters, size)

    page.get_by_label("Everything matching the current filters").check()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Review the count and confirm").click()

    expect(page.locator("h1")).to_have_text(f"Apply this decision to {PEOPLE} testimonies?")
    expect(page.locator(".confirm-tab")).to_contain_text("In the tab “To review”:")
    shoot(page, f"queue-tabs-confirm-{size}")
    page.get_by_role("button", name=f"Yes, decide {PEOPLE} testimonies").click()

    expect(flash(page)).to_have_text(f"{PEOPLE} testimonies decided.")
    found = {
        (name.startswith("Quick"), status)
        for name, status in db.session.execute(select(Testimony.full_name, Testimony.status))
    }
    db.session.rollback()
    assert found == {(False, ReviewStatus.APPROVED), (True, ReviewStatus.PENDING)}
    # The main tab is now empty, and says where the rest are.
    expect(page.locator("#automated-elsewhere")).to_contain_text(
        f"{BOTS} possibly automated letters are in their own tab."
    )


@pytest.mark.parametrize("size", SIZES)
def test_both_tabs_and_the_confirmation_pass_axe(site, letters, size):
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT})")
    site.add_init_script(path=str(AXE_SCRIPT))
    problems: list[str] = []
    page = open_queue(site, letters, size)
    _check_shown(page, f"{size} main tab", problems)
    page.goto(f"/staff/hearings/{letters['hearing']}/queue?automated=yes")
    _check_shown(page, f"{size} automated tab", problems)
    page.locator("#scope-filter").check()
    page.locator("input[name=action][value=flagged]").check()
    page.locator(".bulk-send button").click()
    expect(page.locator(".confirm-tab")).to_contain_text("In the tab “Possibly automated”:")
    _check_shown(page, f"{size} confirmation", problems)

    assert problems == []
