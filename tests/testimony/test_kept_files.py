"""Kept files as the testimony pages use them (app/testimony/kept_files.py): which form's files,
keeping newly checked ones, and removing one; stored bytes go only after the commit."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from app.platform.storage import file_store
from app.platform.timezones import utcnow
from app.platform.transaction import run_after_commit
from app.testimony import kept_files
from app.testimony.held_uploads import HeldUpload
from tests.factories import make_hearing, make_upload


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(HeldUpload))


def test_a_form_without_a_good_key_keeps_nothing(db):
    hearing = make_hearing()
    assert kept_files.scope_for(hearing.id, None) is None
    assert kept_files.scope_for(hearing.id, "not a key") is None
    assert kept_files.held(None, now=utcnow()) == []
    rows = kept_files.keep(
        None,
        (make_upload(),),
        hearing_id=hearing.id,
        address="x",
        files_read=1,
        limit=3,
        now=utcnow(),
    )
    assert rows == [] and count(db) == 0


def test_checked_files_are_kept_within_the_limit(db):
    hearing = make_hearing()
    scope = kept_files.scope_for(hearing.id, secrets.token_urlsafe(24))
    uploads = tuple(make_upload(f"{n}.pdf") for n in range(3))
    rows = kept_files.keep(
        scope, uploads, hearing_id=hearing.id, address="x", files_read=3, limit=2, now=utcnow()
    )
    assert [row.original_name for row in rows] == ["0.pdf", "1.pdf"]
    assert [row.original_name for row in kept_files.held(scope, now=utcnow())] == [
        "0.pdf",
        "1.pdf",
    ]


def test_a_removed_file_is_deleted_only_once_the_removal_is_committed(db):
    hearing = make_hearing()
    scope = kept_files.scope_for(hearing.id, secrets.token_urlsafe(24))
    upload = make_upload("gone.pdf")
    (row,) = kept_files.keep(
        scope, (upload,), hearing_id=hearing.id, address="x", files_read=1, limit=3, now=utcnow()
    )
    db.session.commit()
    digest = row.sha256
    assert kept_files.remove(scope, "not-a-number", now=utcnow()) is None
    assert kept_files.remove(scope, str(row.id + 1000), now=utcnow()) is None

    assert kept_files.remove(scope, str(row.id), now=utcnow()).id == row.id
    db.session.rollback()  # the removal did not happen: the file stays
    run_after_commit()
    assert count(db) == 1 and file_store().exists(digest)

    kept_files.remove(scope, str(row.id), now=utcnow())
    assert file_store().exists(digest)  # not before the commit
    db.session.commit()
    run_after_commit()
    assert count(db) == 0 and not file_store().exists(digest)
