"""A resident's receipt in real Chromium after the review and after withdrawing: a rejected
receipt gives the reason in plain words and what can be done before the deadline; a withdrawn
one offers no amendment, withdrawal or speaking-place buttons; the amendment form with its
attachment checkboxes; each checked by axe-core (WCAG 2.1 A/AA: no violations)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.moderation import services as moderation
from app.moderation.services import Decision
from app.platform.timezones import utcnow
from app.testimony import review_notices
from app.testimony.models import RejectionReason, ReviewStatus
from tests.browser.conftest import commit
from tests.browser.test_accessibility import AXE_TAGS, RUN_AXE, axe_site  # noqa: F401
from tests.factories import make_hearing, make_staff_user, make_testimony, make_upload


def no_violations(page) -> None:
    problems = page.evaluate(RUN_AXE, AXE_TAGS)
    assert problems == [], problems


@pytest.fixture
def resident(axe_site):  # noqa: F811  (the fixture imported above)
    return axe_site.new_page()


def test_a_rejected_receipt_says_why_and_what_to_do(resident, db):
    hearing = make_hearing()
    receipt = make_testimony(hearing)
    moderation.decide(
        make_staff_user(),
        receipt.testimony,
        Decision(ReviewStatus.REJECTED, RejectionReason.OFF_TOPIC),
        expected=ReviewStatus.PENDING,
        now=utcnow(),
    )
    commit()

    resident.goto(f"/receipts/{receipt.token}")

    outcome = resident.get_by_test_id("review-outcome")
    expect(outcome.get_by_role("heading")).to_have_text("Your testimony was not published.")
    expect(outcome).to_contain_text(review_notices.resident_reason(RejectionReason.OFF_TOPIC))
    expect(outcome).to_contain_text("You can amend it and send it again until")
    expect(resident.get_by_role("link", name="Amend testimony")).to_be_visible()
    no_violations(resident)


def test_a_withdrawn_receipt_offers_no_changes(resident, db):
    hearing = make_hearing()
    receipt = make_testimony(hearing, uploads=(make_upload("study.pdf"),))
    commit()

    resident.goto(f"/receipts/{receipt.token}/amend")
    expect(resident.get_by_role("checkbox", name="Remove study.pdf")).to_be_visible()
    no_violations(resident)

    resident.goto(f"/receipts/{receipt.token}")
    resident.get_by_role("link", name="Withdraw testimony").click()
    resident.get_by_role("button", name="Yes, withdraw my testimony").click()
    resident.wait_for_url(f"**/receipts/{receipt.token}")

    main = resident.locator("main")
    expect(main).to_contain_text("You withdrew this testimony.")
    expect(resident.get_by_role("link", name="Amend testimony")).to_have_count(0)
    expect(resident.get_by_role("link", name="Withdraw testimony")).to_have_count(0)
    expect(resident.get_by_role("button", name="Confirm I will speak")).to_have_count(0)
    expect(resident.get_by_role("link", name="Cancel my place")).to_have_count(0)
    no_violations(resident)

    # A link kept from before leads back, saying why.
    resident.goto(f"/receipts/{receipt.token}/amend")
    resident.wait_for_url(f"**/receipts/{receipt.token}")
    expect(main).to_contain_text(
        "You withdrew this testimony, so it can no longer be amended or withdrawn."
    )
    no_violations(resident)
