"""Testimony on several measures in real Chromium: one radio group per measure, chosen by
keyboard, a clear error when none is chosen, and the receipt listing each measure with its
position; every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE_SCRIPT, commit
from tests.browser.test_accessibility import _check_shown
from tests.browser.test_journeys import flash, submit_testimony
from tests.factories import make_committee, make_hearing, make_measure

TITLE = "An Act establishing a moratorium on face recognition"


@pytest.fixture
def checked_page(site):
    if AXE_SCRIPT.exists():
        site.add_init_script(path=str(AXE_SCRIPT))
    return site.new_page()


@pytest.fixture
def hearing_id(db):
    committee = make_committee()
    bills = [make_measure(committee, number=number, title=TITLE) for number in ("H.1538", "S.927")]
    hearing = make_hearing(committee=committee, measures=0, title="Moratorium hearing")
    hearing.measures = bills
    hearing_id = hearing.id
    commit()
    return hearing_id


def fill_about_me(page) -> None:
    page.get_by_label("Full name", exact=True).fill("Rosa Delgado")
    page.get_by_label("E-mail address", exact=True).fill("rosa.delgado@example.org")
    page.get_by_label("Street address", exact=True).fill("41 Dudley Street")
    page.get_by_label("City or town", exact=True).fill("Roxbury")
    page.get_by_label("ZIP code", exact=True).fill("02119")
    page.get_by_label("Your written testimony").fill("Both bills deserve support.")
    page.get_by_label("I understand that my testimony").check()


def test_a_resident_takes_a_position_on_each_companion_bill(checked_page, hearing_id):
    page, problems = checked_page, []
    page.goto(f"/hearings/{hearing_id}/testimony/new")
    house = page.get_by_role("group", name=f"H.1538: {TITLE}")
    senate = page.get_by_role("group", name=f"S.927: {TITLE}")
    expect(house.get_by_role("radio", name="Not addressing this measure")).to_be_checked()
    _check_shown(page, "form", problems)

    fill_about_me(page)
    submit_testimony(page)

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Choose at least one measure your testimony is about")
    _check_shown(page, "form with an error", problems)
    # The summary's link leads to the first measure's choices.
    summary.get_by_role("link").first.click()
    expect(house.get_by_role("radio", name="Not addressing this measure")).to_be_focused()

    # By keyboard, as radio groups work: arrows move the choice within a measure.
    house.get_by_role("radio", name="Not addressing this measure").press("ArrowDown")
    expect(house.get_by_role("radio", name="Support")).to_be_checked()
    senate.get_by_role("radio", name="Oppose").check()
    page.get_by_label("I understand that my testimony").check()
    submit_testimony(page)

    page.wait_for_url("**/receipts/**")
    expect(flash(page)).to_contain_text("your testimony was received")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"H.1538: {TITLE}: Support")
    expect(facts).to_contain_text(f"S.927: {TITLE}: Oppose")
    _check_shown(page, "receipt", problems)
    assert not problems, "\n".join(problems)
