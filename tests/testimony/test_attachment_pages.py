"""A stored attachment on its way to a packet, a bundle or a staff download: checked again
against its checksum and its page limit, stripped of anything active, or refused with a reason
the clerk can read."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest

from app.testimony.attachment_pages import UnusableAttachment, clean_bytes, write_clean_copy
from tests.factories import make_pdf
from tests.security.hostile_pdfs import active_content_in, active_content_pdf


def stored(tmp_path, data: bytes):
    path = tmp_path / "stored.pdf"
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def pages(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def test_an_ordinary_attachment_comes_out_with_its_pages(tmp_path):
    path, sha256 = stored(tmp_path, make_pdf(pages=3))
    assert pages(clean_bytes(path, sha256, max_pages=10)) == 3
    target = tmp_path / "copy.pdf"
    write_clean_copy(path, sha256, target, max_pages=10)
    assert pages(target.read_bytes()) == 3


def test_scripts_launches_and_embedded_files_are_left_behind(tmp_path):
    hostile = active_content_pdf()
    assert active_content_in(hostile)
    path, sha256 = stored(tmp_path, hostile)
    cleaned = clean_bytes(path, sha256, max_pages=10)
    assert active_content_in(cleaned) == set()
    assert pages(cleaned) == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda path, sha: (path.unlink(), sha)[1], "the stored file is missing"),
        (lambda path, sha: "0" * 64, "the stored file does not match its checksum"),
    ],
)
def test_a_missing_or_altered_file_is_refused(tmp_path, change, reason):
    path, sha256 = stored(tmp_path, make_pdf(pages=1))
    sha256 = change(path, sha256)
    with pytest.raises(UnusableAttachment, match=reason):
        clean_bytes(path, sha256, max_pages=10)


def test_more_pages_than_allowed_is_refused_saying_how_many(tmp_path):
    path, sha256 = stored(tmp_path, make_pdf(pages=4))
    with pytest.raises(UnusableAttachment, match="the file has 4 pages"):
        clean_bytes(path, sha256, max_pages=3)


def test_a_password_protected_file_is_refused(tmp_path):
    path, sha256 = stored(tmp_path, make_pdf(pages=1, password="secret"))
    with pytest.raises(UnusableAttachment, match=r"password-protected|encrypted"):
        clean_bytes(path, sha256, max_pages=10)


def test_a_file_that_is_not_a_pdf_is_refused(tmp_path):
    path, sha256 = stored(tmp_path, b"MZ\x90\x00 not a PDF at all")
    with pytest.raises(UnusableAttachment):
        clean_bytes(path, sha256, max_pages=10)
