"""Decide whether an uploaded file is a PDF we can accept, by its content alone."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader

log = logging.getLogger(__name__)


class RejectedFile(ValueError):
    """The file is not an acceptable PDF; the message says why, for the resident."""


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes
    page_count: int


def check_pdf(data: bytes, *, max_bytes: int, max_pages: int) -> CheckedPdf:
    """Return the PDF's page count, or raise RejectedFile with a reason a resident understands."""
    if not data:
        raise RejectedFile(_l("The file is empty."))
    if len(data) > max_bytes:
        raise RejectedFile(
            _l("The file is larger than %(limit)s MB.", limit=max_bytes // 1_000_000)
        )
    if not data.startswith(b"%PDF-"):
        raise RejectedFile(_l("The file is not a PDF. Only PDF files can be attached."))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise RejectedFile(
                _l("The PDF is password-protected. Please attach a copy without a password.")
            )
        page_count = len(reader.pages)
    except RejectedFile:
        raise
    except Exception as error:  # pypdf signals damage with many exception types
        log.info("attachment rejected: unreadable PDF (%s)", type(error).__name__)
        raise RejectedFile(_l("The PDF could not be opened; it may be damaged.")) from error
    if page_count < 1:
        raise RejectedFile(_l("The PDF has no pages."))
    if page_count > max_pages:
        raise RejectedFile(_l("The PDF has more than %(limit)s pages.", limit=max_pages))
    return CheckedPdf(data=data, page_count=page_count)
