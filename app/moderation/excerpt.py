"""The first lines of a testimony, for the queue: cut on the server where a reader would.

A cut never falls inside what a reader sees as one character (a letter and its accents, an
emoji with its skin tone or its family joined by zero-width joiners, a flag, a Hangul syllable
spelt in parts, an Indic conjunct), prefers the end of a word, and closes any right-to-left
embedding or isolate the kept part opened, so the ellipsis and the rest of the row read in the
row's own direction.

Python's standard library has no grapheme segmentation (UAX #29), so `_is_boundary` applies its
rules from character categories, erring towards "not a boundary": a cut may come a character
early, never inside a cluster.
"""

from __future__ import annotations

import unicodedata

EXCERPT_LENGTH = 180  # characters: about four lines of a row on a laptop, six on a phone
ELLIPSIS = "\u2026"

# Characters that join the one after them (UAX #29 Prepend): Arabic number signs and the like.
_PREPEND = frozenset(
    [
        *range(0x0600, 0x0606),
        *(0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x0D4E, 0x110BD, 0x110CD, 0x111C2, 0x111C3),
        *(0x1193F, 0x11941, 0x11A3A, *range(0x11A84, 0x11A8A), 0x11D46, 0x11F02),
    ]
)
_ZWJ = 0x200D

# Explicit direction controls: embeddings/overrides end with PDF, isolates with PDI.
_OPENS_EMBEDDING = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO
_CLOSES_EMBEDDING = "\u202c"  # PDF
_OPENS_ISOLATE = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI
_CLOSES_ISOLATE = "\u2069"  # PDI


def excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """The start of `text` on one line, at most `limit` characters plus an ellipsis when cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return _balanced(flat)
    cut = limit
    while cut > 0 and not _is_boundary(flat, cut):
        cut -= 1
    # Prefer the end of a word, unless that throws away much of the room.
    space = flat.rfind(" ", 0, cut + 1)
    if space > limit * 0.6 and _is_boundary(flat, space):
        cut = space
    return _balanced(flat[:cut].rstrip()) + ELLIPSIS


def _balanced(text: str) -> str:
    """`text` with the direction controls it leaves open closed at its end."""
    stack: list[str] = []
    for character in text:
        if character in _OPENS_EMBEDDING:
            stack.append(_CLOSES_EMBEDDING)
        elif character == _CLOSES_EMBEDDING:
            if stack and stack[-1] == _CLOSES_EMBEDDING:
                stack.pop()
        elif character in _OPENS_ISOLATE:
            stack.append(_CLOSES_ISOLATE)
        elif character == _CLOSES_ISOLATE and _CLOSES_ISOLATE in stack:
            # A PDI closes its isolate and every embedding opened inside it.
            while stack.pop() != _CLOSES_ISOLATE:
                pass
    return text + "".join(reversed(stack))


def _is_boundary(text: str, at: int) -> bool:
    """Whether a reader's character may end just before text[at] (conservatively)."""
    if at <= 0 or at >= len(text):
        return True
    before, after = ord(text[at - 1]), ord(text[at])
    if text[at - 1] == "\r" and text[at] == "\n":
        return False
    if _extends(text[at]) or after == _ZWJ:
        return False  # accents, variation selectors, skin tones, tags, spacing marks
    if before in _PREPEND or before == _ZWJ:
        return False  # an emoji joined to the next, an Arabic number sign to its digits
    if _is_regional_indicator(after) and _is_regional_indicator(before):
        run = 0
        while at - run - 1 >= 0 and _is_regional_indicator(ord(text[at - run - 1])):
            run += 1
        return run % 2 == 0  # flags are pairs: only between two pairs
    if not _hangul_may_break(before, after):
        return False
    # An Indic virama joins the consonant after it into one conjunct.
    return not (unicodedata.combining(text[at - 1]) == 9 and unicodedata.category(text[at]) == "Lo")


def _extends(character: str) -> bool:
    code = ord(character)
    return (
        unicodedata.category(character) in ("Mn", "Me", "Mc")
        or code == 0x200C  # zero-width non-joiner
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (the flags of England, Scotland)
        or 0xFF9E <= code <= 0xFF9F  # half-width katakana sound marks
        or code in (0x0E33, 0x0EB3)  # Thai and Lao sara am: spacing marks filed as letters
    )


def _is_regional_indicator(code: int) -> bool:
    return 0x1F1E6 <= code <= 0x1F1FF


def _hangul(code: int) -> str:
    """The jamo kind of a Hangul character: L, V, T, LV, LVT, or "" for anything else."""
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _hangul_may_break(before: int, after: int) -> bool:
    first, second = _hangul(before), _hangul(after)
    if first == "L" and second in ("L", "V", "LV", "LVT"):
        return False
    if first in ("LV", "V") and second in ("V", "T"):
        return False
    return not (first in ("LVT", "T") and second == "T")
