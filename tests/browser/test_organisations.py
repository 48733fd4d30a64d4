"""Issuing an API key in real Chromium: the form's errors, the page that shows the key once
(axe-clean in each language, the key whole at 320 px), and the organisation's page without it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE_SCRIPT, commit, missing, sign_in
from tests.browser.test_accessibility import (
    LANGUAGES,
    NARROW,
    OVERFLOW,
    _check_shown,
    _in_language,
    _report,
)
from tests.factories import make_admin, make_body, make_organisation

KEY = re.compile(r"otk_[0-9a-f]{8}_[0-9A-Za-z]{43}")


@pytest.fixture
def axe_site(site):
    """The browser context with axe-core loaded into every page (as in test_accessibility)."""
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT}; run `make test` or `npm ci`)")
    site.add_init_script(path=str(AXE_SCRIPT))
    return site


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_admin_issues_a_key_and_sees_it_once(axe_site, live_server, db, language):
    admin = make_admin(email="keys-admin@example.gov")
    organisation = make_organisation(name="Digital Fourth", created_by=admin)
    make_body(name="Boston City Council")
    admin_email, page_path = admin.email, f"/staff/admin/organisations/{organisation.id}"
    commit()
    _in_language(axe_site, live_server, language)
    page = axe_site.new_page()
    sign_in(page, admin_email)
    problems: list[str] = []

    page.goto(f"{page_path}/keys/new")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    _check_shown(page, f"{language} key form with errors", problems)

    page.locator("#label").fill("Campaign site")
    page.locator("#scopes-0").check()
    page.locator("#bodies-0").check()
    page.locator("main form button[type=submit]").click()
    shown = page.locator("#api-key")
    expect(shown).to_be_visible()
    plaintext = shown.inner_text()
    assert KEY.fullmatch(plaintext)
    _check_shown(page, f"{language} key issued", problems)

    # On a phone the key wraps instead of widening the page.
    page.set_viewport_size(NARROW)
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"], measured

    page.goto(page_path)
    expect(page.locator("main table")).to_contain_text("otk_")
    assert plaintext not in page.content()
    _report(problems)
