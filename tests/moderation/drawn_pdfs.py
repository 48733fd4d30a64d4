"""PDFs with something on their pages, for the tests of the page viewer: a blank page drawn
white proves nothing."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from app.testimony.pdf_check import CheckedPdf
from app.testimony.submissions import Upload


def drawn_pdf(pages: int = 1, *, size: tuple[float, float] = (612, 792)) -> bytes:
    """Each page: a black band across its top half and its number in large type."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=size)
    width, height = size
    for number in range(1, pages + 1):
        sheet.setFillColorRGB(0, 0, 0)
        sheet.rect(0, height / 2, width, height / 2, stroke=0, fill=1)
        sheet.setFont("Helvetica", max(12, min(width, height) / 10))
        sheet.drawString(width / 10, height / 4, f"Page {number}")
        sheet.showPage()
    sheet.save()
    return out.getvalue()


def drawn_upload(name: str = "statement.pdf", pages: int = 1) -> Upload:
    return Upload(filename=name, pdf=CheckedPdf(data=drawn_pdf(pages), page_count=pages))
