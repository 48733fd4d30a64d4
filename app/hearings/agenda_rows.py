"""Checking each value of an agenda row (docs/agenda_import.md): text, links, kinds, numbers,
lists of external ids and local times. Pure: each check returns the value or a message.

The limits are the forms' (app/hearings/forms.py), so an imported measure or hearing could
have been typed in by hand, and the messages are the forms' where they say the same thing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from app.hearings.agenda_files import HEARING, MEASURE, RawRow
from app.hearings.measure_texts import Translation
from app.hearings.models import MeasureKind, SpeakingModes

MAX_MEASURES_PER_HEARING = 50
MIN_YEAR, MAX_YEAR = 1900, 2199
SPEAKER_MINUTES = (1, 60)
MAX_SPEAKERS = 1000

_EXTERNAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}")
# Control characters, noncharacters and lone surrogates (app/platform/validators.py).
_NOT_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_NOT_TEXT_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# What a spreadsheet runs as a formula when a cell starts with it (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@")
_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?"
    r"(Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)

# (maximum length, required, several lines)
TEXT_FIELDS = {
    "body": (200, True, False),
    "committee": (200, True, False),
    "number": (40, True, False),
    "session": (80, False, False),
    "title": (300, True, False),
    "summary": (5000, False, True),
    "description": (5000, False, True),
    "location": (300, False, False),
}
URL_FIELDS = ("official_url", "remote_url")
TIME_FIELDS = ("starts_at", "testimony_opens_at", "testimony_closes_at", "speaker_signup_closes_at")
REQUIRED = {
    MEASURE: ("body", "committee", "external_id", "kind", "number", "title"),
    HEARING: (
        "body",
        "committee",
        "external_id",
        "title",
        "starts_at",
        "testimony_opens_at",
        "testimony_closes_at",
        "measures",
    ),
}


class Invalid(Exception):
    """A value that cannot be used; the message says why."""


@dataclass
class CheckedRow:
    """A row's values, checked: only the fields the file gives, plus the problems found.
    Times are as written: naive (the body's local time) or with their offset."""

    raw: RawRow
    values: dict[str, object] = field(default_factory=dict)
    translations: dict[str, Translation] = field(default_factory=dict)
    errors: list[tuple[str | None, str]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.raw.kind

    @property
    def external_id(self) -> str:
        return str(self.values.get("external_id") or "")

    def given(self, name: str) -> bool:
        return name in self.values


def check_row(raw: RawRow) -> CheckedRow:
    """Check every value the row gives; a missing required field is a problem too."""
    row = CheckedRow(raw, errors=list(raw.problems))
    if raw.problems and any(name is None or name == "type" for name, _m in raw.problems):
        return row  # the row cannot be read as a measure or hearing at all
    for name, value in raw.values.items():
        try:
            row.values[name] = check_value(name, value)
        except Invalid as error:
            row.errors.append((name, str(error)))
    for name in REQUIRED[raw.kind]:
        if name not in raw.values:
            row.errors.append((name, _("This field is required.")))
    for code, texts in raw.translations.items():
        _check_translation(row, code, texts)
    return row


def check_value(name: str, value: object) -> object:
    if name in TEXT_FIELDS:
        max_length, required, multiline = TEXT_FIELDS[name]
        return check_text(value, max_length, required=required, multiline=multiline)
    if name == "external_id":
        return check_external_id(value)
    if name in URL_FIELDS:
        return check_url(value)
    if name in TIME_FIELDS:
        return check_time(value, required=name != "speaker_signup_closes_at")
    if name == "kind":
        return _choice(
            value, MeasureKind, _("Enter the kind: ordinance, bill, order or resolution.")
        )
    if name == "speaking_modes":
        if value in (None, ""):
            return None
        return _choice(
            value, SpeakingModes, _("Enter how speakers take part: in_person, remote or both.")
        )
    if name == "speaker_minutes":
        minutes = check_whole_number(value, *SPEAKER_MINUTES)
        return 3 if minutes is None else minutes
    if name == "max_speakers":
        return check_whole_number(value, 1, MAX_SPEAKERS)
    if name == "measures":
        return check_measure_list(value)
    raise Invalid(_("This field is not one the import knows."))


def check_text(value: object, max_length: int, *, required: bool, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("Write this value as text."))
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not text:
        raise Invalid(_("This field is required."))
    found = (_NOT_TEXT_MULTILINE if multiline else _NOT_TEXT).search(text)
    if found is not None:
        if "\n" in found.group() and not multiline:
            raise Invalid(_("Keep this value on one line."))
        raise Invalid(_("Remove the control characters (such as NUL) from this field."))
    if len(text) > max_length:
        raise Invalid(_("Use %(max)d characters or fewer.", max=max_length))
    if text.startswith(FORMULA_STARTS):
        raise Invalid(
            _(
                "This value starts with “%(sign)s”, which a spreadsheet runs as a formula: "
                "reword it or remove the sign.",
                sign=text[0],
            )
        )
    if required and not any(unicodedata.category(c)[0] in "LN" for c in text):
        raise Invalid(_("Enter letters or numbers here."))
    return text


def check_external_id(value: object) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Invalid(_("Write this value as text."))
    text = str(value).strip()
    if not text:
        raise Invalid(_("This field is required."))
    if not _EXTERNAL_ID.fullmatch(text):
        raise Invalid(
            _(
                "Use up to 100 letters, digits and the signs . _ : / # - for an external id, "
                "starting with a letter or digit."
            )
        )
    return text


def check_url(value: object) -> str | None:
    text = check_text(value, 500, required=False)
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise Invalid(_("Enter a web address starting with https://"))
    return text


def _choice(value: object, choices, message: str):
    if not isinstance(value, str):
        raise Invalid(message)
    try:
        return choices(value.strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        raise Invalid(message) from None


def check_whole_number(value: object, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(_("Enter a whole number between %(low)d and %(high)d.", low=low, high=high))
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise Invalid(_("Enter a whole number between %(low)d and %(high)d.", low=low, high=high))
    number = int(text)
    if not low <= number <= high:
        raise Invalid(_("Enter a whole number between %(low)d and %(high)d.", low=low, high=high))
    return number


def check_measure_list(value: object) -> list[str]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(";") if part.strip()]
    if not isinstance(value, list):
        raise Invalid(_("List the measures' external ids."))
    if not value:
        raise Invalid(_("Choose at least one measure."))
    if len(value) > MAX_MEASURES_PER_HEARING:
        raise Invalid(_("List %(max)d measures or fewer.", max=MAX_MEASURES_PER_HEARING))
    ids = [check_external_id(item) for item in value]
    repeated = sorted({item for item in ids if ids.count(item) > 1})
    if repeated:
        raise Invalid(_("“%(id)s” is listed twice.", id=repeated[0]))
    return ids


def check_time(value: object, *, required: bool) -> datetime | None:
    """A moment as written: naive when it is the body's local time, aware with its offset."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(_("This field is required."))
        return None
    if not isinstance(value, str) or not _TIME.fullmatch(value.strip()):
        raise Invalid(
            _(
                "Enter a date and time such as 2026-06-09T10:00 (the body's local time) or "
                "2026-06-09T14:00Z."
            )
        )
    text = value.strip()
    year = int(text[:4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(_("Enter a year between %(low)d and %(high)d.", low=MIN_YEAR, high=MAX_YEAR))
    try:
        moment = datetime.fromisoformat(text.upper().replace(" ", "T", 1))
    except ValueError:
        raise Invalid(_("This date does not exist.")) from None
    return moment


def in_zone(moment: datetime, timezone: str) -> datetime:
    """The UTC moment of a time as written: a local time is read in the body's zone, and one
    that a change of the clocks skips or repeats is refused (the file must say which)."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    zone = ZoneInfo(timezone)
    first = moment.replace(tzinfo=zone, fold=0)
    second = moment.replace(tzinfo=zone, fold=1)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != moment:
        raise Invalid(
            _(
                "This time does not exist in %(zone)s: the clocks go forward then. Give "
                "another time, or add its offset from UTC.",
                zone=timezone,
            )
        )
    if first.utcoffset() != second.utcoffset():
        raise Invalid(
            _(
                "This time happens twice in %(zone)s (the clocks go back): add its offset "
                "from UTC, such as %(first)s or %(second)s.",
                zone=timezone,
                first=_offset(first),
                second=_offset(second),
            )
        )
    return first.astimezone(UTC)


def _offset(moment: datetime) -> str:
    return moment.isoformat()[-6:]


def _check_translation(row: CheckedRow, code: str, texts: dict[str, object]) -> None:
    checked = {}
    for name, max_length in (("title", 300), ("summary", 5000)):
        try:
            checked[name] = check_text(
                texts.get(name), max_length, required=False, multiline=name == "summary"
            )
        except Invalid as error:
            row.errors.append((f"{name}_{code}", str(error)))
    if len(checked) < 2:
        return
    if checked["summary"] and not checked["title"]:
        row.errors.append((f"title_{code}", _("A translated summary needs its translated title.")))
        return
    row.translations[code] = Translation(checked["title"], checked["summary"])
