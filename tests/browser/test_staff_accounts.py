"""Recovery codes and sessions in real Chromium: the page that shows the codes once (axe-clean,
its text file downloaded from the page itself, readable at 375 px), a staff member's own list of
sessions and an admin's list for someone else, each axe-clean at 375 px, and their buttons
signing the right browsers out."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE_SCRIPT, commit, missing, sign_in
from tests.browser.test_accessibility import OVERFLOW, _check_shown, _report
from tests.factories import make_admin, make_staff_user

PHONE = {"width": 375, "height": 740}
CODE = re.compile(r"^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$")


@pytest.fixture
def axe_site(site):
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT}; run `make test` or `npm ci`)")
    site.add_init_script(path=str(AXE_SCRIPT))
    return site


def _fits_a_phone(page, where: str, problems: list[str]) -> None:
    page.set_viewport_size(PHONE)
    measured = page.evaluate(OVERFLOW)
    if measured["scroll"] > measured["width"]:
        problems.append(f"{where}: wider than 375 px ({measured})")
    _check_shown(page, f"{where} at 375 px", problems)


def test_turning_on_the_second_factor_shows_codes_once_and_downloads_them(axe_site, db):
    user = make_staff_user(email="codes@example.gov")
    email = user.email
    commit()
    page = axe_site.new_page()
    sign_in(page, email)
    problems: list[str] = []

    page.goto("/staff/account/totp")
    secret = page.locator("main code").inner_text().strip()
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    codes = [c.strip() for c in page.locator("ol.recovery-codes code").all_inner_texts()]
    assert len(codes) == 10 and all(CODE.match(code) for code in codes)
    _check_shown(page, "recovery codes", problems)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the codes as a text file").click()
    download = info.value
    assert download.suggested_filename == "opentestimony-recovery-codes.txt"
    text = download.path().read_text(encoding="utf-8")
    assert all(code in text for code in codes) and email in text

    _fits_a_phone(page, "recovery codes", problems)
    page.get_by_role("link", name="I have saved them: back to your account").click()
    expect(page.locator("main")).to_contain_text("You have 10 unused recovery codes.")
    assert not any(code in page.content() for code in codes)
    _report(problems)


def test_sessions_lists_pass_axe_on_a_phone_and_sign_browsers_out(
    axe_site, browser, live_server, db
):
    admin = make_admin(email="sessions-admin@example.gov")
    user = make_staff_user(email="sessions@example.gov")
    admin_email, email, user_id = admin.email, user.email, user.id
    commit()
    problems: list[str] = []
    mine = axe_site.new_page()
    sign_in(mine, email)
    # The same person on another browser (another context: its own cookies).
    other_context = browser.new_context(base_url=live_server, locale="en-US")
    other = other_context.new_page()
    sign_in(other, email)

    mine.set_viewport_size(PHONE)
    mine.goto("/staff/account#sessions")
    rows = mine.locator("table.sessions tbody tr")
    expect(rows).to_have_count(2)
    expect(mine.locator("table.sessions")).to_contain_text("(this browser)")
    _fits_a_phone(mine, "own sessions", problems)

    # The admin at their own desk: another context again.
    admin_context = browser.new_context(base_url=live_server, locale="en-US")
    admin_context.add_init_script(path=str(AXE_SCRIPT))
    admin_page = admin_context.new_page()
    sign_in(admin_page, admin_email)
    admin_page.set_viewport_size(PHONE)
    admin_page.goto(f"/staff/admin/users/{user_id}")
    expect(admin_page.locator("table.sessions tbody tr")).to_have_count(2)
    _fits_a_phone(admin_page, "admin's list of sessions", problems)

    mine.get_by_role("button", name="Sign out everywhere else").click()
    expect(mine.locator("main")).to_contain_text("1 other session signed out.")
    expect(mine.locator("table.sessions tbody tr")).to_have_count(1)
    other.goto("/staff/account")
    assert "/staff/login" in other.url

    admin_page.reload()
    admin_page.locator("table.sessions tbody tr button").first.click()
    expect(admin_page.locator("main")).to_contain_text("That session is signed out.")
    mine.goto("/staff/account")
    assert "/staff/login" in mine.url
    other_context.close()
    admin_context.close()
    _report(problems)
