"""Text on PDF pages: the fonts we ship, per-character fallback, right-to-left text, wrapping.

Everything is drawn with ReportLab's canvas, never through its paragraph mark-up, so resident
text is printed character for character and cannot be read as mark-up. Wrapping happens in
logical order; each finished line is then put into visual order (Unicode bidi algorithm), which
is how Hebrew and Arabic read correctly and copy out of the PDF in the order they were typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import arabic_reshaper
from bidi import get_base_level, get_display
from reportlab import rl_config
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(__file__).with_name("fonts")
REGULAR = "OpenTestimonySans"
BOLD = "OpenTestimonySans-Bold"
SYMBOLS = "OpenTestimonySymbols"
# Adobe's CID fonts for Chinese and Japanese, and for Korean: readers supply them, so they are
# not embedded and the packet stays small; without them the characters still copy out.
CJK = "STSong-Light"
KOREAN = "HYSMyeongJo-Medium"

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 72.0
TOP = PAGE_HEIGHT - MARGIN
BOTTOM = MARGIN

# Hebrew, Arabic, Syriac, Thaana, NKo ... and the Hebrew and Arabic presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
# Control characters (not newline or tab), lone surrogates and private-use characters.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FFFF))
_HANGUL_RANGES = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode map with characters beyond U+FFFF written as UTF-16 pairs.

    ReportLab writes such code points as five hex digits, which readers cut to four, so an
    emoji copied out of the packet came out as a different character.
    """
    entries = [
        "<%02X> <%s>" % (code, chr(value).encode("utf-16-be").hex().upper())  # noqa: UP031
        for code, value in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({fontname}) /Ordering ({fontname}) /Supplement 0 >> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            "<00> <%02X>" % (len(subset) - 1),
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap
# Compressed streams as binary: ASCII85 only makes files bigger and slower to write.
rl_config.useA85 = 0


@dataclass(frozen=True)
class Coverage:
    regular: frozenset[int]
    symbols: frozenset[int]


@cache
def fonts() -> Coverage:
    """Register the shipped fonts once per process and say which characters each can draw."""
    regular = TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf"))
    symbols = TTFont(SYMBOLS, str(FONT_DIR / "SymbolaEmoji.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(symbols)
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    pdfmetrics.registerFont(UnicodeCIDFont(KOREAN))
    return Coverage(
        regular=frozenset(regular.face.charToGlyph), symbols=frozenset(symbols.face.charToGlyph)
    )


def _in(code: int, ranges) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _keep_copyable(font: str, code: int) -> None:
    """Let a font carry a character it has no glyph for: drawn as its empty box, it still
    copies out and is read aloud as typed. (ReportLab would write it as U+0000 and lose it.)"""
    face = pdfmetrics.getFont(font).face
    if code not in face.charToGlyph:
        face.charToGlyph[code] = 0


def font_runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """Split text into (font, piece) runs so that each character is drawn by a font that has it."""
    coverage = fonts()
    main = BOLD if bold else REGULAR
    if coverage.regular.issuperset(map(ord, text)):
        return [(main, text)]
    runs: list[tuple[str, str]] = []
    for char in text:
        code = ord(char)
        if code in coverage.regular:
            font = main
        elif code in coverage.symbols:
            font = SYMBOLS
        elif _in(code, _HANGUL_RANGES):
            font = KOREAN
        elif _in(code, _CJK_RANGES):
            font = CJK
        elif unicodedata.category(char) in ("Mn", "Me", "Cf") and runs:
            font = runs[-1][0]  # joiners and variation selectors stay with what they modify
        else:
            font = main
        if font not in (CJK, KOREAN):
            _keep_copyable(font, code)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


# Bounded: the words of a large hearing would otherwise fill memory as they are met.
@lru_cache(maxsize=20_000)
def _unit_width(text: str, bold: bool) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, 1.0) for font, piece in font_runs(text, bold))


def text_width(text: str, size: float, bold: bool = False) -> float:
    return _unit_width(text, bold) * size


def clean(text: str) -> str:
    """Text as typed, minus control characters that would upset a PDF reader (not newlines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _UNPRINTABLE.sub("", text)


def _has_rtl(text: str) -> bool:
    return _RTL.search(text) is not None


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[tuple[str, bool]]:
    """Break text into lines no wider than width: (line in visual order, right-aligned?)."""
    lines: list[tuple[str, bool]] = []
    for paragraph in clean(text).split("\n"):
        rtl = _has_rtl(paragraph)
        if rtl:
            paragraph = arabic_reshaper.reshape(paragraph)  # joined letter forms
        right_to_left = rtl and get_base_level(paragraph) == 1
        for line in _wrap_paragraph(paragraph, width, size, bold):
            if rtl:
                base = "R" if right_to_left else "L"
                line = get_display(line, base_dir=base).translate(_BIDI_CONTROLS)
            lines.append((line, right_to_left))
    return lines


def _wrap_paragraph(paragraph: str, width: float, size: float, bold: bool) -> list[str]:
    space = text_width(" ", size, bold)
    lines: list[str] = []
    current, current_width, started = "", 0.0, False
    for word in paragraph.split(" "):
        word_width = text_width(word, size, bold)
        if started and current_width + space + word_width <= width:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if started:
            lines.append(current)
        while word_width > width:  # a word longer than the line: break it between characters
            cut = _fitting_prefix(word, width, size, bold)
            lines.append(word[:cut])
            word = word[cut:]
            word_width = text_width(word, size, bold)
        current, current_width, started = word, word_width, True
    lines.append(current)
    return lines


def _fitting_prefix(word: str, width: float, size: float, bold: bool) -> int:
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(word[:middle], size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def truncate(text: str, width: float, size: float, bold: bool = False) -> str:
    """One line of at most width, ending in an ellipsis when cut (for contents and headers)."""
    text = " ".join(clean(text).split())
    if text_width(text, size, bold) <= width:
        return text
    cut = _fitting_prefix(text, width - text_width("…", size, bold), size, bold)
    return text[:cut].rstrip() + "…"


def draw_text(canvas: Canvas, x: float, y: float, text: str, size: float, bold: bool = False):
    """Draw one line (already in visual order) starting at x, switching fonts as needed."""
    runs = font_runs(text, bold)
    if len(runs) == 1:
        canvas.setFont(runs[0][0], size)
        canvas.drawString(x, y, text)
        return
    line = canvas.beginText(x, y)
    for font, piece in runs:
        line.setFont(font, size)
        line.textOut(piece)
    canvas.drawText(line)


@dataclass(frozen=True)
class Style:
    size: float = 10.5
    leading: float = 14.0
    bold: bool = False
    grey: bool = False


BODY = Style()
SMALL = Style(size=9, leading=12)
LABEL = Style(size=9, leading=12, bold=True, grey=True)
HEADING = Style(size=14, leading=19, bold=True)
TITLE = Style(size=20, leading=26, bold=True)


class _NullCanvas:
    """Stands in for the canvas when only measuring: every drawing call does nothing."""

    def __getattr__(self, name: str):
        return self._nothing

    def _nothing(self, *args, **kwargs):
        return self


Furniture = Callable[[Canvas, int], None]


class PageWriter:
    """A cursor down letter-size pages, starting a new page when the next line does not fit.

    With target=None nothing is drawn and the writer only counts pages, following exactly the
    same breaks, so a packet's page numbers are known before a page of it is printed.
    """

    def __init__(self, target, *, title: str = "", furniture: Furniture | None = None) -> None:
        fonts()
        self.dry = target is None
        if self.dry:
            self.canvas = _NullCanvas()
        else:
            self.canvas = Canvas(target, pagesize=LETTER, invariant=1, pageCompression=1)
            self.canvas.setTitle(title)
            self.canvas.setCreator("OpenTestimony")
        self.furniture = furniture
        self.number = 1  # the number printed on the current page
        self.y = TOP
        self.pages = 1
        self.blank = True
        self.width = PAGE_WIDTH - 2 * MARGIN

    def _close_page(self) -> None:
        if self.furniture is not None and not self.dry:
            self.furniture(self.canvas, self.number)
        self.canvas.showPage()
        self.number += 1

    def new_page(self) -> None:
        self._close_page()
        self.pages += 1
        self.y = TOP
        self.blank = True

    def start_page(self) -> None:
        """Make the next thing written start at the top of a page."""
        if not self.blank:
            self.new_page()

    def ensure(self, height: float) -> None:
        if self.y - height < BOTTOM and not self.blank:
            self.new_page()

    def space(self, height: float) -> None:
        self.y -= height

    def line(self, text: str, style: Style, *, x: float = 0.0, right: bool = False) -> None:
        """Write one line that is known to fit (visual order) and move down."""
        self.ensure(style.leading)
        self.y -= style.leading
        self.blank = False
        if self.dry:
            return
        left = MARGIN + x
        if right:
            left = MARGIN + self.width - text_width(text, style.size, style.bold)
        self.canvas.setFillGray(0.35 if style.grey else 0)
        baseline = self.y + (style.leading - style.size) / 2
        draw_text(self.canvas, left, baseline, text, style.size, style.bold)

    def paragraph(self, text: str, style: Style = BODY, *, indent: float = 0.0) -> None:
        width = self.width - indent
        for line, right_to_left in wrap(text, width, style.size, style.bold):
            if right_to_left:
                self.line(line, style, right=True)
            else:
                self.line(line, style, x=indent)

    def field(self, label: str, value: str, *, label_width: float = 110.0) -> None:
        """A labelled value: the label on the left, the value wrapped beside it."""
        width = self.width - label_width
        for index, (line, right_to_left) in enumerate(wrap(value, width, BODY.size)):
            self.ensure(BODY.leading)
            if index == 0 and not self.dry:
                self.canvas.setFillGray(0.35)
                draw_text(self.canvas, MARGIN, self.y - BODY.leading + 3, label, LABEL.size, True)
            x = label_width
            if right_to_left:
                x = self.width - text_width(line, BODY.size)
            self.line(line, BODY, x=x)

    def cells(self, columns: tuple[float, ...], values: tuple[str, ...], style: Style) -> None:
        """One table row, each value cut to its column; numbers (third column on) right-aligned."""
        self.ensure(style.leading)
        self.y -= style.leading
        self.blank = False
        edges = (*columns[1:], self.width)
        for index, (left, right, value) in enumerate(zip(columns, edges, values, strict=True)):
            text = truncate(value, right - left - 8, style.size, style.bold)
            x = left
            if index >= 2:
                x = right - 8 - text_width(text, style.size, style.bold)
            self.canvas.setFillGray(0.35 if style.grey else 0)
            draw_text(self.canvas, MARGIN + x, self.y + 3, text, style.size, style.bold)

    def rule(self) -> None:
        self.ensure(8)
        self.y -= 4
        self.canvas.setStrokeGray(0.6)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(MARGIN, self.y, MARGIN + self.width, self.y)
        self.y -= 4

    def finish(self) -> int:
        """Write the file (unless only measuring) and return its page count."""
        self._close_page()
        if not self.dry:
            self.canvas.save()
        return self.pages
