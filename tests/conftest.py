"""Fixtures: one application per run on a freshly migrated database, emptied after each test.

The database is SQLite by default, or the one named by TEST_DATABASE_URL (PostgreSQL in
`make test`). The schema is built by running the real migrations, so every run tests them.

The suite runs in parallel with pytest-xdist (`make test` passes `-n`). Each worker is its own
process with its own database: a SQLite file in its own temporary folder, or on PostgreSQL a
database of its own beside the one named (`test_gw0`, `test_gw1`, ... made when missing).
Tests that share something a worker cannot have its own of run in one worker, in order (see
`pytest_collection_modifyitems`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.platform.audit import forget_seen_refusals
from app.platform.extensions import db as _db
from app.platform.extensions import limiter
from tests.factories import REDIS_COUNTERS_URL, REDIS_TEST_URL, isolate_requests
from tests.mail_server import SmtpServer, free_port


def _compile_catalogues() -> None:
    """What `make translations` does, so `python -m pytest` alone sees every language too."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).resolve().parent.parent / "app" / "translations"
    for po in folder.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            # Written aside and renamed: parallel workers compile at the same moment, and none
            # may read a catalogue another is half-way through writing.
            partial = mo.with_name(f"messages.mo.{os.getpid()}")
            with partial.open("wb") as target:
                write_mo(target, catalog)
            partial.replace(mo)


_compile_catalogues()


# Tests that reach the same outside resource, which a worker cannot have its own of, go to one
# worker together (with `--dist loadgroup`): those that empty a Redis database (the `redis_db`
# and `redis_counters` fixtures: the RQ runner, the surge's shared rate limits); and the
# browser tests, so
# one worker starts Chromium and the others keep their cores.
REDIS_FIXTURES = {"redis_db", "redis_counters"}
BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_configure(config) -> None:
    # Registered here too, so --strict-markers accepts it when xdist is not loaded.
    config.addinivalue_line("markers", "xdist_group(name): run in the same xdist worker")


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        if REDIS_FIXTURES.intersection(item.fixturenames):
            item.add_marker(pytest.mark.xdist_group("redis"))
        elif BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


def worker_database_url(url: str) -> str:
    """The PostgreSQL database of this xdist worker: `<name>_gw0` beside the named database,
    created when missing; the named database itself when the run is not parallel."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = make_url(url)
    name = f"{given.database}_{worker}"
    server = create_engine(given, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def _reset_postgresql(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or ""
    if url.startswith("postgresql"):
        url = worker_database_url(url)
        _reset_postgresql(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key-not-for-production",
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "BASE_URL": "https://testimony.example.org",
            "MAIL_SERVER": "",
            # Background jobs (placement, receipt mail) once the response is closed, in the
            # test's thread; an export a view starts runs at once, inside the request.
            # tests/platform/test_jobs.py covers the background thread, worker and Redis.
            "JOBS_RUNNER": "after-response",
            # Tests fill in the testimony form in no time; tests/testimony/test_bot_defence.py
            # sets a real minimum where it is what is being tested.
            "SUBMIT_MIN_SECONDS": 0,
        }
    )

    @application.teardown_request
    def _forget_request_globals(_error):
        # Tests hold one app context across requests, so `g` would outlive each request: a
        # CSRF token minted for a session since rotated, the user another client signed in as.
        # A server gives every request its own `g`; do the same here.
        for name in list(g):
            g.pop(name, None)

    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """An application context on an empty database; everything is deleted afterwards."""
    with app.app_context():
        yield _db
        _db.session.remove()
        _empty_all_tables()
        limiter.reset()  # rate-limit counters belong to one test
        forget_seen_refusals()  # so do the refusals already in the (now empty) audit log


def _empty_all_tables(tries: int = 5) -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        for attempt in range(tries):
            # A browser test's live server may still be answering a page the browser asked
            # for just before it closed (a console polls every second): its reads and the
            # TRUNCATE's locks can meet in a deadlock, which PostgreSQL breaks by failing one.
            # The request ends in a moment, so the TRUNCATE is tried again.
            try:
                with _db.engine.begin() as connection:
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                return
            except OperationalError:
                if attempt == tries - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
    with _db.engine.begin() as connection:
        # A table that refers to itself (an addendum to its packet) is unhooked first.
        for table in tables:
            for key in table.foreign_keys:
                if key.column.table is table:
                    connection.execute(table.update().values({key.parent.name: None}))
        for table in tables:
            connection.execute(table.delete())


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def config(app):
    """Change configuration for one test; the original values come back afterwards."""
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def fast_hashing(monkeypatch):
    """Argon2 at its cheapest, for tests that sign staff in many times (production keeps the
    real cost; tests/accounts/test_passwords.py tests it); the dummy hash that evens out the
    timing for unknown addresses is cheap too. Modules ask with `pytest.mark.usefixtures`."""
    from argon2 import PasswordHasher

    from app.accounts import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    dummy = cheap.hash("an unusable password for timing only")
    monkeypatch.setattr(passwords, "_dummy_hash", lambda: dummy)


@pytest.fixture
def isolated_requests(app, monkeypatch):
    """Every request of `app.test_client()` in an application context of its own, as on a
    server (see tests.factories.OwnContextClient)."""
    isolate_requests(app, monkeypatch)


def _emptied_redis(url: str):
    """A connection to the Redis database at `url`, emptied before and after the test. The
    test is skipped when no Redis answers, unless REQUIRE_REDIS=1 (CI)."""
    import redis

    connection = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no Redis answers at {url}: {error}")
        pytest.skip(f"no Redis at {url}: {error}")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def redis_db():
    """Redis database 15 (REDIS_TEST_URL), empty: the job queue's tests."""
    yield from _emptied_redis(REDIS_TEST_URL)


@pytest.fixture
def redis_counters():
    """Redis database 14 (REDIS_COUNTERS_URL), empty: rate-limit counters several app
    processes share. A database apart from the queue's, so another suite running on the same
    machine, emptying the queue's, does not reset the counters of this one."""
    yield from _emptied_redis(REDIS_COUNTERS_URL)


@pytest.fixture
def smtp(config):
    """An SMTP server the application is configured to use; started by the test."""
    server = SmtpServer(free_port())
    config["MAIL_SERVER"] = "127.0.0.1"
    config["MAIL_PORT"] = server.port
    config["MAIL_TIMEOUT"] = 5
    yield server
    server.stop()
