"""WCAG 2.1 A/AA on every page, in every language, checked by axe-core in real Chromium; and
every page reflows at 320 CSS pixels without scrolling sideways (WCAG 1.4.10)."""

from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect
from sqlalchemy.exc import OperationalError

from app.testimony import services as submission_services
from tests.browser.conftest import AXE_SCRIPT, missing, sign_in
from tests.browser.pages import (
    ERROR_PAGES,
    NOT_PAGES,
    SECOND_FACTOR,
    resident_pages,
    staff_pages,
)
from tests.browser.scene import Scene, build_scene
from tests.factories import STAFF_PASSWORD

LANGUAGES = ["en", "es"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = {"width": 320, "height": 640}
# The button that sends a testimony or amendment form (not a language switch or "remove",
# nor the hidden copy that makes Enter send the form).
SEND_FORM = "form.testimony-form button.button[type=submit]:not([name])"

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact, help: v.help,
    where: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""

# How far the page reaches past the viewport, and which elements stick out.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string" ? "." + el.className.split(" ")[0] : ""));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def test_every_page_is_listed(app):
    """A page added to the app must be added to tests/browser/pages.py, so it is checked."""
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and rule.endpoint not in NOT_PAGES
    }
    numbers = {name: 1 for name, kind in Scene.__annotations__.items() if kind == "int"}
    anywhere = Scene(**{name: numbers.get(name, "x") for name in Scene.__annotations__})
    anywhere.identity_links = ("/identity/1/confirm/x", "/identity/1/dispute/x")
    listed = {*resident_pages(anywhere), *staff_pages(anywhere), SECOND_FACTOR}
    assert pages - listed == set(), "pages nobody checks for accessibility"
    assert listed - pages == set(), "listed pages that no longer exist"


@pytest.fixture
def axe_site(site):
    """The browser context with axe-core loaded into every page before the page's own scripts
    (the page's Content-Security-Policy stays in force)."""
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT}; run `make test` or `npm ci`)")
    site.add_init_script(path=str(AXE_SCRIPT))
    return site


def _in_language(site, live_server, language):
    site.add_cookies([{"name": "lang", "value": language, "url": live_server}])


def _check(page, path, language, problems):
    response = page.goto(path)
    where = f"{language} {path}"
    assert response is not None, where
    if response.status >= 500:
        problems.append(f"{where}: status {response.status}")
        return
    if page.get_attribute("html", "lang") != language:
        problems.append(f"{where}: <html lang> is {page.get_attribute('html', 'lang')!r}")
    _check_shown(page, where, problems)


def _check_shown(page, where, problems):
    """axe on what the browser shows now (after a navigation or an action)."""
    for violation in page.evaluate(RUN_AXE, AXE_TAGS):
        problems.append(
            f"{where}: {violation['rule']} ({violation['impact']}): {violation['help']} "
            f"at {violation['where']}"
        )


def _focus_reaches(locator) -> bool:
    """Whether focus gets there (the script that moves it loads just after the page)."""
    try:
        expect(locator).to_be_focused(timeout=5_000)
    except AssertionError:
        return False
    return True


def _report(problems):
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_resident_page_passes_axe(axe_site, live_server, language):
    scene = build_scene()
    _in_language(axe_site, live_server, language)
    page = axe_site.new_page()
    problems: list[str] = []
    for paths in resident_pages(scene).values():
        for path in paths:
            _check(page, path, language, problems)
    for path in ERROR_PAGES:
        _check(page, path, language, problems)
    _report(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_staff_page_passes_axe(axe_site, live_server, language):
    scene = build_scene()
    _in_language(axe_site, live_server, language)
    page = axe_site.new_page()
    sign_in(page, scene.admin)
    problems: list[str] = []
    for paths in staff_pages(scene).values():
        for path in paths:
            _check(page, path, language, problems)
    _report(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_forms_showing_errors_pass_axe(axe_site, live_server, language, monkeypatch):
    """The testimony form, an amendment, sign-in and staff forms after a failed send; the
    second-factor page; the page for a form that expired; and the receipt after submitting."""
    scene = build_scene()
    _in_language(axe_site, live_server, language)
    page = axe_site.new_page()
    problems: list[str] = []

    page.goto(f"/hearings/{scene.open_hearing}/testimony/new")
    page.locator(SEND_FORM).click()
    page.wait_for_selector("#error-summary")
    _check_shown(page, f"{language} testimony form with errors", problems)

    page.goto(f"/receipts/{scene.receipt}/amend")
    page.locator("#body").fill("")
    page.locator(SEND_FORM).click()
    page.wait_for_selector("#error-summary")
    _check_shown(page, f"{language} amendment with errors", problems)

    page.goto(f"/hearings/{scene.open_hearing}/testimony/new")
    page.evaluate("() => document.querySelector('input[name=csrf_token]').value = 'stale'")
    page.locator("#full_name").fill("Rosa Delgado")
    page.locator(SEND_FORM).click()
    page.wait_for_selector("#error-summary")
    _check_shown(page, f"{language} testimony form that expired", problems)

    page.goto(f"/hearings/{scene.open_hearing}/testimony/new")
    _fill_testimony(page)
    page.locator(SEND_FORM).click()
    page.wait_for_url("**/receipts/**")
    _check_shown(page, f"{language} receipt just after submitting", problems)

    # The page for a database too busy to take the testimony, with the text handed back.
    with monkeypatch.context() as patched:
        patched.setattr(submission_services, "submit_testimony", _database_locked)
        page.goto(f"/hearings/{scene.open_hearing}/testimony/new")
        _fill_testimony(page)
        page.locator(SEND_FORM).click()
        page.wait_for_selector("#kept-body")
        _check_shown(page, f"{language} busy page keeping the testimony", problems)

    page.goto("/staff/login")
    page.locator("#email").fill(scene.admin)
    page.locator("#password").fill("not the password")
    page.locator("main button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    if not _focus_reaches(page.locator("#error-summary")):
        problems.append(f"{language} sign-in with errors: focus is not on the summary")
    _check_shown(page, f"{language} sign-in with errors", problems)

    page.locator("#email").fill(scene.guarded)
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/staff/login/code**")
    _check_shown(page, f"{language} second-factor code", problems)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_selector("#error-summary")  # the page after the failed code, not the old one
    _check_shown(page, f"{language} second-factor code with errors", problems)

    staff = axe_site.browser.new_context(base_url=live_server)
    try:
        staff.add_init_script(path=str(AXE_SCRIPT))
        _in_language(staff, live_server, language)
        admin = staff.new_page()
        sign_in(admin, scene.admin)
        for path in [
            "/staff/manage/bodies/new",
            "/staff/admin/users/new",
            f"/staff/manage/committees/{scene.committee}/hearings/new",
        ]:
            admin.goto(path)
            admin.locator("main form button[type=submit]").first.click()
            admin.wait_for_selector("#error-summary")
            if not _focus_reaches(admin.locator("#error-summary")):
                problems.append(f"{language} {path}: focus is not on the error summary")
            _check_shown(admin, f"{language} {path} with errors", problems)
    finally:
        staff.close()
    _report(problems)


def _database_locked(*_args, **_kwargs):
    raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))


def _fill_testimony(page, body="Face surveillance has no place in Boston's neighbourhoods."):
    page.locator("#full_name").fill("Rosa Delgado")
    page.locator("#email").fill("rosa.delgado@example.org")
    page.locator("#street_address").fill("41 Dudley Street")
    page.locator("#city").fill("Roxbury")
    page.locator("#zip_code").fill("02119")
    page.locator("#measure_id-0").check() if page.locator("#measure_id-0").count() else None
    page.locator("#position-0").check()
    page.locator("#body").fill(body)
    page.locator("#public_record_acknowledged").check()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reflows_at_320_pixels(site, live_server, language):
    """WCAG 1.4.10: at 320 CSS pixels nothing needs scrolling sideways."""
    scene = build_scene()
    _in_language(site, live_server, language)
    page = site.new_page()
    page.set_viewport_size(NARROW)
    problems: list[str] = []
    resident = [path for paths in resident_pages(scene).values() for path in paths]
    for path in resident + ERROR_PAGES:
        _check_width(page, path, language, problems)
    sign_in(page, scene.admin)
    for paths in staff_pages(scene).values():
        for path in paths:
            _check_width(page, path, language, problems)
    _report(problems)


def _check_width(page, path, language, problems):
    page.goto(path)
    measured = page.evaluate(OVERFLOW)
    if measured["scroll"] > measured["width"]:
        problems.append(
            f"{language} {path}: {measured['scroll']} px wide at {measured['width']} px "
            f"({', '.join(measured['wide'])})"
        )
