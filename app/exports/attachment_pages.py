"""Residents' PDF attachments, re-checked and stripped before they join a packet.

Only pages are copied into the packet, so document-level scripts, forms and embedded files of
an attachment never come along; on each page we flatten what form fields show into plain
content and drop every annotation and page action, so no link, script, file or field does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf

# Page entries that can trigger actions or carry extra content a packet must not pass on.
# (The packet writer also copies only the entries that draw the page: see pdf_stream.py.)
_PAGE_KEYS_TO_DROP = ("/Annots", "/AA", "/AF", "/B", "/PieceInfo", "/Thumb")


class UnusableAttachment(Exception):
    """The stored file cannot go into the packet; the message says why, for the clerk."""


@dataclass(frozen=True)
class CleanAttachment:
    pdf: pikepdf.Pdf
    page_count: int


def open_clean(path: Path, sha256: str, *, max_pages: int) -> CleanAttachment:
    """Open a stored attachment, check it again and strip it. The caller closes .pdf."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as error:
        raise UnusableAttachment("the stored file is missing") from error
    if digest.hexdigest() != sha256:
        raise UnusableAttachment("the stored file does not match its checksum")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError as error:
        raise UnusableAttachment("the file is password-protected") from error
    except pikepdf.PdfError as error:
        raise UnusableAttachment("the file could not be read as a PDF") from error
    try:
        page_count = len(pdf.pages)
        if page_count < 1 or page_count > max_pages:
            raise UnusableAttachment(f"the file has {page_count} pages")
        if pdf.is_encrypted:
            raise UnusableAttachment("the file is encrypted")
        _strip(pdf)
    except UnusableAttachment:
        pdf.close()
        raise
    except (pikepdf.PdfError, KeyError, TypeError, ValueError) as error:
        pdf.close()
        raise UnusableAttachment("the file could not be read as a PDF") from error
    return CleanAttachment(pdf=pdf, page_count=page_count)


def _strip(pdf: pikepdf.Pdf) -> None:
    # What filled-in fields and stamps show becomes ordinary page content before they go.
    pdf.flatten_annotations("all")
    for page in pdf.pages:
        for key in _PAGE_KEYS_TO_DROP:
            if key in page.obj:
                del page.obj[key]
