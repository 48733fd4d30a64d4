"""One transaction per request (app/platform/transaction.py): committed when the view returns,
rolled back when it raises; a refused service call undone exactly; committed work handed over
only after the commit; pages never wait for SQLite's write lock."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest
from flask import abort, flash
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import create_app
from app.platform import audit, committed, database
from app.platform.audit import AuditEvent
from app.platform.errors import DomainError
from app.platform.extensions import db as _db
from app.platform.transaction import after_commit, attempt, reads_first

APP = Path(__file__).resolve().parents[2] / "app"
PROBE = "probe"


class Refused(DomainError):
    pass


def write(action: str) -> None:
    audit.record("tester", action, None)
    _db.session.flush()


def actions() -> list[str]:
    rows = _db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    _db.session.rollback()
    return [action for action in rows if action.startswith("probe.")]


@pytest.fixture
def probe(app, db, database_url, tmp_path):
    """An app on the test database with views that write, refuse and fail, and a record of
    what each request handed over after its commit."""
    probe = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLITE_BUSY_TIMEOUT_MS": 300,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "JOBS_RUNNER": "after-response",
            "WTF_CSRF_ENABLED": False,
        }
    )
    probe.handed_over = []
    probe.intent = []
    probe.later = []
    probe.meanwhile = lambda: None

    @probe.after_request  # registered last, so it runs before the app's own hand-over
    def _record_hand_over(response):
        probe.handed_over.append(committed.take().get(PROBE, []))
        return response

    @probe.post("/ok")
    def ok():
        write("probe.ok")
        committed.note(PROBE, 1)
        return "stored"

    @probe.post("/refused")
    def refused():
        write("probe.kept")
        committed.note(PROBE, 1)
        with attempt() as outcome:
            write("probe.refused")
            committed.note(PROBE, 2)
            after_commit(lambda: probe.later.append("refused"))
            raise Refused("not now")
        return str(outcome.error), 409

    @probe.post("/attempted")
    def attempted():
        with attempt() as outcome:
            write("probe.attempted")
            committed.note(PROBE, 3)
            after_commit(lambda: probe.later.append("attempted"))
        assert outcome.error is None
        flash("Saved.")
        return "stored"

    @probe.post("/fails")
    def fails():
        write("probe.fails")
        committed.note(PROBE, 4)
        raise RuntimeError("a bug")

    @probe.post("/not-found")
    def not_found():
        write("probe.not_found")
        abort(404)

    @probe.post("/uncaught")
    def uncaught():
        write("probe.uncaught")
        raise Refused("nobody caught me")

    @probe.get("/page")
    def page():
        probe.intent.append(database.is_reading())
        return str(_db.session.scalar(select(func.count()).select_from(AuditEvent)))

    @probe.post("/checks-first")
    @reads_first
    def checks_first():
        probe.intent.append(database.is_reading())
        _db.session.scalar(select(func.count()).select_from(AuditEvent))  # checking, reading
        probe.meanwhile()
        with attempt():
            probe.intent.append(database.is_reading())
            write("probe.checked")
        return "stored"

    @probe.post("/posts")
    def posts():
        probe.intent.append(database.is_reading())
        return "ok"

    yield probe
    with probe.app_context():
        _db.engine.dispose()


def test_a_view_that_returns_has_its_work_committed_and_handed_over(probe):
    response = probe.test_client().post("/ok")
    assert response.status_code == 200
    assert actions() == ["probe.ok"]
    assert probe.handed_over == [[1]]


def test_a_refused_call_is_undone_exactly_and_the_rest_of_the_request_kept(probe):
    response = probe.test_client().post("/refused")
    assert response.status_code == 409 and response.text == "not now"
    # What the view did before the refused call stays; what the call did is gone, and so is
    # the work it noted for after the commit.
    assert actions() == ["probe.kept"]
    assert probe.handed_over == [[1]]
    assert probe.later == []


def test_work_for_after_the_commit_runs_once_the_request_committed(probe):
    client = probe.test_client()
    assert client.post("/attempted").status_code == 200
    assert actions() == ["probe.attempted"]
    assert probe.handed_over == [[3]]
    assert probe.later == ["attempted"]
    with client.session_transaction() as browser:
        assert browser["_flashes"] == [("message", "Saved.")]


@pytest.mark.parametrize(
    ("url", "status"), [("/fails", 500), ("/not-found", 404), ("/uncaught", 500)]
)
def test_a_view_that_raises_commits_nothing_and_hands_nothing_over(probe, url, status):
    response = probe.test_client().post(url)
    assert response.status_code == status
    assert actions() == []
    assert probe.handed_over == [[]]


def test_a_failed_commit_stores_nothing_and_the_browser_session_is_as_before(probe, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))

    client = probe.test_client()
    monkeypatch.setattr(Session, "commit", refuse)
    response = client.post("/attempted")
    monkeypatch.undo()
    assert response.status_code == 503  # the busy page: nothing was stored
    assert actions() == []
    assert probe.handed_over == [[]]
    assert probe.later == []
    with client.session_transaction() as browser:
        assert "_flashes" not in browser  # "Saved." never went out


def test_pages_and_checking_views_read_and_other_posts_write(probe):
    client = probe.test_client()
    client.get("/page")
    client.post("/checks-first")
    client.post("/posts")
    # A page reads; a view that checks first reads until its attempt; other posts write.
    assert probe.intent == [True, True, False, False]
    assert actions() == ["probe.checked"]


def another_connection(database_url: str) -> sqlite3.Connection:
    path = database_url.removeprefix("sqlite:///")
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


def test_pages_never_wait_for_the_sqlite_write_lock(probe, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    client = probe.test_client()
    writer = another_connection(database_url)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        page = client.get("/page")
        checked = client.post("/checks-first")  # reads, then must wait for the lock
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert page.status_code == 200
    assert checked.status_code == 503  # 300 ms busy timeout, then the busy page
    assert actions() == []


def test_a_view_that_checks_first_takes_the_write_lock_before_it_writes(probe, database_url):
    """Another writer commits between the view's reading and its writing: the view's
    transaction took the write lock before writing, so it still stores its row."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    writer = another_connection(database_url)
    # Another process writes while the view checks (a change to the file's header will do).
    probe.meanwhile = lambda: writer.execute("PRAGMA user_version = 7")
    try:
        response = probe.test_client().post("/checks-first")
    finally:
        writer.execute("PRAGMA user_version = 0")
        writer.close()
    assert response.status_code == 200
    assert actions() == ["probe.checked"]


def test_no_view_catches_a_domain_error_or_commits_itself():
    """Views call services in attempt() and leave the commit to the request (one view hands a
    job over right after its own commit, and says why)."""
    found = []
    for path in sorted(APP.rglob("*views.py")):
        where = str(path.relative_to(APP))
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                names |= {n.attr for n in ast.walk(node.type) if isinstance(n, ast.Attribute)}
                if any(_is_domain_error(name) for name in names):
                    found.append(f"{where} catches {sorted(names)}")
            if isinstance(node, ast.Attribute) and node.attr in {"commit", "rollback"}:
                found.append(f"{where} {node.attr}")
    assert found == ["exports/views.py commit"]


def _is_domain_error(name: str) -> bool:
    import app.accounts.services
    import app.accounts.sign_in_throttle
    import app.exports.services
    import app.hearings.services
    import app.moderation.campaign_services
    import app.moderation.services
    import app.testimony.services

    modules = [
        app.accounts.services,
        app.accounts.sign_in_throttle,
        app.exports.services,
        app.hearings.services,
        app.moderation.campaign_services,
        app.moderation.services,
        app.testimony.services,
    ]
    if name == "DomainError":
        return True
    for module in modules:
        value = getattr(module, name, None)
        if isinstance(value, type) and issubclass(value, DomainError):
            return True
    return False
