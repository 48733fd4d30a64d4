"""The public hearing page in real Chromium, on a laptop and a phone: a campaign's letter once
with "Sent by N people" and names in every script (long ones wrap), the filters chosen from
labelled lists and sent without JavaScript, and the campaign's own page; axe passes throughout.

SCREENSHOT_DIR=/some/folder keeps the screenshots for a person to look at."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.platform.timezones import utcnow
from app.testimony.models import Position, ReviewStatus
from tests.browser.conftest import AXE_SCRIPT, commit
from tests.browser.test_accessibility import _check_shown
from tests.factories import (
    make_committee,
    make_hearing,
    make_measure,
    make_testimony,
    set_review_status,
)

LETTER = (
    "As a resident of Massachusetts, I urge you to pass a moratorium on government use of face "
    "surveillance. This technology is dangerously inaccurate and threatens our right to speak "
    "and assemble freely."
)
NAMES = [
    "ليلى عبد الله",
    "נועה כהן",
    "Nguyễn Thị Lan",
    "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaftschaferswessenschafewarenwohl",
    "张伟",
    "Rosa Delgado",
]
OWN = "My daughter was wrongly stopped by a camera at the station last spring."
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def checked_page(site):
    if AXE_SCRIPT.exists():
        site.add_init_script(path=str(AXE_SCRIPT))
    return site.new_page()


@pytest.fixture
def hearing_id(db):
    committee = make_committee()
    house = make_measure(committee, number="H.1538", title="Moratorium on face surveillance")
    senate = make_measure(committee, number="S.927", title="Moratorium on face surveillance")
    hearing = make_hearing(committee=committee, measures=0, title="Face surveillance hearing")
    hearing.measures = [house, senate]
    db.session.flush()
    start = utcnow() - timedelta(hours=1)
    sent = [
        (NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n}"), LETTER) for n in range(30)
    ]
    sent[2] = (sent[2][0], f"{LETTER} {OWN}")
    for n, (name, body) in enumerate(sent):
        testimony = make_testimony(
            hearing,
            full_name=name,
            city="Roxbury",
            body=body,
            now=start + timedelta(seconds=n),
            measures=((house.id, Position.SUPPORT),),
        ).testimony
        set_review_status(testimony, ReviewStatus.APPROVED)
    alone = make_testimony(
        hearing,
        full_name="Denise Okafor",
        organization="Arbeitsgemeinschaftfürdatenschutzundbürgerrechteimöffentlichenraumberlin",
        body="Our library should not watch who reads what, so I oppose the cameras there.",
        now=start + timedelta(seconds=40),
        measures=((senate.id, Position.OPPOSE),),
    ).testimony
    set_review_status(alone, ReviewStatus.APPROVED)
    hearing_id = hearing.id
    commit()
    return hearing_id


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def keep(page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366", "375"])
def test_a_campaign_is_read_once_and_filtered_without_script(
    checked_page, hearing_id, viewport, tmp_path
):
    page, problems = checked_page, []
    page.set_viewport_size(viewport)
    page.goto(f"/hearings/{hearing_id}")
    campaign = page.get_by_role("article", name="A letter sent by 30 people")
    expect(campaign).to_be_visible()
    expect(campaign.get_by_role("heading", name="Sent by 30 people", exact=True)).to_be_visible()
    expect(campaign.locator(".signers li")).to_have_count(20)
    expect(campaign.get_by_text(NAMES[0], exact=True).first).to_be_visible()
    expect(campaign.get_by_role("link", name="added their own words")).to_have_count(1)
    expect(page.locator("article.published")).to_have_count(2)
    assert overflow(page) <= 0, "the page scrolls sideways"
    campaign.scroll_into_view_if_needed()
    _check_shown(page, "hearing page", problems)
    keep(page, f"hearing-campaign-{viewport['width']}", tmp_path)

    page.get_by_label("Measure", exact=True).select_option(label="S.927")
    page.get_by_label("Position", exact=True).select_option(label="Oppose")
    page.get_by_role("button", name="Show testimony").click()
    expect(page.locator("article.published")).to_have_count(1)
    expect(page.get_by_role("heading", name="Denise Okafor")).to_be_visible()
    expect(page.get_by_label("Measure", exact=True)).to_have_value(
        page.get_by_role("option", name="S.927").get_attribute("value")
    )
    page.get_by_label("Position", exact=True).select_option(label="Support")
    page.get_by_role("button", name="Show testimony").click()
    expect(page.get_by_text("No published testimony matches these choices.")).to_be_visible()
    _check_shown(page, "hearing page, nothing matching", problems)

    page.get_by_role("link", name="Show all published testimony").click()
    page.get_by_role("link", name="All 30 people who sent this letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A letter sent by 30 people")
    expect(page.locator(".signers li")).to_have_count(30)
    expect(page.locator(".own-words")).to_have_count(1)
    expect(page.locator(".own-words")).to_contain_text(OWN)
    assert overflow(page) <= 0, "the campaign's page scrolls sideways"
    _check_shown(page, "campaign page", problems)
    keep(page, f"campaign-page-{viewport['width']}", tmp_path)
    assert not problems, "\n".join(problems)
