"""Turn sheet rows into CSV or XLSX bytes. Pure functions: rows in, bytes out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.exports.rows import COLUMNS, SheetRow, neutralise


def to_csv(rows: Iterable[SheetRow], columns=COLUMNS) -> tuple[bytes, int]:
    """UTF-8 with a byte-order mark so spreadsheet programs read accents and emoji right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([heading for heading, _ in columns])
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row.cells])
        count += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


def to_xlsx(rows: Iterable[SheetRow], *, title: str) -> tuple[bytes, int]:
    """One sheet; every cell is stored as text, so nothing a resident typed can be a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Testimony")
    sheet.append([_text(sheet, heading) for heading, _ in COLUMNS])
    count = 0
    for row in rows:
        sheet.append([_text(sheet, cell) for cell in row.cells])
        count += 1
    workbook.properties.title = title[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


def _text(sheet, value: str) -> WriteOnlyCell:
    # openpyxl would store "=..." as a formula; a string cell is shown, never evaluated.
    # The leading quote is added too, so a copy pasted elsewhere stays harmless.
    cell = WriteOnlyCell(sheet, value=neutralise(_printable(value)))
    cell.data_type = "s"
    return cell


def _printable(value: str) -> str:
    # XML 1.0 forbids most control characters; forms refuse them, but be safe with old data.
    return "".join(c for c in value if c in "\t\n\r" or ord(c) >= 0x20)
