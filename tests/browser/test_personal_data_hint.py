"""The personal-data warning in real Chromium: the script finds exactly what the server finds
(same examples, same Unicode classes on every code point), a polite hint appears under the text
as the resident types, and without JavaScript the form still asks before sending, on a phone."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.platform.extensions import db
from app.testimony.models import Testimony
from app.testimony.personal_data import find_personal_data
from tests.browser.conftest import AXE_SCRIPT, commit
from tests.browser.test_accessibility import _check_shown
from tests.browser.test_journeys import fill_testimony_form, flash
from tests.factories import make_hearing
from tests.testimony.test_personal_data import EXAMPLES, HOSTILE

PHONE = {"width": 375, "height": 812}
PHONE_TEXT = "Please call me at 617-555-0143 about the cameras on my street."
# Screenshots go here to be looked at (SCREENSHOT_DIR), else to the test's own folder.
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def hearing_id(db):
    hearing = make_hearing(title="Hearing on cameras in parks")
    hearing_id = hearing.id
    commit()
    return hearing_id


@pytest.fixture
def phone(site):
    if AXE_SCRIPT.exists():
        site.add_init_script(path=str(AXE_SCRIPT))
    page = site.new_page()
    page.set_viewport_size(PHONE)
    return page


def stored() -> list[Testimony]:
    rows = list(db.session.scalars(select(Testimony)))
    db.session.rollback()  # release SQLite's lock before the browser goes on
    return rows


def screenshot(page, tmp_path: Path, name: str) -> None:
    folder = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def in_python(text: str) -> list[list]:
    return [[f.kind.value, f.text] for f in find_personal_data(text)]


def test_the_script_finds_exactly_what_the_server_finds(phone, hearing_id):
    phone.goto(f"/hearings/{hearing_id}/testimony/new")
    texts = [text for text, _ in EXAMPLES] + HOSTILE
    # Mixed texts: every example run together, and with hostile runs around them.
    texts.append(" ".join(text for text, _ in EXAMPLES))
    texts.append("7" * 500 + " " + " | ".join(text for text, _ in EXAMPLES) + " a." * 300)

    in_chromium = phone.evaluate(
        "texts => texts.map(text => window.OpenTestimony.findPersonalData(text)"
        ".map(f => [f.kind, f.text]))",
        texts,
    )

    for text, found in zip(texts, in_chromium, strict=True):
        assert found == in_python(text), text[:80]


# Python's classes as the patterns write them, and what the browser is sent for each.
CLASSES = [
    (r"[\w]", r"[\p{L}\p{N}_]"),
    (r"[^\W\d_]", r"[\p{L}\p{Nl}\p{No}]"),
    (r"[^\W_]", r"[\p{L}\p{N}]"),
]

_RANGES_IN_CHROMIUM = """
source => {
  const pattern = new RegExp("^" + source + "$", "u");
  const ranges = [];
  let start = -1;
  for (let code = 0; code <= 0x110000; code++) {
    const inside = code < 0x110000 && !(code >= 0xd800 && code <= 0xdfff)
      && pattern.test(String.fromCodePoint(code));
    if (inside && start < 0) { start = code; }
    if (!inside && start >= 0) { ranges.push([start, code - 1]); start = -1; }
  }
  return ranges;
}
"""


@pytest.mark.parametrize(("python", "javascript"), CLASSES, ids=["word", "letter", "alnum"])
def test_each_character_class_means_the_same_on_every_assigned_code_point(
    phone, hearing_id, python, javascript
):
    phone.goto(f"/hearings/{hearing_id}/testimony/new")
    ranges = phone.evaluate(_RANGES_IN_CHROMIUM, javascript)
    in_chromium = {code for start, end in ranges for code in range(start, end + 1)}
    pattern = re.compile(python)
    differ = [
        f"U+{code:04X}"
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF
        # Characters newer than Python's Unicode tables may be known to Chromium only.
        and unicodedata.category(chr(code)) != "Cn"
        and (pattern.match(chr(code)) is not None) != (code in in_chromium)
    ]
    assert differ == [], f"{len(differ)} differ, first {differ[:10]}"


def test_typing_a_phone_number_shows_a_polite_hint_under_the_text(phone, hearing_id, tmp_path):
    phone.goto(f"/hearings/{hearing_id}/testimony/new")
    hint = phone.locator("#body-personal-data")
    expect(hint).to_have_attribute("aria-live", "polite")
    expect(hint).to_be_empty()
    body = phone.get_by_label("Your written testimony")

    body.press_sequentially("Please call me at 617-555-0143 or write to rosa@example.org.")

    expect(hint).to_contain_text("Your testimony will be public, with your name.")
    expect(hint).to_contain_text("What looks like a phone number: 617-555-0143")
    expect(hint).to_contain_text("What looks like an e-mail address: rosa@example.org")
    expect(hint.locator("bdi[dir=auto]")).to_have_count(2)
    assert "body-personal-data" in body.get_attribute("aria-describedby")
    hint.scroll_into_view_if_needed()
    screenshot(phone, tmp_path, "personal-data-hint-375")

    body.fill("Please keep the cameras out of our parks.")
    body.dispatch_event("input")
    expect(hint).to_be_empty()


def test_right_to_left_text_gets_the_hint_in_its_own_direction(phone, hearing_id):
    phone.goto(f"/hearings/{hearing_id}/testimony/new")
    body = phone.get_by_label("Your written testimony")

    body.fill("أرجو الاتصال بي على 617-555-0143 بخصوص الكاميرات")
    body.dispatch_event("input")

    found = phone.locator("#body-personal-data bdi")
    expect(found).to_have_text("617-555-0143")
    expect(found).to_have_attribute("dir", "auto")


def test_the_warning_takes_focus_and_edit_goes_to_the_number(phone, hearing_id, tmp_path):
    phone.goto(f"/hearings/{hearing_id}/testimony/new")
    fill_testimony_form(phone, PHONE_TEXT)
    phone.get_by_role("button", name="Submit testimony", exact=True).click()

    warning = phone.locator(".personal-data-warning")
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("What looks like a phone number: 617-555-0143")
    screenshot(phone, tmp_path, "personal-data-warning-375")
    if AXE_SCRIPT.exists():
        problems: list[str] = []
        _check_shown(phone, "testimony form with the personal-data warning", problems)
        assert problems == []
    assert stored() == []

    warning.get_by_role("link", name="Edit my testimony").click()

    body = phone.get_by_label("Your written testimony")
    expect(body).to_be_focused()
    selected = phone.evaluate(
        "() => { const t = document.activeElement;"
        " return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert selected == "617-555-0143"


def test_without_javascript_the_form_asks_then_sends_it_as_it_is(
    browser, live_server, hearing_id, tmp_path
):
    context = browser.new_context(base_url=live_server, locale="en-US", java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_viewport_size(PHONE)
        page.goto(f"/hearings/{hearing_id}/testimony/new")
        fill_testimony_form(page, PHONE_TEXT)
        page.get_by_role("button", name="Submit testimony", exact=True).click()

        warning = page.locator(".personal-data-warning")
        expect(warning).to_contain_text("Before you send: your testimony will be public")
        expect(page.get_by_label("Your written testimony")).to_have_value(PHONE_TEXT)
        screenshot(page, tmp_path, "personal-data-warning-no-js-375")
        assert stored() == []

        warning.get_by_role("button", name="Send it as it is").click()

        page.wait_for_url("**/receipts/**")
        expect(flash(page)).to_contain_text("your testimony was received")
        [testimony] = stored()
        assert testimony.body == PHONE_TEXT
        assert testimony.quarantine_reason is None
    finally:
        context.close()
