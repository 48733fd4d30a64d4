"""Cross-cutting web concerns: language, security headers, template helpers."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale

from app.timezones import to_local

# No inline script or style anywhere, so the policy can forbid both.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Receipt links carry a secret: never send them to the sites we link to.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def select_locale() -> str:
    # Services also run outside requests (CLI, tests, mail delivery): use the default there.
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def local_time(moment: datetime | None, timezone_name: str, style: str = "full") -> str:
    """Format an aware UTC time in the body's zone for the reader's language."""
    if moment is None:
        return ""
    formats = {
        "full": "EEEE, MMMM d, y 'at' h:mm a zzz",
        "date": "EEEE, MMMM d, y",
        "short": "MMM d, y, h:mm a zzz",
    }
    locale = str(get_locale() or "en")
    pattern = (
        formats[style]
        if locale == "en"
        else {"full": "full", "date": "full", "short": "medium"}[style]
    )
    return format_datetime(to_local(moment, timezone_name), pattern, locale=locale)


def file_size(size_bytes: int) -> str:
    """Show a file's size the way people read it: 340 KB, 2.4 MB."""
    locale = str(get_locale() or "en")
    if size_bytes < 1_000_000:
        return f"{format_decimal(max(1, round(size_bytes / 1000)), locale=locale)} KB"
    return f"{format_decimal(round(size_bytes / 1_000_000, 1), locale=locale)} MB"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["local_time"] = local_time
    app.jinja_env.globals["file_size"] = file_size
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "en")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint and request.endpoint.startswith("testimony."):
            # Receipts and forms hold personal data: keep them out of shared caches.
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
