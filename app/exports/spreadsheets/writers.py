"""Turn sheet rows into CSV or XLSX bytes. Pure functions: rows in, bytes out."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.exports.spreadsheets.rows import COLUMNS, SheetRow
from app.platform.cells import neutralise
from app.platform.cells import printable as _printable


def to_csv(rows: Iterable[SheetRow], columns=COLUMNS) -> tuple[bytes, int]:
    """UTF-8 with a byte-order mark so spreadsheet programs read accents and emoji right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([heading for heading, _ in columns])
    count = 0
    for row in rows:
        writer.writerow([neutralise(_printable(cell)) for cell in row.cells])
        count += 1
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


def write_csv(path: Path, rows: Iterable[SheetRow], columns=COLUMNS) -> int:
    """The same CSV as to_csv, written to path a row at a time (memory stays flat however many
    rows); returns how many rows."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([heading for heading, _ in columns])
        for row in rows:
            writer.writerow([neutralise(_printable(cell)) for cell in row.cells])
            count += 1
    return count


def to_xlsx(
    rows: Iterable[SheetRow],
    *,
    title: str,
    when: datetime | None = None,
    columns=COLUMNS,
    sheet_name: str = "Testimony",
) -> tuple[bytes, int]:
    """One sheet; every cell is stored as text, so nothing a resident typed can be a formula.

    With `when`, the workbook carries that time instead of the clock's, so the same rows give
    the same bytes (the bundle's manifest relies on it)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name)
    sheet.append([_text(sheet, heading) for heading, _ in columns])
    count = 0
    for row in rows:
        sheet.append([_text(sheet, cell) for cell in row.cells])
        count += 1
    workbook.properties.title = title[:255]
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    if when is not None:
        data = _settle(data, when)
    return data, count


_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _settle(data: bytes, when: datetime) -> bytes:
    """Rewrite the XLSX package with `when` as its document dates and entry times.

    openpyxl stamps the saving time into docProps/core.xml and every ZIP entry."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == "docProps/core.xml":
                content = _STAMPS.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            info = zipfile.ZipInfo(entry.filename, date_time=when.astimezone(UTC).timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, content)
    return out.getvalue()


def _text(sheet, value: str) -> WriteOnlyCell:
    # openpyxl would store "=..." as a formula; a string cell is shown, never evaluated.
    # The leading quote is added too, so a copy pasted elsewhere stays harmless.
    cell = WriteOnlyCell(sheet, value=neutralise(_printable(value)))
    cell.data_type = "s"
    return cell
