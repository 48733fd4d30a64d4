"""The moderation queue on a morning of letters, in real Chromium on a 1366 px laptop and a
375 px phone: the list takes the laptop's width and stacks on the phone without scrolling the
page sideways, addresses wrap between their parts, the header's box ticks every row and says
how many, and "everything matching" decides the rows of every page, not only the one shown,
and only those counted. axe finds nothing on the queue or its confirmation, in English and
Spanish, at both sizes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.testimony.models import Position, ReviewStatus, Testimony
from tests.browser.conftest import AXE_SCRIPT, commit, missing, sign_in
from tests.browser.test_accessibility import OVERFLOW, _check_shown
from tests.browser.test_journeys import flash
from tests.factories import make_hearing, make_staff_user, make_testimony

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 667}
SIZES = {"laptop": LAPTOP, "phone": PHONE}
OPPOSED, SUPPORTING = 70, 40  # more than one page (50) of each filter's rows
LONG_ADDRESS = "maria.fernanda.rodriguez-villanueva@correo.municipalidad-ejemplo.example.org"
ARABIC = "أعارض استخدام تقنية التعرف على الوجه من قبل شرطة المدينة لأنها تخطئ كثيرا. " * 4

# For each text piece of each address: on how many lines it is drawn (1 when no piece of an
# address is broken inside; a break between pieces, at a <wbr>, is where it should be).
ADDRESS_PIECE_LINES = """() => [...document.querySelectorAll(".queue-list .address span")]
    .map((n) => { const r = document.createRange(); r.selectNodeContents(n);
      const tops = [...r.getClientRects()].map((x) => Math.round(x.top));
      return {piece: n.textContent, lines: new Set(tops).size}; })"""


@pytest.fixture
def morning(db):
    """A hearing with a morning's pending letters over three pages, and a moderator."""
    hearing = make_hearing(title="Hearing on the face surveillance ordinance")
    start = utcnow() - timedelta(hours=3)
    for i in range(OPPOSED):
        make_testimony(
            hearing,
            now=start + timedelta(seconds=i),
            full_name=f"Resident {i:03d}",
            position=Position.OPPOSE,
            email=LONG_ADDRESS if i % 7 == 0 else f"resident{i}@example.org",
            organization="Coalition for Privacy in Public Spaces" if i % 5 == 0 else None,
            body=(
                ARABIC
                if i % 9 == 0
                else f"Letter {i}: I oppose the ordinance; see "
                "https://example.org/a-very-long-address-without-any-break-in-it-whatsoever "
                + "because face surveillance misidentifies residents. "
                * 8
            ),
        )
    for i in range(SUPPORTING):
        make_testimony(
            hearing,
            now=start + timedelta(seconds=OPPOSED + i),
            full_name=f"Supporter {i:03d}",
            position=Position.SUPPORT,
            email=f"supporter{i}@example.org",
        )
    moderator = make_staff_user(Role.MODERATOR)
    ids = {"hearing": hearing.id, "moderator": moderator.email}
    commit()
    return ids


def statuses() -> dict[tuple[Position, ReviewStatus], int]:
    counts: dict[tuple[Position, ReviewStatus], int] = {}
    for position, status in db.session.execute(select(Testimony.position, Testimony.status)):
        counts[(position, status)] = counts.get((position, status), 0) + 1
    db.session.rollback()  # release SQLite's lock before the browser goes on
    return counts


def open_queue(site, morning, size, query=""):
    page = site.new_page()
    page.set_viewport_size(SIZES[size])
    sign_in(page, morning["moderator"])
    page.goto(f"/staff/hearings/{morning['hearing']}/queue{query}")
    return page


def no_sideways_scroll(page) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"], measured


@pytest.mark.parametrize("size", SIZES)
def test_the_list_uses_the_screen_and_never_scrolls_the_page_sideways(site, morning, size):
    page = open_queue(site, morning, size)
    rows = page.locator(".queue-list tbody tr")
    expect(rows).to_have_count(50)

    no_sideways_scroll(page)
    width = page.locator(".queue-list").bounding_box()["width"]
    viewport = SIZES[size]["width"]
    print(f"{size}: the list is {width:.0f} px wide in a {viewport} px window")
    if size == "laptop":
        assert width >= 1250, "the list leaves most of a laptop's width unused"
        # One row per testimony, its cells side by side.
        first = rows.first.bounding_box()
        assert first["height"] < 400
    else:
        assert width <= viewport
        # Stacked: each testimony is one card, whole inside the screen.
        for index in (0, 1, 49):
            box = rows.nth(index).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= viewport, (index, box)
        expect(page.get_by_label("Select every testimony on this page")).to_be_visible()
    # Long addresses wrap between their parts (after the @, before a dot), never inside one.
    pieces = page.evaluate(ADDRESS_PIECE_LINES)
    assert any(p["piece"] == ".rodriguez-villanueva@" for p in pieces), pieces[:8]
    assert [p for p in pieces if p["lines"] != 1] == []
    # The first lines of an Arabic letter read right to left in their own box.
    arabic = page.locator(".excerpt").filter(has_text="أعارض").first
    expect(arabic).to_have_attribute("dir", "auto")
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"


@pytest.mark.parametrize("size", SIZES)
def test_the_header_box_ticks_every_row_and_says_how_many(site, morning, size):
    page = open_queue(site, morning, size)
    every = page.get_by_label("Select every testimony on this page")
    boxes = page.locator('.queue-list input[name="ids"]')
    status = page.locator("#selection-status[role=status]")

    every.check()

    expect(boxes).to_have_count(50)
    assert boxes.evaluate_all("all => all.every((box) => box.checked)")
    expect(status).to_have_text("50 of 50 on this page ticked")
    first = page.get_by_label(
        "Select testimony " + page.locator(".queue-list tbody tr td a").first.inner_text()
    )
    first.uncheck()
    expect(status).to_have_text("49 of 50 on this page ticked")
    assert every.evaluate("box => box.indeterminate && !box.checked"), "a mixed state"
    no_sideways_scroll(page)

    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Review the count and confirm").click()
    expect(page.locator("h1")).to_have_text("Apply this decision to 49 testimonies?")
    page.get_by_role("button", name="Yes, decide 49 testimonies").click()

    expect(flash(page)).to_have_text("49 testimonies decided.")
    assert statuses()[(Position.OPPOSE, ReviewStatus.APPROVED)] == 49


@pytest.mark.parametrize("size", SIZES)
def test_everything_matching_decides_every_page_but_not_what_arrived_after_the_count(
    site, morning, size
):
    page = open_queue(site, morning, size, "?position=oppose")
    expect(page.locator(".queue-summary")).to_contain_text(
        f"{OPPOSED} testimonies match these filters."
    )
    expect(page.get_by_role("link", name="Next page")).to_be_visible()  # more than one page

    page.get_by_label("Everything matching the current filters").check()
    page.get_by_label("Flag for a second look").check()
    page.get_by_role("button", name="Review the count and confirm").click()

    expect(page.locator("h1")).to_have_text(f"Apply this decision to {OPPOSED} testimonies?")
    filters = page.locator(".confirm-filters")
    expect(filters).to_contain_text("StatusPending")
    expect(filters).to_contain_text("PositionOppose")
    no_sideways_scroll(page)
    # A letter arrives while the moderator reads the count: it is not in what they confirm.
    make_testimony(
        db.session.get(Hearing, morning["hearing"]),
        position=Position.OPPOSE,
        full_name="Late Arrival",
    )
    commit()

    page.get_by_role("button", name=f"Yes, decide {OPPOSED} testimonies").click()

    expect(flash(page)).to_have_text(f"{OPPOSED} testimonies decided.")
    assert statuses() == {
        (Position.OPPOSE, ReviewStatus.FLAGGED): OPPOSED,
        (Position.OPPOSE, ReviewStatus.PENDING): 1,  # the late arrival, still to review
        (Position.SUPPORT, ReviewStatus.PENDING): SUPPORTING,
    }


def test_without_javascript_the_whole_page_can_be_decided(browser, live_server, morning):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        sign_in(page, morning["moderator"])
        page.goto(f"/staff/hearings/{morning['hearing']}/queue?position=support")
        expect(page.locator("[data-select-all]")).to_be_hidden()  # it needs the script

        page.get_by_label("All 40 testimonies on this page").check()
        page.get_by_label("Approve").check()
        page.get_by_role("button", name="Review the count and confirm").click()
        page.get_by_role("button", name="Yes, decide 40 testimonies").click()

        expect(flash(page)).to_have_text("40 testimonies decided.")
    finally:
        context.close()
    assert statuses()[(Position.SUPPORT, ReviewStatus.APPROVED)] == SUPPORTING


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("size", SIZES)
def test_the_queue_and_its_confirmation_pass_axe(site, live_server, morning, size, language):
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT})")
    site.add_init_script(path=str(AXE_SCRIPT))
    site.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    page = open_queue(site, morning, size)
    problems: list[str] = []

    _check_shown(page, f"{language} {size} queue", problems)
    page.locator("#select-page").check()  # the select-all state shown, counted and announced
    expect(page.locator("#selection-status")).not_to_be_empty()
    _check_shown(page, f"{language} {size} queue, all ticked", problems)
    page.locator("#scope-filter").check()
    page.locator("input[name=action][value=flagged]").check()
    page.locator(".bulk-send button").click()
    expect(page.locator(".confirm-filters")).to_be_visible()
    _check_shown(page, f"{language} {size} confirmation", problems)
    no_sideways_scroll(page)

    assert problems == []
