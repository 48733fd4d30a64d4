"""Decide whether an uploaded file is a PDF we can accept, by its content alone, and keep a
cleaned copy of it.

A PDF can be built to cost far more to read than its size suggests: tens of thousands of page
objects, arrays of millions of numbers, a 200 KB stream that expands to 200 MB. So the check
runs in two steps. First a survey of the raw bytes with C-speed searches only (regular
expressions, counts, zlib with an output limit) refuses a file whose object count, syntax
size or decompressed size is beyond the caps below, before any PDF library parses it; the
caps bound what the second step, pikepdf (qpdf), can cost. That step walks the page tree with
a node cap, then removes everything that can act (scripts, launch actions, embedded files,
forms, annotations, ...) and writes the cleaned copy, which is what is stored, put in packets
and bundles, and downloaded. At most a few checks run at once in a process, so a burst of
hostile uploads cannot grow a worker's memory without bound.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import io
import logging
import re
import threading
import time
import zlib
from dataclasses import dataclass

import pikepdf
from flask_babel import lazy_gettext as _l

log = logging.getLogger(__name__)

MB = 1_000_000
# Caps for one file. A 100-page statement, report or scan stays far below each of them.
MAX_OBJECTS = 6_000  # numbered objects, counting those packed in object streams
MAX_TOKENS = 400_000  # words of PDF syntax outside streams (what qpdf keeps in memory)
MAX_DECOMPRESSED_BYTES = 80 * MB  # all compressed streams expanded, together
MAX_OBJECT_STREAM_BYTES = 8 * MB  # one object or cross-reference stream, expanded
MAX_PAGE_TREE_DEPTH = 32
# Of this thread's CPU time for the whole check of one file, beyond which it is refused; the
# caps keep ordinary files far below it (bench/uploads.py).
CPU_SECONDS = 0.35
# Checks that may run at once in one process; the others wait for a turn (each is short).
CONCURRENT_CHECKS = 2
# LZW (an obsolete PDF 1.0 compression) is not expanded here; one byte of it can become
# about this many (12-bit codes whose strings grow to 4,096 bytes), and is counted so.
_LZW_WORST_RATIO = 1500
_RUN_LENGTH_WORST_RATIO = 64

_checks = threading.BoundedSemaphore(CONCURRENT_CHECKS)

_WS = rb"[\x00\t\n\x0c\r ]"
# An object starts `12 0 obj`. Searching for the literal keyword first, then looking back for
# its numbers, keeps the search linear on runs of digits such as `0 0 0 0 ...`.
_OBJ_KEYWORD = re.compile(rb"obj(?![A-Za-z])")
_OBJECT_NUMBERS = re.compile(rb"(?<![0-9])[0-9]{1,10}" + _WS + rb"+[0-9]{1,5}" + _WS + rb"+$")
# A stream's data starts after the keyword `stream` that follows its dictionary's `>>`
# (`endstream` never matches: it is not preceded by `>>`).
# (a comment may stand between them; each runs to the end of its line). A comment's scan stops
# at the next `>>`, which is tried as a start in its turn: without that stop, every `>>` of a
# line such as `>>%>>%>>%...` would scan the rest of the line, and the search would take time
# growing with the square of the file's size. (Possessive: nothing is scanned twice.)
_STREAM = re.compile(rb">>(?:" + _WS + rb"|%(?:[^\r\n>]|>(?!>))*+[\r\n])*+stream(?:\r\n|\n|\r)")
_END_STREAM = re.compile(rb"(?:\r\n|\n|\r)?endstream")
_NAME_CHARS = rb"[^\x00\t\n\x0c\r /\[\]<>()%]"
# An array of filters holds only names: a scan for its `]` stops at anything else, so a head
# of `/Filter[/Filter[...` costs one pass, not one pass per `[`.
_FILTER = re.compile(
    rb"/Filter"
    + _WS
    + rb"*+(\[(?:"
    + _WS
    + rb"|/"
    + _NAME_CHARS
    + rb"++)*+\]|/"
    + _NAME_CHARS
    + rb"++|[0-9]+)"
)
_NAME = re.compile(rb"/(" + _NAME_CHARS + rb"+)")
_LENGTH = re.compile(rb"/Length" + _WS + rb"+([0-9]{1,10})(?!" + _WS + rb"+[0-9]+" + _WS + rb"+R)")
_OBJECT_STREAM = re.compile(rb"/Type" + _WS + rb"*/(?:ObjStm|XRef)(?![A-Za-z])")
_COUNT_N = re.compile(rb"/N" + _WS + rb"+([0-9]{1,10})(" + _WS + rb"+[0-9]+" + _WS + rb"+R)?")
# Every token of PDF syntax ends at white space or a delimiter: counting those bounds tokens.
_NOT_SEPARATORS = bytes(set(range(256)) - set(b"\x00\t\n\x0c\r []<>/()"))
_ASCII_HEX = {b"ASCIIHexDecode", b"AHx"}
_ASCII_85 = {b"ASCII85Decode", b"A85"}
_LZW = {b"LZWDecode", b"LZW"}
_RUN_LENGTH = {b"RunLengthDecode", b"RL"}

# What can act when the file is opened, or carries other files or programs, and goes.
# Only the entries that describe how the pages look stay on the catalog, the page-tree nodes
# and the pages: any other entry could point at an action or a file and keep it in the copy.
_CATALOG_KEYS_KEPT = frozenset({"/Type", "/Pages", "/Lang", "/PageLayout", "/PageMode"})
_TREE_KEYS_KEPT = frozenset(
    {"/Type", "/Parent", "/Kids", "/Count", "/Resources", "/MediaBox", "/CropBox", "/Rotate"}
)
_PAGE_KEYS_KEPT = frozenset(
    {
        "/Type",
        "/Parent",
        "/Resources",
        "/MediaBox",
        "/CropBox",
        "/BleedBox",
        "/TrimBox",
        "/ArtBox",
        "/Contents",
        "/Rotate",
        "/Group",
        "/UserUnit",
    }
)
_RESOURCE_SUBTYPES_TO_DROP = ("/PS",)  # PostScript XObjects run code in some printers
_TRAILER_KEYS_KEPT = frozenset({"/Root", "/Size", "/ID"})
# Entries that act or carry files, wherever they are found in what the pages still reach.
_ACTIVE_KEYS = frozenset(
    {
        "/AA",
        "/OpenAction",
        "/JS",
        "/JavaScript",
        "/EmbeddedFiles",
        "/EF",
        "/XFA",
        "/AcroForm",
        "/RichMediaContent",
        "/RichMediaSettings",
        "/Annots",
    }
)
_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/ResetForm",
        "/Rendition",
        "/GoToE",
        "/GoToR",
        "/RichMediaExecute",
        "/Sound",
        "/Movie",
        "/URI",
    }
)
# How the cleaned copy is searched for any of them (qpdf writes names in their plain spelling).
_ACTIVE_IN_OUTPUT = re.compile(
    rb"/(?:AA|OpenAction|JS|JavaScript|EmbeddedFiles?|EF|XFA|AcroForm|RichMedia\w*|Launch"
    rb"|ImportData|SubmitForm|ResetForm|Rendition|GoToE|GoToR|Sound|Movie|URI|Annots)"
    rb"(?![A-Za-z0-9#])"
)


class RejectedFile(ValueError):
    """The file is not an acceptable PDF; the message says why, for the resident."""


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes  # the cleaned copy: what is stored and passed on
    page_count: int


class Budget:
    """CPU seconds of this thread for one file, counted only while a check runs (not while it
    waits for its turn, nor for the malware scanner)."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds
        self.since = time.thread_time()

    def start(self) -> None:
        self.since = time.thread_time()

    def check(self) -> None:
        now = time.thread_time()
        self.left -= now - self.since
        self.since = now
        if self.left < 0:
            raise RejectedFile(_too_complex())


def _too_complex():
    return _l(
        "The PDF is too complex to check. Please save or print it as a simpler PDF "
        "(for example with “Print to PDF”) and attach that."
    )


def check_pdf(
    data: bytes,
    *,
    max_bytes: int,
    max_pages: int,
    max_objects: int = MAX_OBJECTS,
    max_decompressed_bytes: int = MAX_DECOMPRESSED_BYTES,
    cpu_seconds: float = CPU_SECONDS,
    scan_for_malware: bool = True,
) -> CheckedPdf:
    """Return the cleaned PDF and its page count, or raise RejectedFile with a reason a
    resident understands. With scan_for_malware, ClamAV looks at the file as sent when it is
    configured (app/testimony/malware.py)."""
    if not data:
        raise RejectedFile(_l("The file is empty."))
    if len(data) > max_bytes:
        raise RejectedFile(
            _l("The file is larger than %(limit)s MB.", limit=max_bytes // 1_000_000)
        )
    if not data.startswith(b"%PDF-"):
        raise RejectedFile(_l("The file is not a PDF. Only PDF files can be attached."))
    budget = Budget(cpu_seconds)  # the survey and the cleaning share it
    with _checks:
        budget.start()
        survey(
            data, max_objects=max_objects, max_decompressed=max_decompressed_bytes, budget=budget
        )
    if scan_for_malware:
        from app.testimony import malware

        malware.scan_upload(data)
    with _checks:
        budget.start()
        cleaned, page_count = _open_and_clean(data, max_pages=max_pages, budget=budget)
    return CheckedPdf(data=cleaned, page_count=page_count)


def survey(data: bytes, *, max_objects: int, max_decompressed: int, budget: Budget) -> None:
    """Refuse, from the raw bytes alone, a file that would cost too much to parse."""
    starts: list[int] = []
    ends: list[int] = []
    if data.count(b"obj") > 2 * max_objects + 1_000:  # `obj` and `endobj`, once per object
        raise RejectedFile(_too_many_parts())
    for found in _OBJ_KEYWORD.finditer(data):
        numbers = _OBJECT_NUMBERS.search(data, max(0, found.start() - 40), found.start())
        if numbers is None:
            continue
        starts.append(numbers.start())
        ends.append(found.end())
        if len(starts) > max_objects:
            raise RejectedFile(_too_many_parts())
    budget.check()
    objects = len(starts)
    expanded = 0
    tokens = 0
    streams = 0
    previous_end = 0
    for found in _STREAM.finditer(data):
        if found.start() < previous_end:
            continue  # `>> stream` inside the data of a stream already measured
        head_at = bisect.bisect_right(starts, found.start()) - 1
        # A stream's dictionary follows the previous stream's data: heads never overlap.
        head_from = max(ends[head_at] if head_at >= 0 else 0, previous_end)
        head = data[max(head_from, found.start() - 65_536) : found.start() + 2]
        begin = found.end()
        end = _stream_end(data, head, begin)
        tokens += _tokens(data, previous_end, begin)
        previous_end = end
        raw = data[begin:end]
        filters = _filters(head)
        packed = _OBJECT_STREAM.search(head) is not None
        if packed:
            count = _COUNT_N.search(head)
            if count is not None:
                if count.group(2):
                    raise RejectedFile(_damaged())
                objects += int(count.group(1))
            if objects > max_objects:
                raise RejectedFile(_too_many_parts())
        limit = MAX_OBJECT_STREAM_BYTES if packed else max_decompressed - expanded
        size, separators = _expanded_size(
            raw, filters, limit=limit, count_tokens=packed, budget=budget, after=(data, end)
        )
        if size > limit:
            raise RejectedFile(_too_large_inside(max_decompressed))
        expanded += size
        tokens += separators
        if expanded > max_decompressed:
            raise RejectedFile(_too_large_inside(max_decompressed))
        if tokens > MAX_TOKENS:
            raise RejectedFile(_too_many_parts())
        streams += 1
        if streams % 64 == 0 or size > MB:  # reading the CPU clock is a system call
            budget.check()
    tokens += _tokens(data, previous_end, len(data))
    if tokens > MAX_TOKENS:
        raise RejectedFile(_too_many_parts())
    budget.check()


def _stream_end(data: bytes, head: bytes, begin: int) -> int:
    declared = _LENGTH.search(head)
    if declared is not None:
        end = begin + int(declared.group(1))
        if _END_STREAM.match(data, end):
            return end
    # No usable length: the data runs to the next `endstream`, as qpdf finds it too.
    found = data.find(b"endstream", begin)
    return len(data) if found < 0 else found


def _tokens(data: bytes, start: int, end: int) -> int:
    if end <= start:
        return 0
    return len(data[start:end].translate(None, _NOT_SEPARATORS))


def _filters(head: bytes) -> list[bytes]:
    found = _FILTER.search(head)
    if found is None:
        return []
    value = found.group(1)
    if value[:1].isdigit():
        raise RejectedFile(_damaged())  # a filter held elsewhere: no honest writer does this
    return [_unescape(name) for name in _NAME.findall(value)]


def _unescape(name: bytes) -> bytes:
    # `/Fl#61teDecode` is `/FlateDecode`.
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)


def _expanded_size(
    raw: bytes,
    filters: list[bytes],
    *,
    limit: int,
    count_tokens: bool,
    budget: Budget,
    after: tuple[bytes, int],
) -> tuple[int, int]:
    """How many bytes the stream expands to (stopping past `limit`), and how many separators
    its expanded form holds when it is an object stream (whose objects qpdf parses)."""
    if any(name in _LZW for name in filters):
        return len(raw) * _LZW_WORST_RATIO, 0
    if any(name in _RUN_LENGTH for name in filters):
        return len(raw) * _RUN_LENGTH_WORST_RATIO, 0
    data = raw
    for name in filters:
        if name in _ASCII_HEX:
            cleaned = re.sub(rb"[\x00\t\n\x0c\r ]", b"", data).split(b">", 1)[0]
            try:
                data = binascii.unhexlify(cleaned + b"0" * (len(cleaned) % 2))
            except binascii.Error as error:
                raise RejectedFile(_damaged()) from error
        elif name in _ASCII_85:
            data = _ascii85_decoded(data, budget)
        else:
            break
    # Whatever the dictionary says, compressed data is expanded here: a lying /Filter (or one
    # spelled so this survey does not recognise it) hides nothing. Data that is not zlib (a
    # JPEG, say) fails on its first bytes.
    return _inflated_size(
        data,
        limit=limit,
        count_tokens=count_tokens,
        plain=len(data),
        budget=budget,
        after=after if data is raw else None,
    )


def _ascii85_decoded(data: bytes, budget: Budget) -> bytes:
    """base64.a85decode is Python code (some 5 MB a second): the data is decoded in pieces of
    whole 5-character groups, with the budget checked between them."""
    text = data.translate(None, b" \t\n\r\x0c\x00").split(b"~>", 1)[0].replace(b"z", b"!!!!!")
    pieces = []
    try:
        for start in range(0, len(text), 250_000):
            pieces.append(base64.a85decode(text[start : start + 250_000]))
            budget.check()
    except ValueError as error:
        raise RejectedFile(_damaged()) from error
    return b"".join(pieces)


def _inflated_size(
    data: bytes,
    *,
    limit: int,
    count_tokens: bool,
    plain: int,
    budget: Budget,
    after: tuple[bytes, int] | None,
) -> tuple[int, int]:
    """Expand zlib data until its own end. When the data stops before that (an `endstream`
    written inside the compressed data, with an indirect /Length a reader may follow past
    it), the bytes after it are fed on, 64 KB at a time, so nothing is hidden that way."""
    inflater = zlib.decompressobj()
    size = 0
    separators = 0
    rounds = 0
    pending = data
    following = memoryview(after[0])[after[1] :] if after is not None else memoryview(b"")
    try:
        while not inflater.eof:
            out = inflater.decompress(pending, 1 << 20)
            size += len(out)
            if count_tokens:
                separators += len(out.translate(None, _NOT_SEPARATORS))
            if size > limit:
                return size, separators
            rounds += 1
            if rounds % 8 == 0:
                budget.check()  # every 8 MB of output
            pending = inflater.unconsumed_tail
            if not out and not pending:
                if not following:
                    break  # the file ends before the compressed stream does
                pending, following = following[:65_536], following[65_536:]
    except zlib.error:
        if size == 0:  # not compressed with zlib: its bytes count as they are
            if count_tokens:
                separators = len(data.translate(None, _NOT_SEPARATORS))
            return plain, separators
    return size, separators


def _open_and_clean(data: bytes, *, max_pages: int, budget: Budget) -> tuple[bytes, int]:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise RejectedFile(_password()) from error
    except pikepdf.PdfError as error:
        log.info("attachment rejected: unreadable PDF (%s)", type(error).__name__)
        raise RejectedFile(_damaged()) from error
    with pdf:
        try:
            if pdf.is_encrypted:
                raise RejectedFile(_password())
            page_count = count_pages(pdf, max_pages=max_pages)
            budget.check()
            strip_active_content(pdf)
            budget.check()
            out = io.BytesIO()
            save_cleaned(pdf, out, budget=budget)
        except RejectedFile:
            raise
        except (pikepdf.PdfError, KeyError, TypeError, ValueError, AttributeError) as error:
            log.info("attachment rejected: unreadable PDF (%s)", type(error).__name__)
            raise RejectedFile(_damaged()) from error
    budget.check()
    return out.getvalue(), page_count


def count_pages(pdf: pikepdf.Pdf, *, max_pages: int) -> int:
    """Count the pages by walking the page tree, refusing a tree that is too deep, too wide,
    loops or has more than `max_pages` pages before qpdf builds its own list of them."""
    root = pdf.Root.get("/Pages")
    if not isinstance(root, pikepdf.Dictionary):
        raise RejectedFile(_damaged())
    pages = 0
    visited = 0
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[pikepdf.Object, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        visited += 1
        if depth > MAX_PAGE_TREE_DEPTH or visited > 2 * max_pages + 64:
            raise RejectedFile(_too_many_pages(max_pages))
        if not isinstance(node, pikepdf.Dictionary):
            raise RejectedFile(_damaged())
        if node.is_indirect:
            if node.objgen in seen:
                raise RejectedFile(_damaged())  # a loop, or a page listed twice
            seen.add(node.objgen)
        kids = node.get("/Kids")
        if kids is None and node.get("/Type") != "/Pages":
            pages += 1
            if pages > max_pages:
                raise RejectedFile(_too_many_pages(max_pages))
            continue
        if not isinstance(kids, pikepdf.Array):
            raise RejectedFile(_damaged())
        if len(kids) > max_pages + 64:
            raise RejectedFile(_too_many_pages(max_pages))
        stack.extend((kid, depth + 1) for kid in kids)
    if pages < 1:
        raise RejectedFile(_l("The PDF has no pages."))
    if len(pdf.pages) != pages:
        raise RejectedFile(_damaged())
    return pages


def strip_active_content(pdf: pikepdf.Pdf) -> None:
    """Remove what can act or hide other content: document scripts and open actions, named
    JavaScript and embedded files, forms (with XFA), outlines (their actions), and on each page
    annotations (links, widgets, attached files, media) after drawing what they show into the
    page, and page actions. Only the entries that describe the pages stay."""
    # What filled-in fields and stamps show becomes ordinary page content before they go.
    pdf.flatten_annotations("all")
    _keep_only(pdf.Root, _CATALOG_KEYS_KEPT)
    _keep_only(pdf.trailer, _TRAILER_KEYS_KEPT)
    nodes: set[tuple[int, int]] = set()
    for page in pdf.pages:
        _keep_only(page.obj, _PAGE_KEYS_KEPT)
        parent = page.obj.get("/Parent")
        for _ in range(MAX_PAGE_TREE_DEPTH + 1):
            if not isinstance(parent, pikepdf.Dictionary) or parent.objgen in nodes:
                break
            nodes.add(parent.objgen)
            _keep_only(parent, _TREE_KEYS_KEPT)
            parent = parent.get("/Parent")
        resources = page.obj.get("/Resources")
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        if isinstance(xobjects, pikepdf.Dictionary):
            for name in list(xobjects.keys()):
                item = xobjects[name]
                if (
                    isinstance(item, pikepdf.Stream)
                    and item.get("/Subtype") in _RESOURCE_SUBTYPES_TO_DROP
                ):
                    del xobjects[name]


def _keep_only(dictionary: pikepdf.Object, kept: frozenset[str]) -> None:
    for key in list(dictionary.keys()):
        if key not in kept:
            del dictionary[key]


def save_cleaned(pdf: pikepdf.Pdf, out, *, budget: Budget | None = None) -> None:
    """Write only what the cleaned pages reach (qpdf drops the rest), leaving every stream's
    data as it is, so no compressed data is expanded here; the same input gives the same
    bytes. Objects are written in the open (no object streams), so the copy can be searched
    for anything active that a resource still reaches; should anything be found, every object
    is cleaned of it and the copy written again."""
    first = io.BytesIO()
    _save(pdf, first)
    if _ACTIVE_IN_OUTPUT.search(first.getbuffer()) is None:
        out.write(first.getbuffer())
        return
    remove_active_everywhere(pdf, budget or Budget(CPU_SECONDS))
    _save(pdf, out)


def _save(pdf: pikepdf.Pdf, out) -> None:
    pdf.save(
        out,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        compress_streams=False,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        deterministic_id=True,
        fix_metadata_version=False,
    )


def remove_active_everywhere(pdf: pikepdf.Pdf, budget: Budget) -> None:
    """Clean every object of actions, scripts, embedded files and forms, wherever they hang."""
    for count, obj in enumerate(pdf.objects):
        if count % 200 == 0:
            budget.check()
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            _clean_dictionary(obj, depth=0)
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") in ("/EmbeddedFile",):
                obj.write(b"")
                del obj["/Type"]


def _clean_dictionary(obj: pikepdf.Object, *, depth: int) -> None:
    if depth > 16:
        return
    if obj.get("/S") in _ACTIVE_ACTIONS:
        _keep_only(obj, frozenset())
        return
    for key in list(obj.keys()):
        if key in _ACTIVE_KEYS:
            del obj[key]
            continue
        value = obj.get(key)
        if isinstance(value, pikepdf.Dictionary) and not value.is_indirect:
            _clean_dictionary(value, depth=depth + 1)
        elif isinstance(value, pikepdf.Array) and not value.is_indirect and len(value) < 4096:
            for item in value:
                if isinstance(item, pikepdf.Dictionary) and not item.is_indirect:
                    _clean_dictionary(item, depth=depth + 1)


def _damaged():
    return _l("The PDF could not be opened; it may be damaged.")


def _password():
    return _l("The PDF is password-protected. Please attach a copy without a password.")


def _too_many_pages(limit: int):
    return _l("The PDF has more than %(limit)s pages.", limit=limit)


def _too_many_parts():
    return _l(
        "The PDF is built from too many parts to check. Please save or print it as a simpler "
        "PDF (for example with “Print to PDF”) and attach that."
    )


def _too_large_inside(limit: int):
    return _l(
        "The PDF's contents expand to more than %(limit)s MB. Please attach a smaller file.",
        limit=limit // MB,
    )
