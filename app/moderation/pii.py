"""Find personal data in testimony text, to offer the moderator as suggested redactions.

A pure function over a string: no database, no request. It looks for US-style

* Social Security numbers: 123-45-6789, or nine digits right after "SSN" / "Social Security
  number" (never area 000, 666 or 9xx, group 00 or serial 0000);
* phone numbers (North American Numbering Plan): (617) 555-0100, 617-555-0100, 617.555.0100,
  617 555 0100, 6175550100, +1 617 555 0100, 1-617-555-0100, optionally with "x12" or
  "ext. 12"; the area code and exchange start with 2-9, as real ones do;
* e-mail addresses, letters beyond ASCII included;
* street addresses: a house number (12, 12B, 12-14), one to four capitalised words and a street
  suffix (Street, St, Avenue, Ave, ...), optionally followed by a unit (Apt 4, Unit 2B, #3);
* payment card numbers: 13 to 19 digits, alone or in the usual groups, starting 3-6 and passing
  the Luhn check;
* names of private third parties ("my neighbour John Smith", "Mrs. O'Brien", "la maestra Ana
  López"), found by app/moderation/person_names.py, which says what it leaves out: the author,
  officials named with their office, names in the hearing's own public text, places and
  organisations.

Every number must stand alone: digits that continue a longer number, an amount ($1,234,567), a
docket or bill number (Docket #0683, H.1538), a date (06/09/2020) or a decimal are not taken.

What it does not catch (the moderator still reads the text): names without a cue that are not
in its lists, one-word names without a cue ("Maria told me"); dates of birth; numbers
written out in words or spaced oddly (6 1 7 5 5 5 0 1 0 0); phone numbers outside North America;
SSNs without dashes and without the word "SSN" before them; addresses written in lower case,
split over lines, without a house number or with an unlisted suffix, PO boxes, and the city,
state and ZIP code after the street; card numbers starting with 1, 2 (newer Mastercard) or
7-9; bank account, licence and passport numbers. It also
suggests some things that are not personal data (a ten-digit reference number, "3 Superior
Court"): suggestions are only offered, never applied on their own.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.moderation.person_names import NameContext, find_person_names
from app.moderation.redaction import merge_spans


class Kind(enum.StrEnum):
    SSN = "ssn"
    PHONE = "phone"
    EMAIL = "email"
    STREET_ADDRESS = "street_address"
    CARD = "card"
    PERSON_NAME = "person_name"

    @property
    def label(self) -> str:
        """What the review page calls this kind of finding, in the reader's language."""
        return str(_LABELS[self])


_LABELS = {
    Kind.SSN: _l("Social Security number"),
    Kind.PHONE: _l("Phone number"),
    Kind.EMAIL: _l("E-mail address"),
    Kind.STREET_ADDRESS: _l("Street address"),
    Kind.CARD: _l("Payment card number"),
    Kind.PERSON_NAME: _l("Name of a person"),
}


@dataclass(frozen=True)
class Finding:
    """One passage that looks like personal data: text == the original text[start:end]."""

    start: int
    end: int
    kind: Kind
    text: str


# Not inside a word, an amount, an identifier or a longer number ("#0683", "$1,234", "H.1538").
_NUMBER_START = r"(?<![\w@#$%/.,+-])"
# Not followed by more of a word or a number ("617-555-01001", "617-555-0100.5", "…/2020").
_NUMBER_END = r"(?![\w@]|[-./,][0-9])"

_SSN = re.compile(
    _NUMBER_START + r"(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}" + _NUMBER_END
)
# Nine digits with or without separators, when the text says it is a Social Security number.
_SSN_NAMED = re.compile(
    r"\b(?:SSN|S\.S\.N\.|[Ss]ocial [Ss]ecurity(?: [Nn]umber| [Nn]o\.?| #)?)[\s:#.-]{0,3}"
    r"(?P<number>(?!000|666|9)[0-9]{3}([- ]?)(?!00)[0-9]{2}\2(?!0000)[0-9]{4})" + _NUMBER_END
)

_AREA = r"[2-9][0-9]{2}"
_EXCHANGE = r"[2-9][0-9]{2}"
_PHONE = re.compile(
    _NUMBER_START
    + r"(?:"
    + r"(?:\+1[-. ]?|1[- ]|1\.(?=[0-9]{3}\.))?"  # country code: +1, 1-, 1 , 1.617.…
    + rf"(?:\({_AREA}\)[ ]?{_EXCHANGE}[-. ][0-9]{{4}}"  # (617) 555-0100
    + rf"|{_AREA}(?P<sep>[-. ]){_EXCHANGE}(?:(?P=sep)|-)[0-9]{{4}})"  # 617-555-0100, 617 555-0100
    + rf"|(?:\+1)?{_AREA}{_EXCHANGE}[0-9]{{4}}"  # 6175550100, +16175550100
    + r")"
    + r"(?:[ ]?(?:x|ext\.?|extension)[ ]?[0-9]{1,6})?"  # extension
    + _NUMBER_END
)

_EMAIL = re.compile(
    # At most 64 characters before the @ and 63 per domain label (RFC 5321), which also keeps
    # a long run of letters from being rescanned from every position.
    r"(?<![\w.%+-])[\w%+-][\w.%+-]{0,63}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}"
    r"(?![\w-]|\.[^\W_])"
)

STREET_SUFFIXES = (
    *("Street", "St", "Avenue", "Ave", "Road", "Rd", "Boulevard", "Blvd", "Lane", "Ln"),
    *("Drive", "Dr", "Court", "Ct", "Place", "Pl", "Square", "Sq", "Terrace", "Ter", "Way"),
    *("Parkway", "Pkwy", "Highway", "Hwy", "Circle", "Cir"),
)
_SUFFIX = "|".join(
    sorted({word for s in STREET_SUFFIXES for word in (s, s.upper())}, key=len, reverse=True)
)
# A capitalised word (O'Brien, Jr., St.), or an ordinal (5th); \u2019 is the curly apostrophe.
_WORD = r"(?:[A-Z][^\W\d_]*(?:['\u2019-][^\W\d_]+)*\.?|[0-9]{1,3}(?:st|nd|rd|th))"
_UNIT = (
    r"(?:\.?,?[ ](?:Apt|APT|Apartment|Unit|UNIT|Suite|Ste|Fl|Floor|Rm|Room)\.?[ ]?#?"
    r"|\.?,?[ ]#[ ]?)"
    r"(?:[0-9]{1,5}[A-Za-z]?|[A-Za-z][0-9]{0,4})\b"
)
_STREET = re.compile(
    _NUMBER_START
    + r"(?P<number>[1-9][0-9]{0,5}[A-Za-z]?(?:-[1-9][0-9]{0,5}[A-Za-z]?)?)"
    + rf"[ ](?:{_WORD}[ ]){{1,4}}(?:{_SUFFIX})\b"
    + rf"(?:{_UNIT})?"
)
# "In 2019 Superior Court ruled…": a year after one of these is not a house number.
_YEAR_WORDS = frozenset(
    {"in", "since", "by", "until", "till", "before", "after", "during", "of", "from", "through"}
    | {"circa", "around", "early", "late", "mid", "spring", "summer", "autumn", "fall", "winter"}
)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ ]+$")

_CARD = re.compile(
    _NUMBER_START
    + r"[3-6](?:[0-9]{12,18}"  # 4111111111111111
    + r"|[0-9]{3}(?P<sep>[- ])[0-9]{4}(?P=sep)[0-9]{4}(?P=sep)[0-9]{1,7}"  # 4111 1111 1111 1111
    + r"|[0-9]{3}(?P<amex>[- ])[0-9]{6}(?P=amex)[0-9]{4,5})"  # 3782 822463 10005
    + _NUMBER_END
)


def find_personal_data(text: str, context: NameContext | None = None) -> list[Finding]:
    """Every passage that looks like personal data, sorted by start, none overlapping.

    Where two candidates overlap, the one that starts first wins, then the longer one (an
    e-mail address wins over the phone number inside its name). The context (the author's
    name, the hearing's public text) keeps names that are not private third parties out.
    """
    candidates: list[Finding] = []

    def add(start: int, end: int, kind: Kind) -> None:
        candidates.append(Finding(start, end, kind, text[start:end]))

    for match in _SSN.finditer(text):
        add(match.start(), match.end(), Kind.SSN)
    for match in _SSN_NAMED.finditer(text):
        add(match.start("number"), match.end("number"), Kind.SSN)
    for match in _PHONE.finditer(text):
        add(match.start(), match.end(), Kind.PHONE)
    for match in _EMAIL.finditer(text):
        add(match.start(), match.end(), Kind.EMAIL)
    for match in _STREET.finditer(text):
        if not _looks_like_a_year(text, match):
            add(match.start(), match.end(), Kind.STREET_ADDRESS)
    for match in _CARD.finditer(text):
        if _luhn_valid(re.sub(r"[- ]", "", match.group())):
            add(match.start(), match.end(), Kind.CARD)
    for name in find_person_names(text, context):
        add(name.start, name.end, Kind.PERSON_NAME)

    findings: list[Finding] = []
    for candidate in sorted(candidates, key=lambda f: (f.start, f.start - f.end)):
        if not findings or candidate.start >= findings[-1].end:
            findings.append(candidate)
    return findings


def not_yet_redacted(
    text: str, spans: list[tuple[int, int]], context: NameContext | None = None
) -> list[Finding]:
    """The findings in the text that the redacted spans do not already hide completely.

    One per distinct text, ignoring case: hiding a phrase hides every occurrence of it.
    """
    hidden = merge_spans(spans, len(text))
    seen: set[str] = set()
    result: list[Finding] = []
    for finding in find_personal_data(text, context):
        covered = any(s <= finding.start and finding.end <= e for s, e in hidden)
        key = finding.text.casefold()
        if not covered and key not in seen:
            seen.add(key)
            result.append(finding)
    return result


def _looks_like_a_year(text: str, match: re.Match) -> bool:
    number = match.group("number")
    if not (len(number) == 4 and number.isdigit() and 1700 <= int(number) <= 2100):
        return False
    before = _WORD_BEFORE.search(text[max(0, match.start() - 40) : match.start()])
    return before is not None and before.group(1).casefold() in _YEAR_WORDS


def _luhn_valid(digits: str) -> bool:
    if not (13 <= len(digits) <= 19 and digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for index, character in enumerate(reversed(digits)):
        value = int(character)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
