"""The audit log in real Chromium, on the demo's data and the browser scene's: rows of many
kinds in words, axe-clean with and without a filter's error in each language, and the CSV
downloaded by pressing the button."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE_SCRIPT, missing, sign_in
from tests.browser.scene import build_scene
from tests.browser.test_accessibility import LANGUAGES, _check_shown, _in_language, _report

AUDIT = "/staff/admin/audit"


@pytest.fixture
def axe_site(site):
    """The browser context with axe-core loaded into every page (as in test_accessibility)."""
    if not AXE_SCRIPT.exists():
        missing(f"axe-core is not installed ({AXE_SCRIPT}; run `make test` or `npm ci`)")
    site.add_init_script(path=str(AXE_SCRIPT))
    return site


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_log_reads_in_words_and_passes_axe(axe_site, live_server, db, language):
    scene = build_scene()
    _in_language(axe_site, live_server, language)
    page = axe_site.new_page()
    sign_in(page, scene.admin)
    problems: list[str] = []

    page.goto(AUDIT)
    subjects = page.locator("main tbody tr td:nth-child(4)").all_inner_texts()
    shown = "\n".join(subjects)
    # The scene's rows are of many kinds, each named, none as a bare reference.
    for words in ["OT-", "Casey Clerk", "Avery Admin"]:
        assert words in page.locator("main tbody").inner_text(), words
    kinds = {text.split(" ")[0] for text in subjects if text}
    assert len(kinds) >= 4, kinds
    assert "testimonies #" not in shown and "user:" not in shown
    assert page.locator("main tbody time[datetime$='Z']").count() > 0
    _check_shown(page, f"{language} audit log", problems)

    page.locator("#subject").fill("not a number")
    page.locator("main form[method=get] button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    _check_shown(page, f"{language} audit log with a filter's error", problems)
    _report(problems)


def test_the_csv_downloads_by_pressing_the_button(site, live_server, db):
    scene = build_scene()
    page = site.new_page()
    sign_in(page, scene.admin)
    page.goto(f"{AUDIT}?action=testimony.")
    expect(page.locator("main tbody tr").first).to_contain_text("OT-")
    with page.expect_download() as waiting:
        page.locator("main form[method=post] button[type=submit]").click()
    download = waiting.value
    assert download.suggested_filename.startswith("audit-log-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["time (local)", "time (UTC)", "staff member"]
    assert len(rows) > 1 and all(row[6].startswith("OT-") for row in rows[1:])
    page.goto(f"{AUDIT}?action=audit.")
    expect(page.locator("main tbody")).to_contain_text("Exported the audit log")
