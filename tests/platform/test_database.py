"""When the database cannot take more (locked by other writers, out of connections), people get
a quick 503 with Retry-After, never a 500, nothing half-stored, and their testimony handed back."""

from __future__ import annotations

import html
import io
import re
import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from app import create_app
from app.platform.extensions import db as _db
from app.testimony.models import Testimony
from tests.factories import (
    csrf_token_from,
    form_fields,
    make_hearing,
    make_pdf,
    make_staff_user,
    signed_in_client,
)

WORDS = "Face surveillance has no place in Dorchester. Ñandú, 東京, and <b>bold</b> stay as typed."


@pytest.fixture
def crowded(app, database_url, tmp_path):
    """The same database behind a second app whose pool holds one connection, waited on for a
    moment only; `hold()` takes that connection away as a crowd of other requests would."""
    small = create_app(
        {
            **{key: app.config[key] for key in ("SECRET_KEY", "BASE_URL", "MAIL_SERVER")},
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "hide_parameters": True,
                "pool_size": 1,
                "max_overflow": 0,
                "pool_timeout": 0.3,
            },
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SUBMIT_MIN_SECONDS": 0,
            # Not a background thread: it would take the one connection these tests count on.
            "JOBS_RUNNER": "after-response",
        }
    )
    held = []

    class Crowd:
        client = small.test_client()

        @staticmethod
        def hold():
            with small.app_context():
                held.append(_db.engine.connect())

        @staticmethod
        def leave():
            while held:
                held.pop().close()

    yield Crowd
    Crowd.leave()
    with small.app_context():
        _db.engine.dispose()


def impatient_app(app, database_url: str, tmp_path, *, busy_timeout_ms: int):
    """A second app on the same SQLite database that waits only this long for a writer."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLITE_BUSY_TIMEOUT_MS": busy_timeout_ms,
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "SUBMIT_MIN_SECONDS": 0,
            # Follow-up work in the test's thread, not a background one that could write.
            "JOBS_RUNNER": "after-response",
        }
    )


def another_process(database_url: str) -> sqlite3.Connection:
    """A connection of its own to the SQLite file, as another server process would hold."""
    path = database_url.removeprefix("sqlite:///")
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


def stored() -> int:
    count = _db.session.scalar(select(func.count()).select_from(Testimony))
    _db.session.rollback()
    return count


def hidden_fields(page: str) -> dict[str, str]:
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page)
    return {name: html.unescape(value) for name, value in pairs}


def test_a_resident_who_meets_a_full_database_keeps_their_text_and_can_send_it_again(db, crowded):
    hearing = make_hearing()
    db.session.commit()
    url = f"/hearings/{hearing.id}/testimony/new"
    fields = form_fields(hearing, crowded.client.get(url).text, body=WORDS)

    crowded.hold()
    busy = crowded.client.post(url, data=fields)
    crowded.leave()

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "30"
    assert "Nothing was submitted yet." in busy.text
    assert html.escape(WORDS, quote=False) in busy.text  # handed back, and escaped
    assert "<b>bold</b>" not in busy.text
    assert stored() == 0
    again = hidden_fields(busy.text)
    assert again["submission_key"] == fields["submission_key"]
    assert again["body"] == WORDS

    receipt = crowded.client.post(url, data=again)
    assert receipt.status_code == 303
    assert crowded.client.post(url, data=again).headers["Location"] == receipt.headers["Location"]
    assert stored() == 1


def test_attached_files_cannot_be_carried_so_the_page_says_to_attach_them_again(db, crowded):
    hearing = make_hearing()
    db.session.commit()
    url = f"/hearings/{hearing.id}/testimony/new"
    fields = form_fields(hearing, crowded.client.get(url).text, body=WORDS)
    fields["attachments"] = (io.BytesIO(make_pdf()), "statement.pdf", "application/pdf")

    crowded.hold()
    busy = crowded.client.post(url, data=fields, content_type="multipart/form-data")
    crowded.leave()

    assert busy.status_code == 503
    assert "attach them again" in busy.text
    assert 'name="submission_key"' not in busy.text  # no resend that would drop the files
    assert html.escape(WORDS, quote=False) in busy.text
    assert stored() == 0


def test_a_language_button_pressed_while_busy_is_never_resent_as_a_submission(db, crowded):
    hearing = make_hearing()
    db.session.commit()
    url = f"/hearings/{hearing.id}/testimony/new"
    fields = form_fields(hearing, crowded.client.get(url).text, body=WORDS)
    fields["switch_language"] = "es"
    crowded.hold()
    busy = crowded.client.post(url, data=fields)
    crowded.leave()
    assert busy.status_code == 503
    assert 'name="submission_key"' not in busy.text  # no button that would submit it
    assert "Back to the form" in busy.text
    assert html.escape(WORDS, quote=False) in busy.text


def test_a_staff_form_sent_while_busy_echoes_nothing_back(app, db, crowded):
    token = csrf_token_from(crowded.client.get("/staff/login").text)
    crowded.hold()
    page = crowded.client.post(
        "/staff/login",
        data={"csrf_token": token, "email": "staff@example.gov", "password": "a secret password"},
    )
    crowded.leave()
    assert page.status_code == 503
    assert "a secret password" not in page.text
    assert "staff@example.gov" not in page.text


def test_staff_pages_answer_503_not_500_and_show_no_one_signed_in(app, db, crowded):
    user = make_staff_user()
    db.session.commit()
    staff = signed_in_client(crowded.client.application, user)
    crowded.hold()
    page = staff.get("/staff/")
    crowded.leave()
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "Sign out" not in page.text
    assert 'lang="en"' in page.text


def test_a_sqlite_database_locked_by_another_writer_answers_503(app, db, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    hearing = make_hearing()
    db.session.commit()
    impatient = impatient_app(app, database_url, tmp_path, busy_timeout_ms=200)
    client = impatient.test_client()
    url = f"/hearings/{hearing.id}/testimony/new"
    fields = form_fields(hearing, client.get(url).text, body=WORDS)
    db.session.rollback()  # reading the hearing began a transaction: end it
    writer = another_process(database_url)
    try:
        writer.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
        busy = client.post(url, data=fields)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        with impatient.app_context():
            _db.engine.dispose()
    assert busy.status_code == 503
    assert html.escape(WORDS, quote=False) in busy.text
    assert stored() == 0


def test_a_submission_waits_for_another_processs_write_and_is_stored(
    app, db, database_url, tmp_path
):
    """Another process writing a moment: the submission waits for it (trying again at a
    steady pace) and is stored, within the busy timeout."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    hearing = make_hearing()
    db.session.commit()
    patient = impatient_app(app, database_url, tmp_path, busy_timeout_ms=5000)
    client = patient.test_client()
    url = f"/hearings/{hearing.id}/testimony/new"
    fields = form_fields(hearing, client.get(url).text, body=WORDS)
    db.session.rollback()
    writer = another_process(database_url)
    writer.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: writer.execute("COMMIT"))
    release.start()
    try:
        answer = client.post(url, data=fields)
    finally:
        release.join()
        writer.close()
        with patient.app_context():
            _db.engine.dispose()
    assert answer.status_code == 303
    assert stored() == 1


def test_pages_are_read_while_another_writer_holds_sqlite(app, db, database_url, tmp_path):
    """A surge of submissions holds SQLite's write lock in turn; people loading pages meanwhile
    read alongside it instead of waiting for it."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    hearing = make_hearing(title="Hearing read during a write")
    db.session.commit()
    hearing_id = hearing.id
    db.session.rollback()
    impatient = impatient_app(app, database_url, tmp_path, busy_timeout_ms=200)
    client = impatient.test_client()
    writer = another_process(database_url)
    try:
        writer.execute("BEGIN IMMEDIATE")
        page = client.get(f"/hearings/{hearing_id}")
        form = client.get(f"/hearings/{hearing_id}/testimony/new")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        with impatient.app_context():
            _db.engine.dispose()
    assert page.status_code == 200 and "Hearing read during a write" in page.text
    assert form.status_code == 200


def test_a_writer_that_gave_up_leaves_the_next_one_its_turn(app, db, database_url, tmp_path):
    """Writers of one process take turns for SQLite's lock; one that timed out (the busy page)
    must hand its turn back, or every later submission would wait out the timeout first."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    hearing = make_hearing()
    db.session.commit()
    impatient = impatient_app(app, database_url, tmp_path, busy_timeout_ms=1500)
    client = impatient.test_client()
    url = f"/hearings/{hearing.id}/testimony/new"
    first = form_fields(hearing, client.get(url).text, body=WORDS)
    second = form_fields(hearing, client.get(url).text, body=WORDS + " Again.")
    db.session.rollback()
    writer = another_process(database_url)
    try:
        writer.execute("BEGIN IMMEDIATE")
        busy = client.post(url, data=first)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    try:
        started = time.monotonic()
        stored_now = client.post(url, data=second)
        waited = time.monotonic() - started
    finally:
        with impatient.app_context():
            _db.engine.dispose()
    assert busy.status_code == 503
    assert stored_now.status_code == 303
    assert waited < 1.0  # not the 1.5 s a turn never handed back would cost
    assert stored() == 1


def test_a_submission_refused_while_writing_hands_its_turn_back(app, db, database_url, tmp_path):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    from app.hearings.models import Hearing
    from app.platform.timezones import utcnow

    hearing = make_hearing()
    db.session.commit()
    hearing_id = hearing.id
    impatient = impatient_app(app, database_url, tmp_path, busy_timeout_ms=1500)
    client = impatient.test_client()
    url = f"/hearings/{hearing_id}/testimony/new"
    late = form_fields(hearing, client.get(url).text, body=WORDS)
    on_time = form_fields(hearing, client.get(url).text, body=WORDS + " Again.")

    def cancel(moment) -> None:
        _db.session.get(Hearing, hearing_id).cancelled_at = moment
        _db.session.commit()

    try:
        # Cancelled while the form is being checked: refused inside the writing transaction.
        cancel(utcnow())
        refused = client.post(url, data=late)
        cancel(None)
        started = time.monotonic()
        accepted = client.post(url, data=on_time)
        waited = time.monotonic() - started
    finally:
        with impatient.app_context():
            _db.engine.dispose()
    assert refused.status_code == 200 and "has been cancelled" in refused.text
    assert accepted.status_code == 303
    assert waited < 1.0
    assert stored() == 1


def test_a_writer_whose_connection_broke_hands_its_turn_back(app, db, database_url, tmp_path):
    """A connection SQLAlchemy gives up on mid-write (invalidated) still ends its turn when its
    transaction is rolled back, without failing that rollback."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's own write lock")
    impatient = impatient_app(app, database_url, tmp_path, busy_timeout_ms=1500)
    try:
        with impatient.app_context():
            broken = _db.engine.connect()
            broken.begin()  # a write transaction: it holds the turn
            broken.invalidate()
            broken.rollback()  # what the error handling does; must not raise
            started = time.monotonic()
            with _db.engine.begin() as connection:
                connection.execute(select(func.count()).select_from(Testimony))
            waited = time.monotonic() - started
    finally:
        with impatient.app_context():
            _db.engine.dispose()
    assert waited < 1.0  # not the 1.5 s a turn never handed back would cost
