"""Files in the database (OPENTESTIMONY_FILE_STORE=database): what one app server stores, any
other reads, and a file is stored with the testimony that refers to it or not at all."""

from __future__ import annotations

import hashlib
import io
import shutil
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app import create_app
from app.accounts.models import Role
from app.exports.models import Packet
from app.platform.database_store import CHUNK_BYTES, DatabaseStore, FileChunk, StoredFile
from app.platform.storage import file_store
from app.testimony.models import Attachment, ReviewStatus, Testimony
from app.testimony.pdf_check import check_pdf
from tests.factories import (
    csrf_token_from,
    form_fields,
    make_hearing,
    make_pdf,
    make_staff_user,
    set_review_status,
    signed_in_client,
)

BIG = bytes(range(256)) * (CHUNK_BYTES * 2 // 256) + b"tail"  # three chunks


@pytest.fixture
def in_database(app, config, tmp_path):
    config["FILE_STORE"] = "database"
    config["UPLOAD_FOLDER"] = str(tmp_path / "this-machine")
    return Path(config["UPLOAD_FOLDER"])


def counts(db) -> tuple[int, int]:
    files = db.session.scalar(select(func.count()).select_from(StoredFile))
    chunks = db.session.scalar(select(func.count()).select_from(FileChunk))
    return files, chunks


def test_bytes_come_back_whole_and_are_stored_once(db, in_database):
    store = file_store()
    assert isinstance(store, DatabaseStore)
    digest = store.put(BIG)
    assert store.put(BIG) == digest == hashlib.sha256(BIG).hexdigest()
    db.session.commit()
    assert counts(db) == (1, 3)
    assert store.exists(digest)
    assert store.get(digest) == BIG
    assert store.path(digest).read_bytes() == BIG


def test_a_finished_file_is_moved_in_chunk_by_chunk(db, in_database):
    store = file_store()
    work = store.work_folder() / "packet.pdf"
    work.write_bytes(BIG)
    digest, size = store.put_file(work)
    db.session.commit()
    assert (digest, size) == (hashlib.sha256(BIG).hexdigest(), len(BIG))
    assert not work.exists()
    assert store.get(digest) == BIG


def test_nothing_is_kept_when_the_transaction_is_rolled_back(db, in_database):
    store = file_store()
    digest = store.put(b"%PDF-1.7 never committed")
    db.session.rollback()
    assert counts(db) == (0, 0)
    assert not store.exists(digest)
    with pytest.raises(FileNotFoundError):
        store.get(digest)
    with pytest.raises(FileNotFoundError):
        store.path(digest)


def test_a_damaged_copy_is_refused_not_served(db, in_database):
    store = file_store()
    digest = store.put(BIG)
    db.session.execute(update(FileChunk).where(FileChunk.seq == 1).values(data=b"tampered"))
    db.session.commit()
    with pytest.raises(OSError, match="does not match"):
        store.path(digest)
    assert not [path for path in in_database.rglob("*") if path.is_file()]  # no bad copy


def test_an_unknown_file_store_is_refused_at_start():
    with pytest.raises(ValueError, match="FILE_STORE"):
        create_app({"TESTING": True, "FILE_STORE": "s3", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_an_attachment_sent_to_one_server_is_read_and_packed_on_another(app, db, in_database):
    """The resident submits through one machine; its disk is then gone. A moderator downloads
    the attachment and a clerk makes and downloads the packet, all from the database."""
    hearing = make_hearing()
    moderator = make_staff_user(Role.MODERATOR)
    clerk = make_staff_user(Role.CLERK)
    db.session.commit()
    statement = make_pdf(pages=2)
    resident = app.test_client()
    url = f"/hearings/{hearing.id}/testimony/new"
    fields = form_fields(hearing, resident.get(url).text)
    fields["attachments"] = (io.BytesIO(statement), "statement.pdf", "application/pdf")
    assert resident.post(url, data=fields, content_type="multipart/form-data").status_code == 303
    shutil.rmtree(in_database, ignore_errors=True)  # another machine: nothing on this disk

    attachment = db.session.scalar(select(Attachment))
    # What is stored is the cleaned copy (tests/security/test_hostile_uploads.py).
    cleaned = check_pdf(statement, max_bytes=10**7, max_pages=100, scan_for_malware=False).data
    assert attachment.sha256 == hashlib.sha256(cleaned).hexdigest()
    download = signed_in_client(app, moderator).get(f"/staff/attachments/{attachment.id}")
    assert download.status_code == 200
    assert download.data == cleaned

    set_review_status(db.session.scalar(select(Testimony)), ReviewStatus.APPROVED)
    db.session.commit()
    shutil.rmtree(in_database, ignore_errors=True)
    staff = signed_in_client(app, clerk)
    history = staff.get(f"/staff/hearings/{hearing.id}/exports")
    made = staff.post(
        f"/staff/hearings/{hearing.id}/exports/background",
        data={"csrf_token": csrf_token_from(history.text), "kind": "packet_pdf", "measure": ""},
    )
    assert made.status_code == 303
    packet = db.session.scalar(select(Packet))
    assert packet.sha256, packet.error
    assert db.session.get(StoredFile, packet.sha256).size_bytes == packet.size_bytes
    shutil.rmtree(in_database, ignore_errors=True)
    packed = staff.get(f"/staff/exports/{packet.id}/download")
    assert packed.status_code == 200
    assert hashlib.sha256(packed.data).hexdigest() == packet.sha256
    assert packet.page_count >= 4  # cover, contents, the testimony, its two attached pages


def test_two_servers_storing_the_same_file_at_once_store_it_once(app, db, in_database):
    """Two residents attach the same PDF at the same moment on two app servers."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: the second cannot start meanwhile")
    first_stored, results = threading.Event(), []

    def server(wait_for_first: bool) -> None:
        with app.app_context():
            store = file_store()
            if wait_for_first:
                first_stored.wait(5)
            results.append(store.put(BIG))
            if not wait_for_first:
                first_stored.set()
                time.sleep(0.3)  # hold the transaction open while the other one writes
            db.session.commit()

    threads = [threading.Thread(target=server, args=(flag,)) for flag in (False, True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [hashlib.sha256(BIG).hexdigest()] * 2
    assert counts(db) == (1, 3)
    assert file_store().get(results[0]) == BIG


def test_files_kept_in_a_folder_are_copied_into_the_database_once(app, db, config, tmp_path):
    from app.platform.storage import FileStore

    folder = tmp_path / "one-machine"
    config["UPLOAD_FOLDER"] = str(folder)
    kept = FileStore(folder)
    whole, small = kept.put(BIG), kept.put(b"%PDF-1.4 a small file")
    damaged = kept.put(b"%PDF-1.4 this one will rot on disk")
    kept.path(damaged).write_bytes(b"%PDF-1.4 rotted")
    (kept.work_folder() / "half-built.pdf").write_bytes(b"not a stored file")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["files", "copy-to-database"])

    assert result.exit_code == 1  # it says what it could not copy
    assert "Copied 2 file(s) into the database; 0 were there." in result.output
    assert damaged in result.output and "restore them from a backup" in result.output
    store = DatabaseStore(tmp_path / "cache-only")
    assert store.get(whole) == BIG
    assert store.get(small) == b"%PDF-1.4 a small file"
    assert not store.exists(damaged)
    assert counts(db) == (2, 4)
    assert kept.get(whole) == BIG  # the folder is left as it was

    again = runner.invoke(args=["files", "copy-to-database"])
    assert "Copied 0 file(s) into the database; 2 were there." in again.output
    assert counts(db) == (2, 4)


def test_copying_from_a_folder_that_is_not_there_says_so(app, db, config, tmp_path):
    config["UPLOAD_FOLDER"] = str(tmp_path / "missing")
    result = app.test_cli_runner().invoke(args=["files", "copy-to-database"])
    assert result.exit_code == 1
    assert "There is no folder" in result.output
    assert counts(db) == (0, 0)
