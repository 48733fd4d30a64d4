"""Residents' PDF attachments, re-checked and stripped before they join a packet or a bundle,
or are downloaded.

Uploads are cleaned when they arrive (app/testimony/pdf_check.py); files stored before that
are cleaned here the same way, after the same cheap survey that refuses bombs. Only pages are
copied into the packet, so document-level scripts, forms and embedded files never come along;
on each page what form fields show is flattened into plain content and every annotation and
page action goes, so no link, script, file or field does.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf

from app.testimony.pdf_check import (
    MAX_DECOMPRESSED_BYTES,
    MAX_OBJECTS,
    Budget,
    RejectedFile,
    remove_active_everywhere,
    save_cleaned,
    strip_active_content,
    survey,
)

if TYPE_CHECKING:
    from app.testimony.models import Attachment

# Files stored before uploads were surveyed are checked again here; a clerk's export may take
# longer than a resident's upload.
_CPU_SECONDS = 5.0


class UnusableAttachment(Exception):
    """The stored file cannot go into the packet; the message says why, for the clerk."""


@dataclass(frozen=True)
class CleanAttachment:
    pdf: pikepdf.Pdf
    page_count: int


def open_clean(path: Path, sha256: str, *, max_pages: int) -> CleanAttachment:
    """Open a stored attachment, check it again and strip it. The caller closes .pdf."""
    try:
        data = path.read_bytes()  # read once: hashed, surveyed, then opened from memory
    except OSError as error:
        raise UnusableAttachment("the stored file is missing") from error
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UnusableAttachment("the stored file does not match its checksum")
    try:
        survey(
            data,
            max_objects=MAX_OBJECTS,
            max_decompressed=MAX_DECOMPRESSED_BYTES,
            budget=Budget(_CPU_SECONDS),
        )
    except RejectedFile as error:
        raise UnusableAttachment(f"the file is unsafe to open: {error}") from error
    try:
        pdf = pikepdf.open(io.BytesIO(data))
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
    # The packet writer also copies only the entries that draw the page (see
    # app/exports/pdf/stream.py), but what those reach comes along: clean every object too.
    strip_active_content(pdf)
    remove_active_everywhere(pdf, Budget(_CPU_SECONDS))


def write_clean_copy(path: Path, sha256: str, target: Path, *, max_pages: int) -> None:
    """Write the stored attachment, checked and stripped, to `target`. Raise
    UnusableAttachment when it cannot be passed on."""
    target.write_bytes(clean_bytes(path, sha256, max_pages=max_pages))


def clean_bytes(path: Path, sha256: str, *, max_pages: int) -> bytes:
    """The stored attachment, checked and stripped. Raise UnusableAttachment when it cannot
    be passed on."""
    clean = open_clean(path, sha256, max_pages=max_pages)
    try:
        out = io.BytesIO()
        save_cleaned(clean.pdf, out)
    except RejectedFile as error:  # cleaning again ran past its time
        raise UnusableAttachment(f"the file is unsafe to open: {error}") from error
    except pikepdf.PdfError as error:
        raise UnusableAttachment("the file could not be read as a PDF") from error
    finally:
        clean.pdf.close()
    return out.getvalue()


def clean_download(attachment: Attachment) -> tuple[bytes, str]:
    """The attachment as staff download it: the cleaned PDF, named `<n>-<safe name>.pdf` (n its
    place among the testimony's attachments). Raise FileNotFoundError when the stored file is
    missing, UnusableAttachment when it cannot be passed on."""
    from flask import current_app

    from app.platform.file_names import attachment_file_name
    from app.platform.storage import file_store

    path = file_store().path(attachment.sha256)  # FileNotFoundError when it is missing
    if not path.exists():
        raise FileNotFoundError(attachment.sha256)
    data = clean_bytes(
        path, attachment.sha256, max_pages=current_app.config["ATTACHMENT_MAX_PAGES"]
    )
    siblings = [item.id for item in attachment.testimony.attachments]
    index = siblings.index(attachment.id) + 1 if attachment.id in siblings else 1
    return data, attachment_file_name(index, attachment.original_name)
