"""WTForms validators and filters shared by every form that takes text from people."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length, ValidationError

# Control characters (Unicode category Cc is exactly these two ranges), the two noncharacters
# U+FFFE/U+FFFF, and lone surrogates, which no encoder can write. One search over the text
# instead of a loop per character: a testimony runs to 10,000 characters.
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_NOT_TEXT_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


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
        self.not_text = _NOT_TEXT_MULTILINE if multiline else _NOT_TEXT

    def __call__(self, form, field) -> None:
        found = self.not_text.search(field.data or "")
        if found is None:
            return
        if 0xD800 <= ord(found.group()) <= 0xDFFF:
            raise ValidationError(_l("This field contains characters that are not valid."))
        raise ValidationError(_l("Remove the control characters (such as NUL) from this field."))


class HasLettersOrDigits:
    """Refuse a value made only of punctuation, spaces or invisible characters."""

    def __init__(self, message=None) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        value = field.data or ""
        if value and not any(unicodedata.category(c)[0] in "LN" for c in value):
            raise ValidationError(self.message or _l("Enter letters or numbers here."))


def email_field(autocomplete: str) -> EmailField:
    """The e-mail address field every form asks for the same way (`autocomplete`: "email" for
    residents, "username" for staff signing in)."""
    return EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(_l("Enter your e-mail address.")),
            Length(max=254, message=_l("Use 254 characters or fewer.")),
            Email(_l("Enter an e-mail address like name@example.org.")),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": autocomplete, "maxlength": 254, "spellcheck": "false"},
    )


def row_id(raw: str | None) -> int | None:
    """An id as sent in a form or link (a row, a cursor, a count's upper bound): ASCII digits
    that fit a 32-bit id column, or None. "²" is a digit to str.isdigit() but not to int(), and
    a larger number makes PostgreSQL refuse the whole query."""
    raw = raw or ""
    if raw.isascii() and raw.isdigit() and len(raw) < 11 and int(raw) < 2**31:
        return int(raw)
    return None
