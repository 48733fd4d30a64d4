"""The resident's journey and the moderator's review, with the keyboard alone: Tab, Shift+Tab,
Space and Enter, never the mouse. Every stop the Tab key makes must show where focus is."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.accounts.models import Role
from app.platform.extensions import db
from app.testimony.models import ReviewStatus, Testimony
from tests.browser.conftest import commit
from tests.factories import STAFF_PASSWORD, make_hearing, make_staff_user, make_testimony

# What has focus, and whether a sighted keyboard user can see it (an outline or a ring).
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
    || style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
    value: el.getAttribute("value") || "", href: el.getAttribute("href") || "",
    text: (el.innerText || "").trim().slice(0, 80), ring,
    onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.bottom > 0,
  };
}"""


AUTOCOMPLETE = {
    "full_name": "name",
    "email": "email",
    "street_address": "street-address",
    "city": "address-level2",
    "zip_code": "postal-code",
    "organization": "organization",
}


def tab_to(page, wanted, *, limit: int = 120, backwards: bool = False) -> dict:
    """Press Tab until `wanted(focused)` is true; every element passed on the way must show
    visible focus. Fails if the element is never reached."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["tag"] != "body", "focus fell off the page"
        assert focused["ring"], f"focus is not visible on {focused}"
        assert focused["onScreen"], f"focus is on something not shown: {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"never reached by Tab within {limit} presses")


def by_id(name):
    return lambda focused: focused["id"] == name


def type_into(page, field_id: str, text: str) -> None:
    tab_to(page, by_id(field_id))
    page.keyboard.type(text)


@pytest.fixture
def hearing_scene(db):
    hearing = make_hearing(title="Hearing on a ban of face surveillance")
    first = make_testimony(hearing, full_name="Denise Okafor").testimony
    make_testimony(hearing, full_name="Luis Ortega", body="Cameras make us safer.")
    moderator = make_staff_user(Role.MODERATOR)
    values = {"hearing": hearing.id, "first": first.id, "moderator": moderator.email}
    commit()
    return values


def test_a_resident_testifies_with_the_keyboard_alone(page, hearing_scene):
    hearing = hearing_scene["hearing"]
    page.goto("/")

    # The first Tab shows the skip link; Enter moves focus past the header into the page.
    skip = tab_to(page, lambda f: True)
    assert "skip-link" in page.evaluate("() => document.activeElement.className")
    assert skip["href"] == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    tab_to(page, lambda f: f["href"] == f"/hearings/{hearing}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/hearings/{hearing}")
    tab_to(page, lambda f: f["href"] == f"/hearings/{hearing}/testimony/new")
    page.keyboard.press("Enter")
    page.wait_for_url("**/testimony/new")

    # Browsers and password managers can fill in who the resident is.
    for field, token in AUTOCOMPLETE.items():
        assert page.get_attribute(f"#{field}", "autocomplete") == token, field

    # Sending the empty form puts focus on the summary of what to fix...
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Submit testimony")
    page.keyboard.press("Enter")
    # The script that moves focus loads just after the page: wait for it, not just the page.
    expect(page.locator("#error-summary")).to_be_focused()
    # ...whose first link takes focus to the first field to fix.
    tab_to(page, lambda f: f["href"] == "#full_name")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "full_name"
    page.keyboard.type("Rosa Delgado")

    type_into(page, "email", "rosa.delgado@example.org")
    type_into(page, "street_address", "41 Dudley Street")
    type_into(page, "city", "Roxbury")
    type_into(page, "zip_code", "02119")
    tab_to(page, lambda f: f["name"] == "position")
    page.keyboard.press("Space")
    type_into(page, "body", "Face surveillance has no place in our neighbourhoods.")
    tab_to(page, by_id("public_record_acknowledged"))
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Submit testimony")
    page.keyboard.press("Enter")

    page.wait_for_url("**/receipts/**")
    status = page.locator("[role=status]").first
    assert status.is_visible()
    tracking = re.search(r"OT-[0-9A-Z]{4}-[0-9A-Z]{4}", page.locator("main").inner_text())
    assert tracking, "the receipt shows no tracking number"
    stored = db.session.scalar(
        select(Testimony).where(Testimony.tracking_number == tracking.group(0))
    )
    assert stored.full_name == "Rosa Delgado"
    assert stored.position.value == "support"
    assert stored.body == "Face surveillance has no place in our neighbourhoods."
    db.session.rollback()


def test_a_moderator_reviews_with_the_keyboard_alone(page, hearing_scene):
    hearing, first = hearing_scene["hearing"], hearing_scene["first"]
    page.goto("/staff/login")
    type_into(page, "email", hearing_scene["moderator"])
    type_into(page, "password", STAFF_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/staff/")

    tab_to(page, lambda f: f["href"] == f"/staff/hearings/{hearing}/queue")
    page.keyboard.press("Enter")
    page.wait_for_url("**/queue")
    tab_to(page, lambda f: f["href"] == f"/staff/testimony/{first}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/staff/testimony/{first}")

    tab_to(page, lambda f: f["name"] == "action" and f["value"] == "approved")
    page.keyboard.press("Space")
    tab_to(page, lambda f: f["tag"] == "button" and f["value"] == "stay")
    page.keyboard.press("Enter")
    page.wait_for_selector("[role=status]")
    assert page.locator("[role=status]").first.is_visible()
    assert db.session.get(Testimony, first).status is ReviewStatus.APPROVED
    db.session.rollback()

    # Shift+Tab goes back the way it came, just as visibly.
    tab_to(page, lambda f: f["href"] == f"/staff/hearings/{hearing}/queue", backwards=True)
