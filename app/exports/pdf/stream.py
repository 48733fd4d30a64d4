"""A PDF writer that appends pages from other PDFs straight to disk.

Merging with a PDF library keeps every page's objects in memory until the file is saved, which
for a 15,000-page packet grows with the hearing. This writer copies each page and everything it
refers to (minus scripts, actions and attached files) as soon as it is added, keeping only each
object's file offset, so memory stays nearly flat however many pages there are. Output is
deterministic: the same pages give the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pikepdf
from pikepdf import ObjectType

from app.exports.pdf.typesetting import clean

_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_PAGE_TYPES = ("/Page", "/Pages")
# The page entries that carry what a page shows; anything else (actions, annotations,
# associated files, thumbnails, application data) stays behind.
_PAGE_KEYS = frozenset({"/Contents", "/Group", "/UserUnit", "/BleedBox", "/TrimBox", "/ArtBox"})
# Never copied from any dictionary: scripts, actions, embedded and associated files.
_NEVER = frozenset(
    {
        "/AA",
        "/OpenAction",
        "/JS",
        "/JavaScript",
        "/AF",
        "/EF",
        "/EmbeddedFiles",
        "/Launch",
        "/URI",
        "/SubmitForm",
        "/ImportData",
        "/RichMedia",
    }
)


# Explicit bidi formatting: the isolates typesetting.isolated() puts around names in our lines,
# and embeddings and overrides typed into a name, which would turn the rest of a bookmark round.
_BIDI_FORMATTING = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)


def text_string(value: str) -> bytes:
    """A PDF text string that holds any Unicode text (UTF-16 with a byte-order mark).

    Used for bookmarks and document properties, which the reader lays out itself, with its own
    bidi algorithm and fonts: so they keep the order typed (right-to-left text put in visual
    order here would be shown backwards) and are never passed through visual_line(); only
    control characters and explicit bidi formatting go, and line breaks become spaces.
    """
    value = clean(value).replace("\n", " ").translate(_BIDI_FORMATTING)
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode() + b">"


@dataclass
class Bookmark:
    title: str
    page: int  # index of the target page, from 0
    children: list[Bookmark] = field(default_factory=list)


class StreamingPdfWriter:
    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._offsets: list[int] = [0]
        self._digest = hashlib.sha256()
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.pages_ref = self._reserve()
        self.page_refs: list[int] = []

    # -- low level -------------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        self._file.write(data)
        self._digest.update(data)

    def _reserve(self) -> int:
        self._offsets.append(-1)
        return len(self._offsets) - 1

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._file.tell()
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add_object(self, body: bytes) -> int:
        number = self._reserve()
        self._object(number, body)
        return number

    # -- pages -----------------------------------------------------------------------------
    def copier(self, pdf: pikepdf.Pdf) -> PageCopier:
        """Copy pages of one source; objects they share (fonts) are written once per source."""
        return PageCopier(self, pdf)

    @property
    def page_count(self) -> int:
        return len(self.page_refs)

    def close(self, *, info: dict[str, str], lang: str, bookmarks: list[Bookmark]) -> None:
        kids = b" ".join(b"%d 0 R" % ref for ref in self.page_refs)
        self._object(
            self.pages_ref,
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(self.page_refs)),
        )
        outlines = self._outline(bookmarks)
        catalog = (
            b"<< /Type /Catalog /Pages %d 0 R /Lang %s /ViewerPreferences "
            b"<< /DisplayDocTitle true >>" % (self.pages_ref, text_string(lang))
        )
        if outlines:
            catalog += b" /Outlines %d 0 R /PageMode /UseOutlines" % outlines
        root = self.add_object(catalog + b" >>")
        info_body = b" ".join(
            b"/%s %s" % (key.encode(), text_string(value)) for key, value in info.items()
        )
        info_ref = self.add_object(b"<< " + info_body + b" >>")
        identifier = self._digest.hexdigest()[:32].encode()
        xref_at = self._file.tell()
        lines = [b"xref\n0 %d\n" % len(self._offsets), b"0000000000 65535 f \n"]
        lines += [b"%010d 00000 n \n" % offset for offset in self._offsets[1:]]
        self._write(b"".join(lines))
        self._write(
            b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
            % (len(self._offsets), root, info_ref, identifier, identifier)
            + b"startxref\n%d\n%%%%EOF\n" % xref_at
        )
        self._file.close()

    def abort(self) -> None:
        self._file.close()

    def _outline(self, bookmarks: list[Bookmark]) -> int | None:
        if not bookmarks:
            return None
        root = self._reserve()
        first, last, count = self._outline_level(bookmarks, root)
        self._object(
            root,
            b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, count),
        )
        return root

    def _outline_level(self, items: list[Bookmark], parent: int) -> tuple[int, int, int]:
        numbers = [self._reserve() for _ in items]
        total = len(items)
        for index, (item, number) in enumerate(zip(items, numbers, strict=True)):
            body = b"<< /Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]" % (
                text_string(item.title),
                parent,
                self.page_refs[item.page],
            )
            if index > 0:
                body += b" /Prev %d 0 R" % numbers[index - 1]
            if index < len(items) - 1:
                body += b" /Next %d 0 R" % numbers[index + 1]
            if item.children:
                first, last, _count = self._outline_level(item.children, number)
                # Negative: children start closed, so 10,000 entries open as a short list.
                body += b" /First %d 0 R /Last %d 0 R /Count -%d" % (
                    first,
                    last,
                    len(item.children),
                )
            self._object(number, body + b" >>")
        return numbers[0], numbers[-1], total


class PageCopier:
    def __init__(self, writer: StreamingPdfWriter, pdf: pikepdf.Pdf) -> None:
        self.writer = writer
        self.pdf = pdf
        self._numbers: dict[tuple[int, int], int] = {}
        self._pending: list[tuple[int, pikepdf.Object]] = []

    def copy(self, page: pikepdf.Page) -> None:
        obj = page.obj
        number = self.writer._reserve()
        parts = [b"<< /Type /Page /Parent %d 0 R" % self.writer.pages_ref]
        for key in _INHERITED:
            value = self._inherited(obj, key)
            if value is not None:
                parts.append(key.encode() + b" " + self._serialise(value))
        for key in sorted(obj.keys()):
            if key not in _PAGE_KEYS:
                continue
            parts.append(key.encode() + b" " + self._serialise(obj[key]))
        self.writer._object(number, b" ".join(parts) + b" >>")
        self.writer.page_refs.append(number)
        while self._pending:
            target, pending = self._pending.pop()
            self._write_indirect(target, pending)

    @staticmethod
    def _inherited(obj: pikepdf.Object, key: str):
        node = obj
        for _ in range(64):  # a page tree is never this deep; a loop in a bad file would be
            if key in node:
                return node[key]
            if "/Parent" not in node:
                return None
            node = node["/Parent"]
        return None

    def _reference(self, obj: pikepdf.Object) -> bytes:
        key = obj.objgen
        number = self._numbers.get(key)
        if number is None:
            number = self.writer._reserve()
            self._numbers[key] = number
            self._pending.append((number, obj))
        return b"%d 0 R" % number

    def _write_indirect(self, number: int, obj: pikepdf.Object) -> None:
        if obj._type_code == ObjectType.stream:
            raw = obj.read_raw_bytes()
            entries = [
                key.encode() + b" " + self._serialise(obj.stream_dict[key])
                for key in sorted(obj.stream_dict.keys())
                if key != "/Length" and key not in _NEVER
            ]
            head = b"<< " + b" ".join(entries) + b" /Length %d >>" % len(raw)
            self.writer._object(number, head + b"\nstream\n" + raw + b"\nendstream")
        else:
            self.writer._object(number, self._direct(obj))

    def _serialise(self, obj) -> bytes:
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj._type_code == ObjectType.dictionary and obj.get("/Type") in _PAGE_TYPES:
                return b"null"  # never pull in the source's page tree through a back-reference
            return self._reference(obj)
        return self._direct(obj)

    def _direct(self, obj) -> bytes:
        # pikepdf hands scalars over as Python values.
        if obj is None:
            return b"null"
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        if isinstance(obj, Decimal | float):
            text = format(Decimal(str(obj)), "f")
            return (text.rstrip("0").rstrip(".") if "." in text else text).encode() or b"0"
        code = obj._type_code
        if code == ObjectType.dictionary:
            items = [key.encode() + b" " + self._serialise(obj[key]) for key in sorted(obj.keys())]
            return b"<< " + b" ".join(items) + b" >>"
        if code == ObjectType.array:
            return b"[" + b" ".join(self._serialise(item) for item in obj) + b"]"
        if code == ObjectType.stream:
            raise ValueError("a stream can only be written as an indirect object")
        return obj.unparse()


def write_typeset(
    out_path: Path,
    typeset: Path,
    *,
    title: str,
    generated_at: datetime,
    lang: str,
    bookmarks: list[Bookmark],
    subject: str | None = None,
) -> None:
    """Write a short typeset document (a speaker list, an addendum) to out_path as our own
    PDF (fixed metadata from generated_at, so the same content gives the same bytes), then
    remove the typeset file."""
    writer = StreamingPdfWriter(out_path)
    try:
        with pikepdf.open(typeset) as pdf:
            copier = writer.copier(pdf)
            for page in pdf.pages:
                copier.copy(page)
        stamp = generated_at.strftime("D:%Y%m%d%H%M%SZ")
        info = {"Title": title, "Creator": "OpenTestimony", "Producer": "OpenTestimony"}
        if subject:
            info["Subject"] = subject
        writer.close(
            info=info | {"CreationDate": stamp, "ModDate": stamp}, lang=lang, bookmarks=bookmarks
        )
    except BaseException:
        writer.abort()
        raise
    typeset.unlink()
