"""Hostile PDFs in the review page's viewer: each is drawn safely or refused with a message and
the download link, and none costs more than the drawing's limits (one page, pixel cap, CPU,
memory and time in a child process; a failure is remembered, so it is paid for once).

The files are stored as they are, past the upload checks, as a file stored before those checks
existed would be: the viewer must hold on its own.
"""

from __future__ import annotations

import io
import resource
import shutil
import zlib

import pypdfium2
import pytest
from PIL import Image

from app.moderation import pdf_pages
from app.moderation.pdf_pages import cache_root
from app.platform.storage import file_store
from app.testimony.attachment_pages import clean_bytes
from app.testimony.pdf_check import CheckedPdf
from app.testimony.submissions import Upload
from tests.factories import make_testimony, signed_in_client
from tests.moderation.drawn_pdfs import drawn_pdf
from tests.security.hostile_pdfs import (
    active_content_in,
    active_content_pdf,
    pages_pdf,
    stream,
    write_pdf,
)

CANNOT = "cannot be shown here"


@pytest.fixture(autouse=True)
def empty_cache(app):
    with app.app_context():
        shutil.rmtree(cache_root(), ignore_errors=True)
    yield


def stored_as_is(db, data: bytes, *, pages: int = 1, name: str = "statement.pdf"):
    testimony = make_testimony(
        uploads=(Upload(filename=name, pdf=CheckedPdf(data=data, page_count=pages)),)
    ).testimony
    db.session.commit()
    return testimony, testimony.attachments[0]


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def one_page(content: bytes, *, media_box: bytes = b"[0 0 612 792]", extra: bytes = b"") -> bytes:
    return write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 4 0 R%s >>" % (media_box, extra),
            stream(content, compress=True),
        ]
    )


def test_the_pdf_engine_has_no_javascript_or_xfa():
    flags = {flag.upper() for flag in pypdfium2.version.PDFIUM_INFO.flags}
    assert not flags & {"V8", "XFA"}, flags


def test_a_pdf_with_javascript_is_drawn_from_a_copy_without_it(app, db):
    raw = active_content_pdf()
    assert active_content_in(raw), "the file really carries scripts, actions and a file"
    testimony, item = stored_as_is(db, raw)
    browser = signed_in_client(app)

    page = browser.get(f"/staff/testimony/{testimony.id}").text
    image = browser.get(f"/staff/attachments/{item.id}/pages/1.png")

    assert CANNOT not in page
    assert image.status_code == 200
    assert Image.open(io.BytesIO(image.data)).size == (1224, 1584)
    # What the drawing was given: the same cleaned copy as the download, nothing active left.
    cleaned = clean_bytes(file_store().path(item.sha256), item.sha256, max_pages=100)
    assert active_content_in(cleaned) == set()


def test_a_10000_page_pdf_is_refused_without_drawing_anything(app, db):
    testimony, item = stored_as_is(db, pages_pdf(10_000), pages=10_000)
    browser = signed_in_client(app)
    before = children_cpu()

    page = browser.get(f"/staff/testimony/{testimony.id}?attachment={item.id}&page=10000")
    image = browser.get(f"/staff/attachments/{item.id}/pages/9999.png")

    assert page.status_code == 200
    assert (
        "Page 10000 cannot be shown here: the file did not pass its safety checks. "
        f'<a href="/staff/attachments/{item.id}" download>'
    ) in page.text
    assert image.status_code == 404
    assert browser.get(f"/staff/attachments/{item.id}/pages/10001.png").status_code == 404
    assert children_cpu() == before, "no drawing process was started"
    assert list((cache_root() / item.sha256).iterdir()) == [
        cache_root() / item.sha256 / "file.failed"
    ]


@pytest.mark.parametrize(
    "extra",
    [b"", b" /UserUnit 75000"],  # the largest page PDF allows, then far beyond it
)
def test_a_huge_page_is_drawn_within_the_pixel_cap(app, db, extra):
    data = one_page(b"0 0 0 rg 0 0 14400 7200 re f", media_box=b"[0 0 14400 14400]", extra=extra)
    _testimony, item = stored_as_is(db, data)
    browser = signed_in_client(app)

    image = browser.get(f"/staff/attachments/{item.id}/pages/1.png")

    assert image.status_code == 200
    picture = Image.open(io.BytesIO(image.data))
    assert max(picture.size) <= pdf_pages.MAX_SIDE + 1
    assert picture.getpixel((10, picture.size[1] - 10)) == (0, 0, 0), "the page was drawn"


@pytest.mark.parametrize(
    "data",
    [
        drawn_pdf(2)[:700],  # cut off part-way
        b"%PDF-1.7\n" + bytes(range(256)) * 40,  # a header, then noise
        b"MZ\x90\x00 a program, not a PDF",
    ],
    ids=["truncated", "noise", "not-a-pdf"],
)
def test_a_corrupt_file_fails_with_the_message_and_the_download_link(app, db, data):
    testimony, item = stored_as_is(db, data)
    browser = signed_in_client(app)

    page = browser.get(f"/staff/testimony/{testimony.id}")

    assert page.status_code == 200
    assert f"Page 1 {CANNOT}: " in page.text
    assert f'<a href="/staff/attachments/{item.id}" download>Download the PDF' in page.text
    assert browser.get(f"/staff/attachments/{item.id}/pages/1.png").status_code == 404


def slow_page(fills: int = 200_000) -> bytes:
    """A page of 200,000 full-page fills: a few kilobytes compressed, minutes to draw."""
    return one_page(b"0 0 m 612 792 l 0 792 l h f\n" * fills)


def test_a_page_that_takes_too_long_is_stopped_at_the_cpu_limit_once(app, db, monkeypatch):
    monkeypatch.setattr(pdf_pages, "CPU_SECONDS", 1)
    # However busy the machine, the CPU limit, not the clock, is what stops this one.
    monkeypatch.setattr(pdf_pages, "WALL_SECONDS", 120)
    testimony, _item = stored_as_is(db, slow_page())
    browser = signed_in_client(app)
    before = children_cpu()

    page = browser.get(f"/staff/testimony/{testimony.id}")

    assert f"Page 1 {CANNOT}: drawing it took too long." in page.text
    # The kernel stops the child at its hard limit, one second past the soft one.
    assert children_cpu() - before <= pdf_pages.CPU_SECONDS + 2
    # The failure is remembered: visiting again starts no drawing.
    spent = children_cpu()
    again = browser.get(f"/staff/testimony/{testimony.id}").text
    assert "drawing it took too long" in again
    assert children_cpu() == spent


def test_a_page_past_the_wall_clock_limit_is_killed():
    outcome = pdf_pages._run_child(slow_page(), 0, cpu_seconds=60, wall_seconds=1)

    assert outcome == "slow"


def test_a_drawing_that_needs_more_memory_than_allowed_is_stopped():
    outcome = pdf_pages._run_child(drawn_pdf(1), 0, memory_bytes=40 << 20)

    assert outcome == "memory"


def test_a_flate_bomb_behind_a_page_is_refused_before_drawing(app, db):
    bomb = zlib.compress(b"0 0 m\n" * 40_000_000, 9)  # 240 MB of drawing from 240 KB
    data = write_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
        ]
    )
    testimony, _item = stored_as_is(db, data)
    browser = signed_in_client(app)
    before = children_cpu()

    page = browser.get(f"/staff/testimony/{testimony.id}").text

    assert f"Page 1 {CANNOT}: the file did not pass its safety checks." in page
    assert children_cpu() == before
