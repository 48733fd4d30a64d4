"""WTForms validators and filters shared by every form that takes text from people."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

_ALLOWED_CONTROLS_MULTILINE = {"\n", "\t"}


def normalise_newlines(value: str | None) -> str | None:
    """Browsers send CRLF; count and store a line break as one character."""
    if value is None:
        return None
    return value.replace("\r\n", "\n").replace("\r", "\n")


def strip_text(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class PlainText:
    """Refuse control characters (NUL and friends) that no person types and some databases reject.

    Right-to-left marks, zero-width joiners and emoji are text and are kept as written.
    """

    def __init__(self, *, multiline: bool = False) -> None:
        self.allowed = _ALLOWED_CONTROLS_MULTILINE if multiline else set()

    def __call__(self, form, field) -> None:
        value = field.data or ""
        for character in value:
            if character in self.allowed:
                continue
            if unicodedata.category(character) == "Cc" or character in "\ufffe\uffff":
                raise ValidationError(
                    _l("Remove the control characters (such as NUL) from this field.")
                )
            if 0xD800 <= ord(character) <= 0xDFFF:
                raise ValidationError(_l("This field contains characters that are not valid."))


class HasLettersOrDigits:
    """Refuse a value made only of punctuation, spaces or invisible characters."""

    def __init__(self, message=None) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        value = field.data or ""
        if value and not any(unicodedata.category(c)[0] in "LN" for c in value):
            raise ValidationError(self.message or _l("Enter letters or numbers here."))
