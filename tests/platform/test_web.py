"""Cross-cutting web behaviour: security headers, cookies, templates, error pages, logs."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.outbox import deliver_pending
from app.platform.web import ReceiptLinkFilter
from tests.factories import form_fields, make_hearing

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _assert_security_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {
        part.strip().split()[0]: part.strip().split()[1:] for part in csp.split(";") if part.strip()
    }
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert directives.get("frame-ancestors") == ["'none'"]
    assert directives.get("default-src") == ["'self'"]
    assert directives.get("object-src") == ["'none'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"


def test_security_headers_on_a_page(client):
    response = client.get("/")
    assert response.status_code == 200
    _assert_security_headers(response)


def test_security_headers_on_a_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    _assert_security_headers(response)


def test_security_headers_on_a_405(client):
    response = client.post("/")
    assert response.status_code == 405
    _assert_security_headers(response)


def test_security_headers_on_a_static_file(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    _assert_security_headers(response)
    response.close()


def test_security_headers_on_a_post_redirect(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    _assert_security_headers(page)
    response = client.post(
        f"/hearings/{hearing.id}/testimony/new", data=form_fields(hearing, page.text)
    )
    assert response.status_code == 303
    _assert_security_headers(response)
    # The receipt holds personal data and a secret link: never cached.
    receipt = client.get(response.headers["Location"])
    _assert_security_headers(receipt)
    assert receipt.headers.get("Cache-Control") == "no-store"


def test_form_page_is_not_cached(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = client.get(f"/hearings/{hearing.id}/testimony/new")
    assert response.headers.get("Cache-Control") == "no-store"


def test_session_cookie_is_httponly_samesite_lax_and_secure(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = client.get(f"/hearings/{hearing.id}/testimony/new")
    cookies = response.headers.getlist("Set-Cookie")
    # Secure cookies get the __Host- prefix (tests/security/test_refusals_audited.py).
    session_cookies = [c for c in cookies if c.startswith("__Host-session=")]
    assert session_cookies, cookies
    attributes = {
        part.strip().split("=")[0].lower(): part for part in session_cookies[0].split(";")
    }
    assert "httponly" in attributes
    assert attributes.get("samesite", "").strip().lower() == "samesite=lax"
    assert "secure" in attributes


# Templates: the CSP forbids inline script and style, so the templates must not need them.

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
_EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
_STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
_JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def _templates() -> list[Path]:
    files = sorted(path for path in TEMPLATES.rglob("*") if path.is_file())
    assert files, "no templates found"
    return files


def test_templates_have_no_inline_script():
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        for attributes, content in _SCRIPT.findall(text):
            assert not content.strip(), f"inline script in {path.relative_to(TEMPLATES)}"
            assert "src=" in attributes, f"script without src in {path.relative_to(TEMPLATES)}"
        assert not _EVENT_HANDLER.search(text), f"event handler in {path.relative_to(TEMPLATES)}"
        assert not _JAVASCRIPT_URL.search(text), f"javascript: URL in {path.relative_to(TEMPLATES)}"


def test_templates_have_no_inline_style():
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        assert not _STYLE_ATTRIBUTE.search(text), f"style= in {path.relative_to(TEMPLATES)}"
        assert "style=" not in text, f"style= in {path.relative_to(TEMPLATES)}"
        assert not _STYLE_ELEMENT.search(text), f"<style> in {path.relative_to(TEMPLATES)}"


# Unexpected errors


@pytest.fixture
def fresh_app(tmp_path):
    """A separate application, so routes can be added without touching the session's app."""
    application = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.db'}",
            "SECRET_KEY": "fresh-app-secret",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    yield application
    with application.app_context():
        _db.engine.dispose()


def test_unexpected_exception_shows_the_500_page_without_details(fresh_app, caplog):
    @fresh_app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail 8c1f")

    with caplog.at_level(logging.ERROR):
        response = fresh_app.test_client().get("/boom")

    assert response.status_code == 500
    html = response.text
    assert "Something went wrong on our side" in html
    for leak in ("secret internal detail", "RuntimeError", "Traceback", "boom", 'File "'):
        assert leak not in html
    _assert_security_headers(response)
    # Staff can still find out what happened: the traceback goes to the log.
    assert any(record.exc_info for record in caplog.records)


def test_a_database_error_shows_the_500_page_and_logs_no_bound_values(fresh_app, caplog):
    @fresh_app.route("/broken-query")
    def broken_query():
        _db.session.execute(
            text("SELECT * FROM no_such_table_for_this_test WHERE email = :email"),
            {"email": "private.resident@example.net"},
        )
        return "unreachable"

    with caplog.at_level(logging.DEBUG):
        response = fresh_app.test_client().get("/broken-query")

    assert response.status_code == 500
    assert "no_such_table" not in response.text
    assert "Something went wrong on our side" in response.text
    logged = [r for r in caplog.records if r.exc_info]
    assert logged, "the error was not logged"
    assert "no_such_table_for_this_test" in caplog.text  # the log is still useful to staff
    assert "private.resident@example.net" not in caplog.text


# Logs


def test_no_personal_data_in_logs(client, db, config, caplog):
    config["MAIL_DELIVER_AFTER_RESPONSE"] = False
    name = "Zebulon Quixwhistle"
    email = "zq.private.person@example.net"
    street = "4242 Hiddenvale Lane"
    hearing = make_hearing()
    db.session.commit()

    caplog.set_level(logging.DEBUG)
    for logger in ("opentestimony", "app", "werkzeug"):
        caplog.set_level(logging.DEBUG, logger=logger)
    # SQL statements are logged at INFO; their parameters must be hidden. (DEBUG on this
    # logger prints result rows, which an operator only turns on deliberately.)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")

    page = client.get(f"/hearings/{hearing.id}/testimony/new")
    response = client.post(
        f"/hearings/{hearing.id}/testimony/new",
        data=form_fields(hearing, page.text, full_name=name, email=email, street_address=street),
    )
    assert response.status_code == 303, response.text
    receipt = client.get(response.headers["Location"])
    assert name in receipt.text  # the resident sees it; the log must not
    # An invalid resubmission, which renders the form with what was typed, logs nothing either.
    client.post(
        f"/hearings/{hearing.id}/testimony/new",
        data=form_fields(hearing, page.text, full_name=name, email=email, body=""),
    )
    assert deliver_pending() == 1  # the receipt e-mail, written to the log without MAIL_SERVER

    assert caplog.records, "nothing was logged at all; the test would prove nothing"
    assert any(record.name.startswith("opentestimony.mail") for record in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        for secret in (name, "Quixwhistle", email, "zq.private.person", street, "Hiddenvale"):
            assert secret not in text, f"{secret!r} logged by {record.name}: {text[:200]}"
    assert email not in caplog.text


def test_an_id_beyond_the_database_range_is_not_found(client, db):
    for path in ("/hearings/99999999999999999999999", "/hearings/2147483648/testimony/new"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.text


def test_a_staff_form_posted_without_its_token_changes_nothing(client, db):
    response = client.post("/staff/login", data={"email": "a@example.org", "password": "x" * 12})
    assert response.status_code == 400
    assert "This page expired" in response.text
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_receipt_tokens_are_masked_in_access_logs():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /receipts/abc123DEF HTTP/1.1", 200),
        None,
    )
    ReceiptLinkFilter().filter(record)
    assert "abc123DEF" not in record.getMessage()
    assert "/receipts/…" in record.getMessage()


def test_identity_link_tokens_are_masked_in_access_logs():
    token = "0123456789abcdef0123456789abcdef01234567"
    for path in (f"/identity/12/confirm/{token}", f"/identity/12/dispute/{token}?x=1"):
        record = logging.LogRecord(
            "werkzeug", logging.INFO, __file__, 1, '"%s" %s', (f"POST {path} HTTP/1.1", 303), None
        )
        ReceiptLinkFilter().filter(record)
        assert token not in record.getMessage()
        assert "/identity/12/" in record.getMessage()


def test_speaker_and_kiosk_tokens_are_masked_in_access_logs():
    token = "Zx9_secret-Token"
    for path in (
        f"/speaking/7/{token}",
        f"/speaking/7/{token}/cancel-place",
        f"/kiosk/{token}/done",
    ):
        record = logging.LogRecord(
            "werkzeug", logging.INFO, __file__, 1, '"%s" %s', (f"GET {path} HTTP/1.1", 200), None
        )
        ReceiptLinkFilter().filter(record)
        assert token not in record.getMessage()


def test_speaker_pages_are_not_cached(app, db):
    response = app.test_client().get("/speaking/1/" + "0" * 40)
    assert response.status_code == 404
    assert response.headers.get("Cache-Control") == "no-store"


def test_gunicorn_access_log_lines_are_masked_too():
    """gunicorn passes its fields as a dict; gunicorn.conf.py adds this filter to its log."""
    record = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        '%(h)s "%(m)s %(U)s" %(s)s',
        None,
        None,
    )
    record.args = {"h": "127.0.0.1", "m": "GET", "U": "/receipts/abc123DEF", "s": "200"}
    ReceiptLinkFilter().filter(record)
    assert record.getMessage() == '127.0.0.1 "GET /receipts/…" 200'


def test_identity_pages_are_not_cached(app, db):
    response = app.test_client().get("/identity/1/confirm/" + "0" * 40)
    assert response.status_code == 404
    assert response.headers.get("Cache-Control") == "no-store"


def test_following_tokens_are_masked_in_access_logs():
    token = "12-0123456789abcdef0123456789abcdef01234567"
    for path in (
        f"/following/confirm/all/{token}",
        f"/following/confirm/opening/{token}",
        f"/following/manage/{token}",
        f"/following/unsubscribe/{token}",
        f"/following/no-outcomes/{token}",
    ):
        record = logging.LogRecord(
            "werkzeug", logging.INFO, __file__, 1, '"%s" %s', (f"POST {path} HTTP/1.1", 200), None
        )
        ReceiptLinkFilter().filter(record)
        assert token not in record.getMessage()
        assert "/following/" in record.getMessage()


def test_sign_in_receipt_and_identity_tokens_are_masked_in_access_logs():
    token = "0123456789abcdef0123456789abcdef01234567"
    for path in (
        f"/positions/{token}",
        f"/positions/{token}/change",
        f"/positions/{token}/withdraw",
        f"/positions/12/confirm/{token}",
        f"/positions/12/dispute/{token}?x=1",
    ):
        record = logging.LogRecord(
            "werkzeug", logging.INFO, __file__, 1, '"%s" %s', (f"GET {path} HTTP/1.1", 200), None
        )
        ReceiptLinkFilter().filter(record)
        assert token not in record.getMessage(), path


def test_sign_in_pages_are_not_cached(app, db):
    response = app.test_client().get("/positions/" + "0" * 40)
    assert response.status_code == 404
    assert response.headers.get("Cache-Control") == "no-store"
