"""Text on PDF pages: the fonts we ship, per-character fallback, right-to-left text, wrapping.

Everything is drawn with ReportLab's canvas, never through its paragraph mark-up, so resident
text is printed character for character and cannot be read as mark-up. Every string is kept in
the order it was typed (wrapped, cut and measured that way) until draw_text() prints it, and
draw_text() is the only place that puts text on a page: it passes each line through
visual_line() (Arabic letters joined, then the Unicode bidi algorithm, UAX #9), so Hebrew and
Arabic read correctly and copy out of the PDF in the order they were typed, wherever the
string is printed: cover, tallies, contents, running header, testimony or speaker list.

Bookmarks and document properties are not drawn: a PDF reader lays them out with its own bidi
algorithm, so they keep the order typed (see pdf/stream.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from unicodedata import bidirectional

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from bidi.mirror import MIRRORED
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
# The regular face again, every character it is asked for drawn as nothing (zero width): what
# an emoji sequence adds to its first emoji (skin tone, the people joined to it) still copies
# out as typed but is not printed as a second picture or an empty box.
HIDDEN = "OpenTestimonyHidden"
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
# Embeddings, overrides, isolates and marks: they steer the bidi algorithm and are not printed.
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None
)
_EXPLICIT = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
# L1: reset to the paragraph's level when they end a line or come before a tab.
_TRAILING = frozenset({"WS", "BN", *_EXPLICIT})
ZWJ = "\u200d"
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_TAGS = range(0xE0020, 0xE0080)
_REGIONAL = range(0x1F1E6, 0x1F200)
_KEYCAP = 0x20E3
_SEQUENCE_PARTS = frozenset([ord(ZWJ), 0xFE0E, 0xFE0F, _KEYCAP, *_SKIN_TONES, *_TAGS])
_ISOLATE_MARKS = dict.fromkeys(range(0x2066, 0x206A), None)
_EXPLICIT_CHARACTERS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ARABIC_LETTERS = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")


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
    bold: frozenset[int]
    symbols: frozenset[int]


@cache
def fonts() -> Coverage:
    """Register the shipped fonts once per process and say which characters each can draw."""
    regular = TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf"))
    bold = TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    symbols = TTFont(SYMBOLS, str(FONT_DIR / "SymbolaEmoji.ttf"))
    hidden = TTFont(HIDDEN, str(FONT_DIR / "DejaVuSans.ttf"))  # a face of its own to change
    for font in (regular, bold):
        _letters_for_flags(font.face)
    hidden.face.charToGlyph = {}
    hidden.face.charWidths = {}
    for font in (regular, bold, symbols, hidden):
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    pdfmetrics.registerFont(UnicodeCIDFont(KOREAN))
    return Coverage(
        regular=frozenset(regular.face.charToGlyph),
        bold=frozenset(bold.face.charToGlyph),
        symbols=frozenset(symbols.face.charToGlyph),
    )


def _letters_for_flags(face) -> None:
    """Draw a flag's two regional indicator letters as the capital letters they stand for
    ("🇺🇸" prints as US): no shipped font has flags, and the characters still copy out."""
    for offset, code in enumerate(_REGIONAL[:26]):
        face.charToGlyph[code] = face.charToGlyph[ord("A") + offset]
        face.charWidths[code] = face.charWidths[ord("A") + offset]


def _hide(code: int) -> None:
    face = pdfmetrics.getFont(HIDDEN).face
    if code not in face.charToGlyph:
        face.charToGlyph[code] = pdfmetrics.getFont(REGULAR).face.charToGlyph[0x200B]
        face.charWidths[code] = 0


def _in(code: int, ranges) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _keep_copyable(font: str, code: int) -> None:
    """Let a font carry a character it has no glyph for: drawn as its empty box, it still
    copies out and is read aloud as typed. (ReportLab would write it as U+0000 and lose it.)"""
    face = pdfmetrics.getFont(font).face
    if code not in face.charToGlyph:
        face.charToGlyph[code] = 0


def _is_emoji(char: str) -> bool:
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or (
        0x2300 <= code <= 0x2BFF and unicodedata.category(char) == "So"
    )


def _emoji_extras(text: str) -> list[bool]:
    """Which characters only modify or join onto an emoji before them: skin tones, variation
    selectors, keycap frames, tags, and everything after a zero-width joiner in a sequence.

    The fonts have no pictures for sequences, and drawn one by one a family would print as
    three people and a skin tone as a colour swatch; so each sequence prints as its first emoji
    (a keycap as its digit), and the rest is kept for copying out but drawn as nothing.
    """
    hidden = [False] * len(text)
    in_emoji = after_joiner = False
    for index, char in enumerate(text):
        code = ord(char)
        if char == ZWJ and in_emoji:
            hidden[index] = after_joiner = True
        elif code in _SKIN_TONES or code in _TAGS or code in (0xFE0E, 0xFE0F, _KEYCAP):
            hidden[index] = True
        elif _is_emoji(char):
            hidden[index] = after_joiner
            in_emoji, after_joiner = True, False
        else:
            in_emoji = after_joiner = False
    return hidden


def font_runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """Split text into (font, piece) runs so that each character is drawn by a font that has it."""
    coverage = fonts()
    main, covered = (BOLD, coverage.bold) if bold else (REGULAR, coverage.regular)
    codes = set(map(ord, text))
    if covered.issuperset(codes) and codes.isdisjoint(_SEQUENCE_PARTS):
        return [(main, text)]
    runs: list[tuple[str, str]] = []
    for char, hidden in zip(text, _emoji_extras(text), strict=True):
        code = ord(char)
        if hidden:
            font = HIDDEN
            _hide(code)
        elif code in covered:
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
        if font not in (CJK, KOREAN, HIDDEN):
            _keep_copyable(font, code)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


# -- right-to-left text --------------------------------------------------------------------------


@cache
def _reshaper() -> ArabicReshaper:
    """Arabic letters in their joined forms, keeping vowel marks, with only the ligatures the
    shipped fonts can draw (the default "Allah" ligature, U+FDF2, is not in DejaVu Sans)."""
    coverage = fonts()
    drawable = coverage.regular & coverage.bold
    config: dict[str, bool] = {"delete_harakat": False}
    for name, (_match, forms) in LIGATURES:
        if not all(ord(form) in drawable for form in chain(*forms) if form):
            config[name] = False  # otherwise as the library sets it
    return ArabicReshaper(configuration=config)


def _has_rtl(text: str) -> bool:
    return _RTL.search(text) is not None


def isolated(text: str) -> str:
    """A value set into a sentence or line of ours, fenced off as a first-strong isolate (UAX
    #9) when it holds right-to-left text: its direction neither takes over the line nor pulls
    in the punctuation around it, so "OT-1  محمد العلي, תל אביב (Support)" keeps its English
    order with each name reading right to left. Not printed; bookmarks drop it (pdf/stream.py).

    Isolate marks typed into the value are dropped, so it cannot close the fence early; an
    embedding or override typed into it (U+202E, say) ends at the fence and cannot turn the
    rest of our line around.
    """
    text = text.translate(_ISOLATE_MARKS)
    if _has_rtl(text) or _EXPLICIT_CHARACTERS.search(text):
        return f"\u2068{text}\u2069"
    return text


def base_direction(text: str) -> str:
    """ "R" when the text's first strong character outside any isolate is right-to-left (UAX #9,
    P2-P3), else "L": a line of ours with names isolated in it stays left-to-right."""
    if not _has_rtl(text):
        return "L"
    depth = 0
    for char in text:
        kind = bidirectional(char)
        if kind in ("LRI", "RLI", "FSI"):
            depth += 1
        elif kind == "PDI":
            depth = max(depth - 1, 0)
        elif depth == 0 and kind in ("L", "R", "AL"):
            return "L" if kind == "L" else "R"
    return "L"


def _levels(text: str, base: str) -> list[int] | None:
    """The bidi algorithm's resolved embedding level of each character.

    python-bidi (the Rust unicode-bidi crate) resolves levels to UAX #9 as of today, isolates and
    bracket pairs included, but only reorders: it neither mirrors brackets (L4) nor keeps marks
    after their letters (L3). It shows its levels, one per UTF-8 byte, in its debug output, which
    is read here; None if that output ever changes shape (then lines are reordered unmirrored).
    """
    info = get_display(text, base_dir=base, debug=True)
    _before, found, after = info.partition("\n    levels: [")
    section = after.partition("]")[0]  # "Level(\n 1,\n ),", one a byte
    try:  # split, not a regular expression: three times quicker on these long outputs
        per_byte = [int(part.partition(",")[0]) for part in section.split("Level(")[1:]]
    except ValueError:
        return None
    encoded = text.encode("utf-8")
    if not found or len(per_byte) != len(encoded):
        return None
    # Each character's level is its first byte's: the bytes that are not 10xxxxxx.
    return [level for level, byte in zip(per_byte, encoded, strict=True) if byte & 0xC0 != 0x80]


def _clusters(text: str) -> list[str]:
    """Characters that must stay together, in typed order, when a run is reversed: a letter
    and its marks, an emoji and its modifiers and joined emoji, a flag's two letters."""
    clusters: list[str] = []
    for char in text:
        code = ord(char)
        previous = clusters[-1] if clusters else ""
        joins = bool(previous) and (
            bidirectional(char) == "NSM"
            or char == ZWJ
            or code in _SKIN_TONES
            or code in _TAGS
            or (previous.endswith(ZWJ) and _is_emoji(char))
            or (code in _REGIONAL and len(previous) == 1 and ord(previous) in _REGIONAL)
        )
        if joins and bidirectional(char) not in _EXPLICIT:
            clusters[-1] = previous + char
        else:
            clusters.append(char)
    return clusters


def joined(text: str) -> str:
    """Arabic letters in their joined forms, still in the order typed (idempotent: the joined
    forms are left as they are). Joining never crosses a space, so words can be joined alone."""
    if _ARABIC_LETTERS.search(text):
        return _reshaped(text)
    return text  # not cached: a cache would only keep every paragraph of a hearing alive


# Bounded by count, and holding Arabic only: whole paragraphs pass through here (up to a
# testimony's length), joined once for measuring and again, if still held, for drawing.
@lru_cache(maxsize=2_000)
def _reshaped(text: str) -> str:
    return _reshaper().reshape(text)


def visual_line(text: str, base: str | None = None) -> str:
    """One line, as typed, turned into the characters to draw from left to right.

    Arabic letters take their joined forms; the line is then laid out by the Unicode bidi
    algorithm (UAX #9: levels, L1 at the line's end, L2 reordering, L3 marks after their
    letters, L4 mirrored brackets) in the paragraph direction `base` ("L" or "R"; by default
    found from the line itself); the controls that steered it are not printed. Every string in
    every PDF is drawn through this function, by draw_text().
    """
    if not _has_rtl(text) and not _EXPLICIT_CHARACTERS.search(text):
        return text  # the common case, as cheap as two searches and never cached
    return _bidi_line(text, base)


# Bounded: a running header comes back on every page; testimony lines rarely repeat.
@lru_cache(maxsize=4_096)
def _bidi_line(text: str, base: str | None) -> str:
    text = joined(text)
    base = base or base_direction(text)
    levels = _levels(text, base)
    if levels is None:
        return get_display(text, base_dir=base).translate(_BIDI_CONTROLS)
    base_level = 1 if base == "R" else 0
    trailing = True
    for index in range(len(text) - 1, -1, -1):  # L1
        kind = bidirectional(text[index])
        if kind in ("S", "B"):
            levels[index], trailing = base_level, True
        elif trailing and kind in _TRAILING:
            levels[index] = base_level
        else:
            trailing = False
    clusters, at = [], 0
    for cluster in _clusters(text):
        clusters.append((levels[at], cluster))
        at += len(cluster)
    highest = max(level for level, _c in clusters)
    lowest_odd = min((level for level, _c in clusters if level % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):  # L2, a cluster at a time (L3)
        index = 0
        while index < len(clusters):
            if clusters[index][0] < level:
                index += 1
                continue
            end = index
            while end < len(clusters) and clusters[end][0] >= level:
                end += 1
            clusters[index:end] = clusters[index:end][::-1]
            index = end
    drawn = "".join(
        "".join(MIRRORED.get(c, c) for c in cluster) if level % 2 else cluster  # L4
        for level, cluster in clusters
    )
    return drawn.translate(_BIDI_CONTROLS)


# -- measuring, wrapping and drawing, all in the order typed --------------------------------------


# Bounded: the words of a large hearing would otherwise fill memory as they are met.
@lru_cache(maxsize=20_000)
def _unit_width(text: str, bold: bool) -> float:
    return sum(
        pdfmetrics.stringWidth(piece, font, 1.0)
        # Joined but not reordered: the order of a line does not change its width, and
        # measuring stays cheap for the many prefixes tried when a long word is broken.
        for font, piece in font_runs(joined(text).translate(_BIDI_CONTROLS), bold)
    )


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide text (as typed) is printed: its joined Arabic forms and fonts as drawn."""
    return _unit_width(text, bold) * size


def clean(text: str) -> str:
    """Text as typed, minus control characters that would upset a PDF reader (not newlines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return _UNPRINTABLE.sub("", text)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[tuple[str, str]]:
    """Break text into lines no wider than width, in the order typed: (line, direction of its
    paragraph, "R" or "L"). Right-to-left paragraphs are printed right-aligned."""
    lines: list[tuple[str, str]] = []
    for paragraph in clean(text).split("\n"):
        paragraph = joined(paragraph)  # once, before its words are measured
        base = base_direction(paragraph)
        lines.extend((line, base) for line in _wrap_paragraph(paragraph, width, size, bold))
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
        if word_width > width:  # a word longer than the line: break it between characters
            # (the rest is not measured whole after each cut: it may be 10,000 characters)
            while (cut := _fitting_prefix(word, width, size, bold)) < len(word):
                lines.append(word[:cut])
                word = word[cut:]
            word_width = text_width(word, size, bold)
        current, current_width, started = word, word_width, True
    lines.append(current)
    return lines


def _fitting_prefix(word: str, width: float, size: float, bold: bool) -> int:
    """How many characters of word (at least one) fit in width. The prefixes tried double in
    length until one does not fit, then halve: a line cut from a word of 10,000 characters
    measures about as many characters as the line holds, not the whole word each time."""
    low, high = 1, len(word)
    while low < high:
        probe = min(2 * low, high)
        if text_width(word[:probe], size, bold) > width:
            high = probe - 1
            break
        low = probe
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(word[:middle], size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def truncate(text: str, width: float, size: float, bold: bool = False) -> str:
    """One line of at most width, ending in an ellipsis when cut (for contents and headers).
    Cut in the order typed, so a right-to-left name loses its last letters, not its first."""
    text = " ".join(clean(text).split())
    if text_width(text, size, bold) <= width:
        return text
    cut = _fitting_prefix(text, width - text_width("…", size, bold), size, bold)
    return text[:cut].rstrip() + "…"


def draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    bold: bool = False,
    *,
    base: str | None = None,
) -> None:
    """Draw one line of text, as typed, starting at x: the only way text reaches a page.

    The line goes through visual_line() (joined Arabic, bidi order in paragraph direction
    `base`, found from the line when None), then each piece is set in a font that has it.
    """
    runs = font_runs(visual_line(text, base), bold)
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

    def line(
        self,
        text: str,
        style: Style,
        *,
        x: float = 0.0,
        right: bool = False,
        base: str | None = None,
    ) -> None:
        """Write one line (as typed) that is known to fit and move down."""
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
        draw_text(self.canvas, left, baseline, text, style.size, style.bold, base=base)

    def paragraph(self, text: str, style: Style = BODY, *, indent: float = 0.0) -> None:
        """Wrapped text; a right-to-left paragraph is right-aligned."""
        width = self.width - indent
        for line, direction in wrap(text, width, style.size, style.bold):
            if direction == "R":
                self.line(line, style, right=True, base=direction)
            else:
                self.line(line, style, x=indent, base=direction)

    def field(self, label: str, value: str, *, label_width: float = 110.0) -> None:
        """A labelled value: the label on the left, the value wrapped beside it."""
        width = self.width - label_width
        for index, (line, direction) in enumerate(wrap(value, width, BODY.size)):
            self.ensure(BODY.leading)
            if index == 0 and not self.dry:
                self.canvas.setFillGray(0.35)
                draw_text(self.canvas, MARGIN, self.y - BODY.leading + 3, label, LABEL.size, True)
            x = label_width
            if direction == "R":
                x = self.width - text_width(line, BODY.size)
            self.line(line, BODY, x=x, base=direction)

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
