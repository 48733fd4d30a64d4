"""PDF files built to hurt whoever reads them, for the hostile-upload tests and
bench/uploads.py. Each is written byte by byte (no PDF library), so it is exactly as hostile as
intended.
"""

from __future__ import annotations

import io
import zlib

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"


def write_pdf(objects: list[bytes], *, root: int = 1, broken_xref: bool = False) -> bytes:
    """Objects numbered from 1, a classic cross-reference table, and a trailer; with
    broken_xref the table's offsets are wrong, so a reader must rebuild it by scanning."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    table = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % (offset + 7 if broken_xref else offset))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objects) + 1, root))
    out.write(b"startxref\n%d\n%%%%EOF\n" % (table + 3 if broken_xref else table))
    return out.getvalue()


def stream(data: bytes, extra: bytes = b"", *, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pages_pdf(pages: int, *, broken_xref: bool = False) -> bytes:
    """`pages` page objects under one flat /Kids array (90,000 is the file from the report)."""
    kids = b" ".join(b"%d 0 R" % (number + 3) for number in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ] + [_PAGE] * pages
    return write_pdf(objects, broken_xref=broken_xref)


def wide_tree_pdf(references: int = 1_000_000) -> bytes:
    """One page listed a million times in /Kids: few objects, a huge page count."""
    kids = b"3 0 R " * references
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, references),
        _PAGE,
    ]
    return write_pdf(objects)


def deep_tree_pdf(depth: int = 5_000) -> bytes:
    """Page-tree nodes nested `depth` deep, one page at the bottom."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = level + 2
        parent = b" /Parent %d 0 R" % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (number + 1, parent))
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] >>" % (depth + 1))
    return write_pdf(objects)


def looped_tree_pdf() -> bytes:
    """A page-tree node that lists itself among its kids."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        _PAGE,
    ]
    return write_pdf(objects)


def flate_bomb_pdf(
    expanded: int = 200_000_000,
    *,
    hide_filter: bool = False,
    comment: bool = False,
    endstream_inside: bool = False,
) -> bytes:
    """One page whose content stream is ~200 KB that expands to `expanded` bytes. With
    hide_filter the stream's dictionary spells the filter with an escape (/Fl#61teDecode);
    with comment a comment stands between the dictionary and `stream`; with endstream_inside
    the compressed data starts with the word `endstream` (in a stored deflate block) and the
    stream's /Length is held in another object, so a reader searching for `endstream` would
    stop early while a PDF reader follows /Length to the end."""
    if endstream_inside:
        literal = b"endstream\n"
        raw = zlib.compressobj(9, zlib.DEFLATED, -15)
        blocks = raw.compress(b" " * expanded) + raw.flush()
        stored = b"\x00" + len(literal).to_bytes(2, "little")
        stored += (len(literal) ^ 0xFFFF).to_bytes(2, "little") + literal
        checksum = zlib.adler32(b" " * expanded, zlib.adler32(literal))
        packed = b"\x78\x01" + stored + blocks + checksum.to_bytes(4, "big")
    else:
        packed = zlib.compress(b" " * expanded, 9)
    name = b"/Fl#61teDecode" if hide_filter else b"/FlateDecode"
    length = b"5 0 R" if endstream_inside else b"%d" % len(packed)
    between = b" % a comment\n" if comment else b"\n"
    content = b"<< /Length %s /Filter %s >>%sstream\n" % (length, name, between) + packed
    content += b"\nendstream"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        content,
        b"%d" % len(packed),
    ]
    return write_pdf(objects)


def many_streams_pdf(count: int) -> bytes:
    """One page drawing `count` tiny content streams."""
    refs = b" ".join(b"%d 0 R" % (number + 4) for number in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents [%s] >>" % refs,
    ] + [stream(b"0 0 m 1 1 l S")] * count
    return write_pdf(objects)


def big_array_pdf(elements: int = 4_000_000) -> bytes:
    """A page carrying an array of millions of numbers (memory in any parser)."""
    array = b"[" + b"0 " * elements + b"]"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Junk " + array + b" >>",
    ]
    return write_pdf(objects)


def object_stream_pdf(count: int, *, expanded_padding: int = 0) -> bytes:
    """`count` page objects packed in one compressed object stream (invisible to a search of
    the raw bytes), with a cross-reference stream; `expanded_padding` spaces are added to
    the packed objects to make an object-stream bomb."""
    first_page = 3
    bodies = [_PAGE] * count
    header = []
    packed = io.BytesIO()
    for index, body in enumerate(bodies):
        header.append(b"%d %d" % (first_page + index, packed.tell()))
        packed.write(body + b"\n")
    packed.write(b" " * expanded_padding)
    head = b" ".join(header) + b"\n"
    objstm_number = first_page + count
    data = zlib.compress(head + packed.getvalue(), 9)
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    for number, body in (
        (1, b"<< /Type /Catalog /Pages 2 0 R >>"),
        (2, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)),
    ):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets[objstm_number] = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d /Filter /FlateDecode >>\n"
        % (objstm_number, count, len(head), len(data))
        + b"stream\n"
        + data
        + b"\nendstream\nendobj\n"
    )
    xref_number = objstm_number + 1
    offsets[xref_number] = out.tell()
    rows = [b"\x00" + (0).to_bytes(4, "big") + b"\x00\x00\xff\xff"]
    for number in range(1, xref_number + 1):
        if number in offsets:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + bytes(4))
        else:  # packed in the object stream, at this index
            index = number - first_page
            rows.append(b"\x02" + objstm_number.to_bytes(4, "big") + index.to_bytes(4, "big"))
    table = zlib.compress(b"".join(rows))
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Length %d "
        b"/Filter /FlateDecode >>\nstream\n"
        % (xref_number, xref_number + 1, len(table))
        + table
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])
    return out.getvalue()


def active_content_pdf() -> bytes:
    """A one-page PDF that runs JavaScript on opening, launches a program from a link,
    carries an embedded file and an XFA form, and has an additional-actions entry; the page
    also reaches the script and the file through entries of its own and of its resources."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 5 0 R /AA << /WC 5 0 R >>"
        b" /Names << /JavaScript << /Names [(run) 5 0 R] >>"
        b" /EmbeddedFiles << /Names [(app.py) 6 0 R] >> >>"
        b" /AcroForm << /Fields [] /XFA 8 0 R >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Annots [9 0 R] /AA << /O 5 0 R >> /Hidden 5 0 R"
        b" /Resources << /Hidden << /Keep 6 0 R /Run << /S /Launch /F (cmd.exe) >> >> >> >>",
        stream(b"BT /F1 12 Tf 72 720 Td (Statement) Tj ET"),
        b"<< /Type /Action /S /JavaScript /JS (app.alert('owned')) >>",
        b"<< /Type /Filespec /F (app.py) /EF << /F 7 0 R >> >>",
        stream(b"import os\nos.system('rm -rf ~')\n", b" /Type /EmbeddedFile"),
        stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>"),
        b"<< /Type /Annot /Subtype /Link /Rect [72 700 200 720]"
        b" /A << /S /Launch /F (cmd.exe) >> >>",
    ]
    return write_pdf(objects)


ACTIVE_KEYS = (
    "/JS",
    "/JavaScript",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/XFA",
    "/AcroForm",
    "/RichMedia",
)


def active_content_in(data: bytes) -> set[str]:
    """Every active-content key or value found in any object of the PDF (packed or not)."""
    import pikepdf

    found: set[str] = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            found |= _active_in(obj, depth=0)
        found |= _active_in(pdf.trailer, depth=0)
    return found


def _active_in(obj, *, depth: int) -> set[str]:
    import pikepdf

    if depth > 20:
        return set()
    found: set[str] = set()
    if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
        for key in obj.keys():  # noqa: SIM118 - a pikepdf object, not a dict
            if key in ACTIVE_KEYS:
                found.add(key)
            value = obj.get(key)
            if isinstance(value, pikepdf.Name) and str(value) in ACTIVE_KEYS:
                found.add(str(value))
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                found |= _active_in(value, depth=depth + 1)
    elif isinstance(obj, pikepdf.Array):
        for item in obj:
            if isinstance(item, pikepdf.Dictionary | pikepdf.Array) and not item.is_indirect:
                found |= _active_in(item, depth=depth + 1)
    return found
