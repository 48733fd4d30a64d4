"""The testimony form on a phone, in real Chromium: the language switch is at the top of the
form, Enter still submits the testimony, and a PDF attached to a form that came back with an
error is kept, listed with a "remove" button, and sent with the next try."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.platform.extensions import db
from app.testimony.models import Testimony
from tests.browser.conftest import AXE_SCRIPT, commit
from tests.browser.test_accessibility import _check_shown
from tests.browser.test_journeys import fill_testimony_form, flash
from tests.factories import make_hearing, make_pdf

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(site):
    if AXE_SCRIPT.exists():
        site.add_init_script(path=str(AXE_SCRIPT))
    page = site.new_page()
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def hearing_id(db):
    hearing = make_hearing(title="Hearing on library opening hours")
    hearing_id = hearing.id
    commit()
    return hearing_id


def stored() -> list[Testimony]:
    rows = list(db.session.scalars(select(Testimony)))
    for row in rows:
        _ = [a.original_name for a in row.attachments]
    db.session.rollback()  # release SQLite's lock before the browser goes on
    return rows


def test_the_language_switch_is_on_the_first_screen_of_the_form_on_a_phone(phone, hearing_id):
    phone.goto(f"/hearings/{hearing_id}/testimony/new")

    switch = phone.locator("#switch-language")
    box = switch.bounding_box()
    form_top = phone.locator("form.testimony-form").bounding_box()["y"]
    first_field = phone.get_by_label("Full name", exact=True).bounding_box()["y"]
    print(
        f"switch at {box['y']:.0f}px, form at {form_top:.0f}px, name field at {first_field:.0f}px"
    )
    assert box["y"] + box["height"] <= PHONE["height"], "the switch is below the first screen"
    assert box["y"] < first_field, "the switch comes after the first question"
    spanish = switch.get_by_role("button", name="Español")
    expect(spanish).to_be_visible()

    # What was typed is kept when the form is read in another language.
    phone.get_by_label("Full name", exact=True).fill("Rosa Delgado")
    spanish.click()
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.locator("#full_name")).to_have_value("Rosa Delgado")
    assert stored() == []


def test_enter_in_a_field_submits_the_testimony_not_a_language_switch(phone, hearing_id):
    phone.goto(f"/hearings/{hearing_id}/testimony/new")
    fill_testimony_form(phone, "Please keep the Dudley branch open on Sundays.")

    phone.get_by_label("Full name", exact=True).press("Enter")

    phone.wait_for_url("**/receipts/**")
    expect(flash(phone)).to_contain_text("your testimony was received")
    assert len(stored()) == 1


def test_a_pdf_is_kept_when_the_form_comes_back_and_can_be_removed(
    phone, hearing_id, tmp_path: Path
):
    first, second = tmp_path / "statement.pdf", tmp_path / "wrong-file.pdf"
    first.write_bytes(make_pdf(pages=2))
    second.write_bytes(make_pdf(pages=1))
    phone.goto(f"/hearings/{hearing_id}/testimony/new")
    fill_testimony_form(phone, "")  # the testimony text forgotten
    phone.get_by_label("Attach PDF files (optional)").set_input_files([first, second])
    phone.get_by_role("button", name="Submit testimony", exact=True).click()

    expect(phone.locator("#error-summary")).to_be_visible()
    kept = phone.locator("#held-files")
    expect(kept.get_by_role("listitem")).to_have_count(2)
    expect(kept).to_contain_text("statement.pdf (2 pages")
    if AXE_SCRIPT.exists():  # the list of kept files passes the same WCAG checks as every page
        problems: list[str] = []
        _check_shown(phone, "testimony form with kept files", problems)
        assert problems == []

    kept.get_by_role("button", name="Remove wrong-file.pdf").click()
    expect(phone.locator("#held-files").get_by_role("listitem")).to_have_count(1)
    expect(phone.locator("#held-files")).not_to_contain_text("wrong-file.pdf")
    expect(phone.get_by_label("Full name", exact=True)).to_have_value("Rosa Delgado")

    phone.get_by_label("Your written testimony").fill("Keep the branch open on Sundays.")
    # Enter in a field sends the form; it does not press the "remove" button.
    phone.get_by_label("City or town", exact=True).press("Enter")

    phone.wait_for_url("**/receipts/**")
    expect(phone.get_by_role("listitem").filter(has_text="statement.pdf")).to_contain_text(
        "2 pages"
    )
    [testimony] = stored()
    assert [a.original_name for a in testimony.attachments] == ["statement.pdf"]
