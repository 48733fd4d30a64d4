"""The testimony form's list of organisations that endorse the testimony: one a line.

The names are published with the testimony as the resident wrote them, marked as the sender's
statement (a registered organisation signs on for itself, through the API). Blank lines are
ignored and a name given twice (in any case or spacing) counts once.
"""

from __future__ import annotations

import unicodedata

from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import StopValidation

from app.organisations.models import name_key
from app.platform.validators import PlainText, normalise_newlines

# As app/endorsements/models.py stores them (that package sits above this one).
MAX_NAMED = 10
MAX_NAME_LENGTH = 200
# The box as sent, blank lines and spaces included: enough for ten long names, no more.
MAX_BOX_LENGTH = 3000


def names_in(text: str | None) -> tuple[str, ...]:
    """The names a box holds, in order, each once (the first spelling kept)."""
    kept: dict[str, str] = {}
    for line in (text or "").split("\n"):
        name = " ".join(line.split())
        if name:
            kept.setdefault(name_key(name), name)
    return tuple(kept.values())


class EndorsersField(TextAreaField):
    """Up to MAX_NAMED organisation names, one a line, each MAX_NAME_LENGTH characters at most,
    plain text with letters or digits; each refusal says which line."""

    def __init__(self, label, **kwargs) -> None:
        kwargs.setdefault("filters", [normalise_newlines])
        kwargs.setdefault("render_kw", {"rows": 4, "maxlength": MAX_BOX_LENGTH})
        super().__init__(label, **kwargs)

    @property
    def names(self) -> tuple[str, ...]:
        return names_in(self.data)

    def show(self, names) -> None:
        """Fill the box with names already given (an amendment's form)."""
        self.data = "\n".join(names)

    def pre_validate(self, form) -> None:
        text = self.data or ""
        if len(text) > MAX_BOX_LENGTH:
            raise StopValidation(
                _l(
                    "Keep the list of organizations to %(max)s characters or fewer.",
                    max=format_number(MAX_BOX_LENGTH),
                )
            )
        PlainText(multiline=True)(form, self)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        for number, line in enumerate(lines, start=1):
            if len(line) > MAX_NAME_LENGTH:
                raise StopValidation(
                    _l(
                        "Line %(line)d is longer than %(max)d characters: keep each"
                        " organization's name to %(max)d characters or fewer.",
                        line=number,
                        max=MAX_NAME_LENGTH,
                    )
                )
            if line and not any(unicodedata.category(c)[0] in "LN" for c in line):
                raise StopValidation(
                    _l(
                        "Line %(line)d has no letters or numbers: write the organization's name,"
                        " or leave the line empty.",
                        line=number,
                    )
                )
        if len(self.names) > MAX_NAMED:
            raise StopValidation(
                _l(
                    "Name at most %(max)d organizations (you listed %(count)d), one a line.",
                    max=MAX_NAMED,
                    count=len(self.names),
                )
            )
