"""A campaign's provenance card in real Chromium: on a laptop (1366 x 768) and a phone
(375 x 667) the figures, the arrivals chart and its table fit the screen, a town name of 100
characters (the longest the form takes) wraps instead of pushing the page sideways, and
right-to-left names show."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.platform.timezones import utcnow
from tests.browser.conftest import AXE_SCRIPT, commit, missing, sign_in
from tests.browser.test_accessibility import AXE_TAGS, RUN_AXE
from tests.campaigns.test_provenance import LETTER
from tests.factories import make_hearing, make_staff_user, make_testimony

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 667}
TOWNS = ["Boston", "Dorchester", "القاهرة", "Roslindale" * 10, "Boston", "Quincy"]


@pytest.fixture
def campaign_page(db):
    moderator = make_staff_user(Role.MODERATOR)
    now = utcnow() - timedelta(hours=26)
    hearing = make_hearing(now=now)
    members = [
        make_testimony(
            hearing,
            now=now + timedelta(hours=n),
            body=LETTER,
            full_name=f"Writer Number{n}",
            email=f"w{n}@example.net",
            city=TOWNS[n % len(TOWNS)],
        ).testimony
        for n in range(24)
    ]
    url = f"/staff/campaigns/{members[0].campaign_id}"
    email = moderator.email
    commit()
    return email, url


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_card_fits_the_screen_with_its_chart_and_table(page, campaign_page, viewport):
    email, url = campaign_page
    page.set_viewport_size(viewport)
    sign_in(page, email)
    page.goto(url)

    card = page.locator(".provenance-card")
    assert "24 letters, 0 confirmed their e-mail, 5 towns, all within 23 hours" in card.inner_text()
    chart = page.get_by_role("img", name="Letters received per hour")
    assert chart.is_visible()
    svg = chart.bounding_box()
    assert svg["width"] <= viewport["width"] and svg["height"] > 40
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.scrollWidth > e.clientWidth + 1"
        " && e.clientWidth > 0).map(e => e.tagName + '.' + e.className + ':' + e.scrollWidth"
        " + '/' + e.clientWidth).slice(0, 12)"
    )
    assert overflow(page) <= 0, f"the page scrolls sideways: {wide}"
    assert page.get_by_text("القاهرة").first.is_visible()

    page.get_by_text("Arrivals as a table").click()
    table = page.get_by_role("table", name="Letters received per hour (Eastern Time)")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 24
    assert overflow(page) <= 0
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        card.screenshot(path=f"{shots}/provenance-{viewport['width']}.png")


def test_the_card_passes_axe_with_its_table_open_and_reflows_at_320_pixels(site, campaign_page):
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT}; run `make test` or `npm ci`)")
    site.add_init_script(path=str(AXE_SCRIPT))
    page = site.new_page()
    email, url = campaign_page
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, email)
    page.goto(url)
    page.get_by_text("Arrivals as a table").click()

    assert page.evaluate(RUN_AXE, AXE_TAGS) == []
    assert overflow(page) <= 0
