"""File names that are only a name on every system, for files handed to staff and committees."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"_{2,}")
_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {f"{k}{n}" for k in ("COM", "LPT") for n in range(1, 10)}


def _plain(text: str) -> str:
    """Letters, digits and their accents and vowel marks, '-', '_' and spaces; the rest '_'.
    A mark stays only on a letter or digit kept: the variation selector of an emoji that
    became '_' would otherwise begin the name, unseen."""
    kept: list[str] = []
    for c in text:
        mark = _is_mark(c)
        on_letter = bool(kept) and (kept[-1].isalnum() or _is_mark(kept[-1]))
        kept.append(c if c.isalnum() or c in "-_ " or (mark and on_letter) else "_")
    return _SEPARATORS.sub("_", "".join(kept))


def _is_mark(c: str) -> bool:
    return unicodedata.category(c) in ("Mn", "Mc")


def safe_file_name(name: str, *, fallback: str = "attachment", limit: int = 80) -> str:
    """A file name that is only a name on every system: no folders, no control characters,
    no dots but the one before the extension, nothing Windows reserves, at most `limit`
    characters."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = "".join(c for c in extension if c.isascii() and c.isalnum())[:10]
    stem = _plain(stem).strip(" _-") or fallback
    if stem.upper() in _DEVICES:
        stem = f"_{stem}"
    stem = stem[: limit - len(extension) - 1].rstrip(" _-") or fallback
    return f"{stem}.{extension}" if extension else stem


def attachment_file_name(index: int, original: str) -> str:
    """`<n>-<safe name>.pdf` whatever the resident called the file: the file is always the
    cleaned PDF, so `app.py` becomes `1-app_py.pdf` and `passwd` `1-passwd.pdf`."""
    name = unicodedata.normalize("NFKC", original).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() == "pdf":
        name = stem
    stem = safe_file_name(name.replace(".", "_"), fallback="attachment", limit=76)
    return f"{index}-{stem}.pdf"
