"""Real Chromium against the real app served on 127.0.0.1.

The browser is Debian's `chromium` driven by Python Playwright (never `playwright install`:
nothing downloads at run time). Without Chromium these tests are skipped, unless
REQUIRE_BROWSER is set (CI sets it), when a missing browser is a failure.

The app is the suite's own, on its test database: a test builds what it needs with the
factories, commits, and then browses. Each test gets a new browser context (no cookies).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app.platform.extensions import db as _db
from tests.factories import STAFF_PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def missing(reason: str) -> None:
    """Skip, or fail when the run promised a browser (CI)."""
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's event loop lives only while one module's tests run, so the
    # rest of the suite never runs inside it.
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        missing("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Python playwright is not installed (make venv)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free port of 127.0.0.1, one thread per request, for the whole run."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def site(browser, live_server, db):
    """A new browser context on the live app: nothing remembered from other tests."""
    context = browser.new_context(base_url=live_server, locale="en-US")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(site):
    return site.new_page()


def commit() -> None:
    """What the test built becomes visible to the server's own sessions."""
    _db.session.commit()


def sign_in(page, email: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the real form, the way a member of staff does."""
    page.goto("/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/staff/**")
    assert "/staff/login" not in page.url, "sign-in failed"
