"""Spreadsheet cells that stay text: the guard every CSV and XLSX we write applies."""

from __future__ import annotations

import re

# What makes a spreadsheet program read a cell as a formula: =, +, -, @, a tab or a carriage
# return at the start, and the full-width forms some programs also accept (U+FF1D, U+FF0B,
# U+FF0D, U+FF20).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: str) -> str:
    """Make a cell read as text: a leading quote stops =, +, -, @ starting a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# What no cell can hold: XML 1.0 forbids most control characters and U+FFFE/U+FFFF, and a lone
# surrogate cannot be written as UTF-8. Forms refuse all of them; old data may still have some,
# and one such character must not make the whole export fail.
_NOT_IN_A_CELL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def printable(value: str) -> str:
    """The value without the characters no cell can hold."""
    return _NOT_IN_A_CELL.sub("", value)
