"""Configuration: defaults, then the environment, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ENV_PREFIX = "OPENTESTIMONY_"

MB = 1_000_000

DEFAULTS: dict[str, Any] = {
    # hide_parameters: bound values (names, addresses, e-mail) stay out of SQL logs and out of
    # the text of database errors, which the 500 handler logs with their traceback.
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
    # Where attachments and exports live: "folder" (this machine) or "database" (shared).
    "FILE_STORE": "folder",
    # A request waits at most 10 s for a connection, then gets the busy page (503), not a hang.
    "SQLALCHEMY_ENGINE_OPTIONS": {
        "pool_pre_ping": True,
        "hide_parameters": True,
        "pool_timeout": 10,
    },
    "DEFAULT_TIMEZONE": "America/New_York",
    # Links in e-mail are built from this, never from the request's Host header.
    "BASE_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": "",
    "MAIL_PORT": 25,
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_SENDER": "OpenTestimony <no-reply@localhost>",
    "MAIL_TIMEOUT": 10,
    # Delivering queued mail from background jobs; tests switch it off to deliver explicitly.
    "MAIL_DELIVER_AFTER_RESPONSE": True,
    # Where background jobs (receipt e-mail, campaign placement, exports) run once their
    # transaction has committed: "thread" (a thread per app process, in batches), "worker" (by
    # `flask jobs work` processes), "rq" (a Redis queue read by `flask jobs work`) or
    # "after-response" (in the request's thread, once the response is sent). Empty chooses rq
    # with REDIS_URL, a thread without. See app/platform/jobs.py.
    "JOBS_RUNNER": "",
    # How much lower the job worker's scheduling priority is (os.nice).
    "JOBS_NICE": 10,
    "UPLOAD_FOLDER": "",
    "ATTACHMENT_MAX_BYTES": 10 * MB,
    "ATTACHMENT_MAX_COUNT": 3,
    "ATTACHMENT_MAX_PAGES": 100,
    # ClamAV, when available: a clamd socket (path or host:port), else the clamscan program
    # with an optional signature database; both empty means uploads are not scanned.
    "CLAMD_SOCKET": "",
    "CLAMSCAN": "",
    "CLAMAV_DATABASE": "",
    "TESTIMONY_MAX_CHARS": 10_000,
    # Three full attachments plus the text fields; anything larger is refused before it is read.
    "MAX_CONTENT_LENGTH": 3 * 10 * MB + 256 * 1024,
    "MAX_FORM_MEMORY_SIZE": 512 * 1024,
    "WTF_CSRF_TIME_LIMIT": 4 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    # Staff sessions: signed out after 30 idle minutes, and after 12 hours whatever happens.
    "STAFF_IDLE_TIMEOUT": timedelta(minutes=30),
    # Failed sign-ins for one account, from every address together: after SIGN_IN_FREE_FAILURES
    # in a row, each further failure makes the account wait before the next try (the first
    # wait SIGN_IN_FIRST_DELAY, doubling each time, never longer than SIGN_IN_MAX_DELAY, so a
    # stranger can slow an account but never lock it). Failures are forgotten after
    # SIGN_IN_FAILURE_MEMORY without one, or at the next successful sign-in.
    "SIGN_IN_FREE_FAILURES": 5,
    "SIGN_IN_FIRST_DELAY": timedelta(seconds=30),
    "SIGN_IN_MAX_DELAY": timedelta(minutes=15),
    "SIGN_IN_FAILURE_MEMORY": timedelta(hours=1),
    # A browser that signed in to an account is not made to wait by other people's failures
    # on that account for this long (a signed cookie naming the account).
    "SIGN_IN_DEVICE_DAYS": 90,
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "RATELIMIT_STORAGE_URI": "memory://",
    # Testimony from one network address (on one hearing), and with one e-mail address on one
    # hearing; beyond these a resident is asked to wait, with their text kept.
    "SUBMIT_LIMIT_PER_ADDRESS": "20 per minute; 120 per hour",
    "SUBMIT_LIMIT_PER_EMAIL": "5 per hour; 20 per day",
    # Seconds a person needs at least to fill in the testimony form; sooner is marked.
    "SUBMIT_MIN_SECONDS": 3,
    # Follow requests from one network address, and confirmations sent to one e-mail address
    # (app/following/throttle.py).
    "FOLLOW_LIMIT_PER_ADDRESS": "20 per hour; 50 per day",
    "FOLLOW_LIMIT_PER_EMAIL": "3 per hour; 10 per day",
    # Items (testimony or sign-ins) an organisation's API key may send per hour, unless the
    # admin who issues it sets another number (app/organisations/).
    "API_KEY_ITEMS_PER_HOUR": 5000,
    # Reads of the public API (/api/v1) from one network address; beyond these it answers 429
    # with Retry-After. Clients should page with cursors and send back ETags (a 304 is cheap).
    "API_LIMIT_PER_ADDRESS": "120 per minute; 3000 per hour",
    # How long shared caches and clients may keep an API answer before asking again.
    "API_CACHE_SECONDS": 60,
    # Redis, when there is one: rate limits are counted there and background jobs go on its
    # queue (see app/platform/jobs.py).
    "REDIS_URL": "",
    # How many reverse proxies in front of the app to trust for the client's address and scheme.
    "PROXY_HOPS": 0,
    "RATELIMIT_HEADERS_ENABLED": True,
    "BABEL_DEFAULT_LOCALE": "en",
    # Interface languages offered, the first being the default's fallback. A city adds one by
    # translating app/translations (see docs/languages.md) and listing it here or in
    # OPENTESTIMONY_LANGUAGES ("en,es,ht").
    "LANGUAGES": ["en", "es"],
}


def _parse_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# OPENTESTIMONY_<NAME> → (config key, parser). Only these are read; docs/configuration.md
# lists them.
ENVIRONMENT_SETTINGS: dict[str, tuple[str, Any]] = {
    "BASE_URL": ("BASE_URL", str),
    "TIMEZONE": ("DEFAULT_TIMEZONE", str),
    "MAIL_SERVER": ("MAIL_SERVER", str),
    "MAIL_PORT": ("MAIL_PORT", int),
    "MAIL_USERNAME": ("MAIL_USERNAME", str),
    "MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "MAIL_USE_TLS": ("MAIL_USE_TLS", _parse_bool),
    "MAIL_USE_SSL": ("MAIL_USE_SSL", _parse_bool),
    "MAIL_SENDER": ("MAIL_SENDER", str),
    "MAIL_TIMEOUT": ("MAIL_TIMEOUT", int),
    "SECURE_COOKIES": ("SESSION_COOKIE_SECURE", _parse_bool),
    "UPLOAD_FOLDER": ("UPLOAD_FOLDER", str),
    "FILE_STORE": ("FILE_STORE", str),
    "CLAMD_SOCKET": ("CLAMD_SOCKET", str),
    "CLAMSCAN": ("CLAMSCAN", str),
    "CLAMAV_DATABASE": ("CLAMAV_DATABASE", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "RATELIMIT_STORAGE_URI": ("RATELIMIT_STORAGE_URI", str),
    "REDIS_URL": ("REDIS_URL", str),
    "JOBS_RUNNER": ("JOBS_RUNNER", str),
    "JOBS_NICE": ("JOBS_NICE", int),
    "SUBMIT_LIMIT_PER_ADDRESS": ("SUBMIT_LIMIT_PER_ADDRESS", str),
    "SUBMIT_LIMIT_PER_EMAIL": ("SUBMIT_LIMIT_PER_EMAIL", str),
    "SUBMIT_MIN_SECONDS": ("SUBMIT_MIN_SECONDS", float),
    "FOLLOW_LIMIT_PER_ADDRESS": ("FOLLOW_LIMIT_PER_ADDRESS", str),
    "FOLLOW_LIMIT_PER_EMAIL": ("FOLLOW_LIMIT_PER_EMAIL", str),
    "API_KEY_ITEMS_PER_HOUR": ("API_KEY_ITEMS_PER_HOUR", int),
    "API_LIMIT_PER_ADDRESS": ("API_LIMIT_PER_ADDRESS", str),
    "API_CACHE_SECONDS": ("API_CACHE_SECONDS", int),
    "PROXY_HOPS": ("PROXY_HOPS", int),
    "SQLITE_BUSY_TIMEOUT_MS": ("SQLITE_BUSY_TIMEOUT_MS", int),
    "STAFF_IDLE_MINUTES": ("STAFF_IDLE_TIMEOUT", lambda value: timedelta(minutes=int(value))),
    "LANGUAGES": ("LANGUAGES", lambda value: [c.strip() for c in value.split(",") if c.strip()]),
}


def from_environment(environ: dict[str, str]) -> dict[str, Any]:
    """Read the settings an operator may set; other OPENTESTIMONY_ names are ignored."""
    config: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(environ["DATABASE_URL"])
    if environ.get("SECRET_KEY"):
        config["SECRET_KEY"] = environ["SECRET_KEY"]
    for name, (key, parse) in ENVIRONMENT_SETTINGS.items():
        value = environ.get(ENV_PREFIX + name)
        if value is not None and value != "":
            config[key] = parse(value)
    return config


def _normalise_database_url(url: str) -> str:
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_defaults(instance_path: str) -> dict[str, Any]:
    """Settings that live in the instance folder: the SQLite file and uploads."""
    folder = Path(instance_path)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'opentestimony.db'}",
        "UPLOAD_FOLDER": str(folder / "uploads"),
    }


def load_secret_key(instance_path: str) -> str:
    """Return the instance's secret key, creating a random one on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
