"""The review page in real Chromium: on a laptop (1366 x 768) the redaction form and the
suggested redactions sit beside the testimony text; on a phone (375 x 667) they stack under
it, with nothing pushing the page sideways; a PDF attachment's page shows as an image and the
moderator can page forward, with or without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.accounts.models import Role
from tests.browser.conftest import commit, sign_in
from tests.factories import make_staff_user, make_testimony
from tests.moderation.drawn_pdfs import drawn_upload

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 667}

BODY = (
    "I oppose face surveillance in our neighbourhood. "
    "You can reach me on 617-555-0100 or at denise.o@example.org if the committee has "
    "questions about the cameras on 77 Warren Street. " * 3
)


@pytest.fixture
def reviewable(db):
    moderator = make_staff_user(Role.MODERATOR)
    testimony = make_testimony(
        body=BODY, uploads=(drawn_upload("Okafor statement.pdf", pages=3),)
    ).testimony
    # Plain values: touching the objects after the commit would hold SQLite's lock.
    ids = Review(moderator.email, testimony.id, testimony.attachments[0].id)
    commit()
    return ids


@dataclass(frozen=True)
class Review:
    email: str
    testimony: int
    attachment: int


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def open_review(page, review: Review, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    sign_in(page, review.email)
    page.goto(f"/staff/testimony/{review.testimony}")


def test_on_a_laptop_redaction_and_suggestions_sit_beside_the_text(page, reviewable):
    open_review(page, reviewable, LAPTOP)

    text = box(page, ".testimony-text")
    form = box(page, "#redact-form")
    suggestions = box(page, ".suggestions")

    for beside in (form, suggestions):
        assert beside["x"] >= text["x"] + text["width"], "to the right of the text"
    # Side by side: the two columns start level.
    assert abs(box(page, ".redaction-panel")["y"] - box(page, ".review-reading")["y"]) < 40
    assert form["y"] < text["y"] + text["height"]
    assert form["y"] < 768, "the redaction form is in view without scrolling"
    # Each suggestion offers both ways, in one step.
    first = page.locator(".suggestions li").first
    assert first.get_by_role("button", name="Hide").is_visible()
    assert first.get_by_role("button", name="Edit first").is_visible()
    # Decisions, history and notes are reachable from the top of the page.
    page.get_by_role("link", name="Private notes").click()
    assert page.url.endswith("#notes-heading")


def test_on_a_phone_they_stack_under_the_text_without_sideways_scrolling(page, reviewable):
    open_review(page, reviewable, PHONE)

    text = box(page, ".testimony-text")
    form = box(page, "#redact-form")
    suggestions = box(page, ".suggestions")
    decision = box(page, "#decision-form")

    assert text["y"] + text["height"] <= form["y"], "text first"
    assert form["y"] < suggestions["y"] < decision["y"]
    for part in (text, form, suggestions, decision):
        assert part["x"] >= 0
        assert part["x"] + part["width"] <= PHONE["width"]
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_edit_first_fills_in_the_redaction_box(page, reviewable):
    open_review(page, reviewable, LAPTOP)

    item = page.locator(".suggestions li", has_text="denise.o@example.org")
    item.get_by_role("button", name="Edit first").click()

    assert page.locator("#phrase").input_value() == "denise.o@example.org"
    assert page.locator("mark.mark-redacted").count() == 0, "nothing hidden yet"
    page.locator("#phrase").fill("denise.o")
    page.locator("#redact-form").get_by_role("button", name="Hide this text").click()
    assert page.locator("mark.mark-redacted").first.inner_text() == "denise.o"


def image_shows(page, alt: str, *, scripts: bool = True) -> bool:
    """The image with this text is on the page and is a PNG the browser fetched and decoded."""
    image = page.get_by_alt_text(alt)
    image.scroll_into_view_if_needed()
    fetched = page.context.request.get(image.get_attribute("src"))
    if fetched.headers["content-type"] != "image/png":
        return False
    if not scripts:  # without JavaScript the page cannot be asked; the layout still tells
        return image.bounding_box()["height"] > 100
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.parametrize("scripts", [True, False], ids=["with-js", "without-js"])
def test_a_pdf_page_shows_and_pages_forward(browser, live_server, db, reviewable, scripts):
    context = browser.new_context(
        base_url=live_server, locale="en-US", java_script_enabled=scripts, viewport=LAPTOP
    )
    try:
        page = context.new_page()
        sign_in(page, reviewable.email)
        page.goto(f"/staff/testimony/{reviewable.testimony}")

        assert image_shows(page, "Page 1 of 3 of Okafor statement.pdf", scripts=scripts)
        assert page.locator(".pager-position").inner_text() == "Page 1 of 3"
        page.get_by_role("link", name="Next page").click()
        assert image_shows(page, "Page 2 of 3 of Okafor statement.pdf", scripts=scripts)
        assert page.locator(".pager-position").inner_text() == "Page 2 of 3"
        # The page came back scrolled to the attachment, not to the top.
        assert page.url.endswith(f"#attachment-{reviewable.attachment}")
        page.get_by_role("link", name="Previous page").click()
        assert image_shows(page, "Page 1 of 3 of Okafor statement.pdf", scripts=scripts)
        # The PDF itself is never handed to the browser to display.
        assert page.locator("iframe, embed, object").count() == 0
    finally:
        context.close()
