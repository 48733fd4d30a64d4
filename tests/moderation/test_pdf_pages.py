"""Drawing attachments' pages for the viewer: from the cleaned copy, one page at a time, kept
once drawn (and so are failures), refused where the download is refused, and forgotten once
old or once the file has gone."""

from __future__ import annotations

import io
import os
import shutil
import sys
import time

import pytest
from PIL import Image

from app.moderation import pdf_pages
from app.moderation.pdf_pages import Drawn, NoSuchPage, cache_root, draw, sweep
from app.platform.storage import file_store
from tests.factories import make_testimony
from tests.moderation.drawn_pdfs import drawn_pdf, drawn_upload


@pytest.fixture(autouse=True)
def empty_cache(app):
    """Tests of one session share an upload folder: each starts with nothing drawn."""
    with app.app_context():
        shutil.rmtree(cache_root(), ignore_errors=True)
    yield


def attachment_with(db, pages: int = 2, name: str = "statement.pdf"):
    testimony = make_testimony(uploads=(drawn_upload(name, pages=pages),)).testimony
    db.session.commit()
    return testimony.attachments[0]


def size_of(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_a_page_is_drawn_from_the_stored_file(db):
    item = attachment_with(db)

    drawn = draw(item, 2)

    assert drawn.failure is None
    assert drawn.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert size_of(drawn.png) == (1224, 1584)
    assert (cache_root() / item.sha256 / "2.png").read_bytes() == drawn.png


def test_a_page_once_drawn_comes_from_the_cache(db):
    item = attachment_with(db)
    first = draw(item, 1)
    # The cached image is what is served, even if the PDF could no longer be drawn.
    stored = file_store().path(item.sha256)
    kept = stored.read_bytes()
    stored.write_bytes(b"not the file any more")
    try:
        assert draw(item, 1) == first
    finally:
        stored.write_bytes(kept)


@pytest.mark.parametrize("page", [0, -1, 3, 10_000])
def test_a_page_the_attachment_does_not_have_is_no_such_page(db, page):
    item = attachment_with(db)

    with pytest.raises(NoSuchPage):
        draw(item, page)
    assert not (cache_root() / item.sha256).exists(), "nothing drawn, nothing kept"


def test_a_file_with_fewer_pages_than_recorded_says_no_such_page_and_remembers(db):
    item = attachment_with(db, pages=2)
    item.page_count = 5  # a row that promises more than the file holds
    db.session.commit()

    with pytest.raises(NoSuchPage):
        draw(item, 4)
    with pytest.raises(NoSuchPage):
        draw(item, 4)
    assert (cache_root() / item.sha256 / "4.failed").read_text() == "no_page"


def test_a_file_that_no_longer_matches_its_checksum_is_not_drawn(db):
    item = attachment_with(db)
    stored = file_store().path(item.sha256)
    kept = stored.read_bytes()
    stored.write_bytes(drawn_pdf(2))  # a valid PDF, but not the one the resident sent
    try:
        drawn = draw(item, 1)
    finally:
        stored.write_bytes(kept)

    assert drawn == Drawn(failure="unsafe")
    assert drawn.reason == "the file did not pass its safety checks"
    # The whole file is refused once; its other pages do not try again.
    assert (cache_root() / item.sha256 / "file.failed").exists()
    assert draw(item, 2) == Drawn(failure="unsafe")


def test_a_missing_file_says_so_and_is_not_remembered(db):
    item = attachment_with(db)
    stored = file_store().path(item.sha256)
    kept = stored.read_bytes()
    stored.unlink()
    try:
        assert draw(item, 1) == Drawn(failure="missing")
    finally:
        stored.write_bytes(kept)

    assert draw(item, 1).png is not None, "once the file is back, the page is drawn"


def test_a_child_that_runs_out_of_time_is_stopped_and_reported(db):
    # A program that never ends stands in for a page that never finishes drawing.
    outcome = pdf_pages._run_child_command(
        [sys.executable, "-c", "while True: pass"], b"", wall_seconds=1
    )

    assert outcome == "slow"


def test_every_failure_has_words_for_the_moderator():
    for key in pdf_pages.WHY:
        assert Drawn(failure=key).reason
    assert Drawn(png=b"x").reason == ""


def test_old_images_and_images_of_files_gone_are_swept(db):
    kept = attachment_with(db, name="kept.pdf")
    old = attachment_with(db, pages=3, name="old.pdf")
    gone = make_testimony(uploads=(drawn_upload("gone.pdf", pages=4),)).testimony.attachments[0]
    db.session.commit()
    for item in (kept, old, gone):
        draw(item, 1)
    long_ago = time.time() - pdf_pages.KEEP_SECONDS - 60
    os.utime(cache_root() / old.sha256, (long_ago, long_ago))
    file_store().discard(gone.sha256)  # as retention does

    sweep()

    assert (cache_root() / kept.sha256 / "1.png").exists()
    assert not (cache_root() / old.sha256).exists()
    assert not (cache_root() / gone.sha256).exists()


def test_the_background_jobs_sweep_drawn_pages_even_when_nothing_is_drawn(app):
    assert sweep in app.extensions["jobs"].periodic
