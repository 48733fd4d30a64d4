"""Cross-cutting web concerns: language, security headers, template helpers."""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import unquote, urlsplit

from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, redirect, request
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter

from app.platform import audit
from app.platform.timezones import local_time, utcnow

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
    # Receipt links carry a secret: never send them to other sites. Same-origin referrers stay,
    # because CSRF protection over HTTPS checks them.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


LANGUAGE_COOKIE = "lang"

# Each language named in itself, so a reader finds their own whatever the page's language.
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Español",
    "ht": "Kreyòl ayisyen",
    "pt": "Português",
    "vi": "Tiếng Việt",
    "zh": "中文",
}


def select_locale() -> str:
    """The language the resident picked (a cookie), else the browser's Accept-Language."""
    # Services also run outside requests (CLI, tests, mail delivery): use the default there.
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    offered = current_app.config["LANGUAGES"]
    picked = request.cookies.get(LANGUAGE_COOKIE, "")
    if picked in offered:
        return picked
    return (
        request.accept_languages.best_match(offered) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


# Longer than any page address of ours; a longer `next` is not one of our pages.
MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None, default: str = "/") -> str:
    """The page of this site to go on to after a form, or `default` for anything else.

    The one check for every address a visitor hands us (the language switch's `next`, sign-in's
    `next`): only a path on this site passes. Browsers drop tabs and newlines from a Location,
    read `\\` as `/` and `//host` as another site, and some proxies decode `%2F` and `%5C`
    before the browser sees them; so control characters, backslashes and white space are
    refused in the address as given and in each of its percent-decoded forms, and no form may
    start with two slashes. A control character in a header would also fail the response.
    """
    if not target or len(target) > MAX_NEXT_LENGTH or not _is_local_path(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    decoded = target
    for _ in range(3):  # "%252F" is "%2F" once decoded and "/" twice
        decoded = unquote(decoded)
        if not _is_local_path(decoded):
            return default
    return target


def _is_local_path(address: str) -> bool:
    path = address.split("?", 1)[0].split("#", 1)[0]
    return (
        address.startswith("/")
        and not address.startswith(("//", "/\\"))
        and not any(_is_unsafe_character(c) for c in address)
        and not any(unicodedata.category(c).startswith("Z") for c in path)
    )


def _is_unsafe_character(character: str) -> bool:
    # Cc: control characters (tab, CR, LF, NUL, DEL, C1); Zl/Zp: line and paragraph
    # separators, which some clients treat as line breaks.
    return character == "\\" or unicodedata.category(character) in {"Cc", "Zl", "Zp"}


def file_size(size_bytes: int) -> str:
    """Show a file's size the way people read it: 340 KB, 2.4 MB."""
    locale = str(get_locale() or "en")
    if size_bytes < 1_000_000:
        return f"{format_decimal(max(1, round(size_bytes / 1000)), locale=locale)} KB"
    return f"{format_decimal(round(size_bytes / 1_000_000, 1), locale=locale)} MB"


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: an id beyond what the database stores is simply not found."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


class ReceiptLinkFilter(logging.Filter):
    """Keep receipt, identity-link, speaker, kiosk, following and sign-in tokens out of access
    logs: each is a key to someone's testimony, sign-in, place to speak, a hearing's walk-in
    sign-up, or what an address is sent."""

    PATTERN = re.compile(
        r"(/receipts/|/speaking/\d+/|/kiosk/|/identity/\d+/(?:confirm|dispute)/"
        r"|/following/(?:confirm/\w+|manage|unsubscribe|no-outcomes)/"
        r"|/positions/(?:\d+/(?:confirm|dispute)/)?)[^\s/?\"]+"
    )

    def _mask(self, value):
        return self.PATTERN.sub(r"\1…", value) if isinstance(value, str) else value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):  # gunicorn's access log names its fields
            # In place: gunicorn's mapping answers "-" for a header a format names but the
            # request lacks; a plain dict would raise, and logging would print every header.
            for key, value in list(record.args.items()):
                record.args[key] = self._mask(value)
        elif record.args:
            record.args = tuple(self._mask(arg) for arg in record.args)
        record.msg = self.PATTERN.sub(r"\1…", str(record.msg))
        return True


def choose_language():
    """Remember the resident's language and go back to the page they were on.

    A POST (with its CSRF token) rather than a link: the page's address, which for a receipt
    holds its secret, travels in the form body and never in a logged URL.
    """
    code = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")), code=303)
    if code in current_app.config["LANGUAGES"]:
        remember_language(response, code)
    return response


HOST_ONLY_PREFIX = "__Host-"


def host_only(name: str) -> str:
    """The cookie's name with the `__Host-` prefix when cookies are Secure (production).

    Browsers accept such a cookie only from this very host, over HTTPS, with Path=/ and no
    Domain: a neighbouring subdomain (or a network attacker over plain HTTP) cannot plant or
    overwrite it. Local HTTP (`make run`, OPENTESTIMONY_SECURE_COOKIES=0) keeps the plain name,
    which browsers would otherwise refuse.
    """
    return HOST_ONLY_PREFIX + name if current_app.config.get("SESSION_COOKIE_SECURE") else name


def device_cookie_name() -> str:
    """The cookie that marks a browser which signed in to a staff account before."""
    return host_only("staff_device")


def host_only_session_cookie(app: Flask) -> None:
    """Give the session cookie the `__Host-` prefix when it is Secure, and what the prefix
    requires: Path=/ and no Domain."""
    name = app.config["SESSION_COOKIE_NAME"]
    if app.config.get("SESSION_COOKIE_SECURE") and not name.startswith(HOST_ONLY_PREFIX):
        app.config["SESSION_COOKIE_NAME"] = HOST_ONLY_PREFIX + name
        app.config["SESSION_COOKIE_PATH"] = "/"
        app.config["SESSION_COOKIE_DOMAIN"] = None


def remember_language(response, code: str):
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


def _record_refusal(app: Flask, status: int) -> None:
    """Audit a refused request (forbidden, or over a rate limit), at most once per address,
    route and minute. Nothing the refused request did is kept; a failure to write is logged
    and the refusal still goes out."""
    from flask_login import current_user

    from app.platform.extensions import db

    try:
        # Who, before the rollback: the user is loaded already, and on SQLite the insert must
        # be the new transaction's first statement to wait its turn for the write lock.
        actor = current_user.audit_name if current_user.is_authenticated else audit.ANONYMOUS
        db.session.rollback()
        route = request.url_rule.rule if request.url_rule else "(no route)"
        if audit.record_refusal(actor, status, route, request.remote_addr or "", now=utcnow()):
            db.session.commit()
    except Exception as error:  # a busy database must not turn a refusal into an error page
        db.session.rollback()
        app.logger.warning("could not audit a refused request (%s)", type(error).__name__)


def init_app(app: Flask) -> None:
    host_only_session_cookie(app)
    app.url_map.converters["int"] = RowIdConverter
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, ReceiptLinkFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(ReceiptLinkFilter())
    app.jinja_env.globals["local_time"] = local_time
    app.jinja_env.globals["file_size"] = file_size
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "en")
    app.jinja_env.globals["language_choices"] = lambda: [
        (code, LANGUAGE_NAMES.get(code, code)) for code in app.config["LANGUAGES"]
    ]
    app.add_url_rule("/language", "choose_language", choose_language, methods=["POST"])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.before_request
    def _read_body_before_any_query():
        # A slow client must not hold a database transaction (on SQLite, the write lock) open
        # while its upload trickles in: read the whole body before anything queries.
        if request.method == "POST":
            request.files  # noqa: B018

    @app.after_request
    def _audit_refusals(response):
        if response.status_code in (403, 429):
            _record_refusal(app, response.status_code)
        return response

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint and request.endpoint.startswith(
            (
                "testimony.",
                "identity.",
                "speaking_public.",
                "speaking_display.kiosk",
                "following.",
                "signins.",
            )
        ):
            # Receipts and forms hold personal data: keep them out of shared caches.
            response.headers["Cache-Control"] = "no-store"
        if request.is_secure or app.config["BASE_URL"].startswith("https://"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
