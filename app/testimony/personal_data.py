"""Find what looks like personal data in text that will be published: phone numbers, e-mail
addresses, street addresses and ID numbers (Social Security and payment card numbers).

Pure functions over strings: no database, no request. The testimony form uses it to warn a
resident before their testimony goes public (app/testimony/forms.py, and in the browser
static/js/personal-data.js with the same patterns, sent to the page by `browser_patterns`);
moderators get the same findings, with names of people added, as suggested redactions
(app/moderation/pii.py, which says what is and is not caught).

The patterns are written so that Python's `re` and the browser's JavaScript regular expressions
(with the `u` flag) read them alike: a word character is only ever written inside a class
(`[\\w]`, never a bare `\\w` or `\\b`, which JavaScript reads as ASCII only), and
`browser_patterns` rewrites the few spellings that differ. Every repetition is bounded or cannot
overlap the next, so a hostile text (10,000 digits) costs time in proportion to its length
(bench/personal_data_form.py measures it in both engines).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class Kind(enum.StrEnum):
    SSN = "ssn"
    PHONE = "phone"
    EMAIL = "email"
    STREET_ADDRESS = "street_address"
    CARD = "card"


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
# A letter: a word character that is neither a decimal digit nor "_".
_LETTER = r"[^\W\d_]"
# Python's whitespace (str.isspace), spelled out: JavaScript's \s is another set.
_SPACES = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

_SSN = _NUMBER_START + r"(?!000|666|9)[0-9]{3}-(?!00)[0-9]{2}-(?!0000)[0-9]{4}" + _NUMBER_END
# Nine digits with or without separators, when the text says it is a Social Security number.
_SSN_NAMED = (
    r"(?<![\w])(?:SSN|S\.S\.N\.|[Ss]ocial [Ss]ecurity(?: [Nn]umber| [Nn]o\.?| #)?)"
    + rf"[{_SPACES}:#.-]{{0,3}}"
    + r"(?P<number>(?!000|666|9)[0-9]{3}(?P<gap>[- ]?)(?!00)[0-9]{2}(?P=gap)(?!0000)[0-9]{4})"
    + _NUMBER_END
)

_AREA = r"[2-9][0-9]{2}"
_EXCHANGE = r"[2-9][0-9]{2}"
_PHONE = (
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

_EMAIL = (
    # At most 64 characters before the @ and 63 per domain label (RFC 5321), which also keeps
    # a long run of letters from being rescanned from every position.
    r"(?<![\w.%+-])[\w%+-][\w.%+-]{0,63}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+"
    + _LETTER
    + r"{2,63}(?![\w-]|\.[^\W_])"
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
_WORD = rf"(?:[A-Z]{_LETTER}*(?:['\u2019-]{_LETTER}+)*\.?|[0-9]{{1,3}}(?:st|nd|rd|th))"
_UNIT = (
    r"(?:\.?,?[ ](?:Apt|APT|Apartment|Unit|UNIT|Suite|Ste|Fl|Floor|Rm|Room)\.?[ ]?#?"
    r"|\.?,?[ ]#[ ]?)"
    r"(?:[0-9]{1,5}[A-Za-z]?|[A-Za-z][0-9]{0,4})(?![\w])"
)
_STREET = (
    _NUMBER_START
    + r"(?P<number>[1-9][0-9]{0,5}[A-Za-z]?(?:-[1-9][0-9]{0,5}[A-Za-z]?)?)"
    + rf"[ ](?:{_WORD}[ ]){{1,4}}(?:{_SUFFIX})(?![\w])"
    + rf"(?:{_UNIT})?"
)
# "In 2019 Superior Court ruled…": a year after one of these is not a house number.
YEAR_WORDS = frozenset(
    {"in", "since", "by", "until", "till", "before", "after", "during", "of", "from", "through"}
    | {"circa", "around", "early", "late", "mid", "spring", "summer", "autumn", "fall", "winter"}
)
# The word just before a number, read from the 40 characters before it.
_WORD_BEFORE = rf"({_LETTER}+)[ ]+\Z"
YEAR_LOOKBACK = 40

_CARD = (
    _NUMBER_START
    + r"[3-6](?:[0-9]{12,18}"  # 4111111111111111
    + r"|[0-9]{3}(?P<sep>[- ])[0-9]{4}(?P=sep)[0-9]{4}(?P=sep)[0-9]{1,7}"  # 4111 1111 1111 1111
    + r"|[0-9]{3}(?P<amex>[- ])[0-9]{6}(?P=amex)[0-9]{4,5})"  # 3782 822463 10005
    + _NUMBER_END
)

# Each pattern by name, in the order the finder reads them (ties between overlapping findings
# of the same start and length go to the earlier one).
PATTERNS = {
    "ssn": _SSN,
    "ssn_named": _SSN_NAMED,
    "phone": _PHONE,
    "email": _EMAIL,
    "street_address": _STREET,
    "card": _CARD,
    "word_before": _WORD_BEFORE,
}
_COMPILED = {name: re.compile(source) for name, source in PATTERNS.items()}


def candidates(text: str) -> Iterator[Finding]:
    """Every passage a pattern takes, overlapping ones included, in the finder's order."""
    for match in _COMPILED["ssn"].finditer(text):
        yield Finding(match.start(), match.end(), Kind.SSN, match.group())
    for match in _COMPILED["ssn_named"].finditer(text):
        yield Finding(match.start("number"), match.end("number"), Kind.SSN, match["number"])
    for match in _COMPILED["phone"].finditer(text):
        yield Finding(match.start(), match.end(), Kind.PHONE, match.group())
    for match in _COMPILED["email"].finditer(text):
        yield Finding(match.start(), match.end(), Kind.EMAIL, match.group())
    for match in _COMPILED["street_address"].finditer(text):
        if not _looks_like_a_year(text, match):
            yield Finding(match.start(), match.end(), Kind.STREET_ADDRESS, match.group())
    for match in _COMPILED["card"].finditer(text):
        if _luhn_valid(re.sub(r"[- ]", "", match.group())):
            yield Finding(match.start(), match.end(), Kind.CARD, match.group())


def first_of_overlapping(found) -> list:
    """Findings (anything with start and end) sorted by start, none overlapping: where two
    overlap, the one that starts first wins, then the longer one (an e-mail address wins over
    the phone number inside its name)."""
    kept: list = []
    for candidate in sorted(found, key=lambda f: (f.start, f.start - f.end)):
        if not kept or candidate.start >= kept[-1].end:
            kept.append(candidate)
    return kept


def find_personal_data(text: str) -> list[Finding]:
    """Every passage that looks like a phone number, e-mail address, street address, Social
    Security or payment card number, sorted by start, none overlapping."""
    return first_of_overlapping(candidates(text))


def browser_patterns() -> dict:
    """The same patterns as JavaScript reads them (with the flags "gu"), for the form's
    script: generated from the ones above, so the two never drift apart."""
    return {
        "patterns": {name: _javascript(source) for name, source in PATTERNS.items()},
        "year_words": sorted(YEAR_WORDS),
        "year_lookback": YEAR_LOOKBACK,
    }


# Python's spelling → JavaScript's (with the u flag). A Python word character (str.isalnum()
# or "_") is a Unicode letter or number or "_"; a letter is a word character that is not a
# decimal digit or "_". tests/testimony/test_personal_data.py checks both against every code
# point, in Chromium's engine.
_JAVASCRIPT_SPELLINGS = (
    ("[^\\W\\d_]", "[\\p{L}\\p{Nl}\\p{No}]"),
    ("[^\\W_]", "[\\p{L}\\p{N}]"),
    ("\\w", "\\p{L}\\p{N}_"),
    ("(?P<", "(?<"),
    ("\\Z", "$"),
)
_BACKREFERENCE = re.compile(r"\(\?P=(\w+)\)")


def _javascript(source: str) -> str:
    for python, javascript in _JAVASCRIPT_SPELLINGS:
        source = source.replace(python, javascript)
    source = _BACKREFERENCE.sub(r"\\k<\1>", source)
    # Anything left that the two engines read differently is a mistake in a pattern above.
    for unsafe in ("\\W", "\\d", "\\s", "\\S", "\\b", "\\B", "(?P", "\\A"):
        if unsafe in source:
            raise ValueError(f"{unsafe} reads differently in JavaScript")
    return source


def _looks_like_a_year(text: str, match: re.Match) -> bool:
    number = match.group("number")
    if not (len(number) == 4 and number.isdigit() and 1700 <= int(number) <= 2100):
        return False
    before = _COMPILED["word_before"].search(
        text[max(0, match.start() - YEAR_LOOKBACK) : match.start()]
    )
    return before is not None and before.group(1).casefold() in YEAR_WORDS


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


# --- What the testimony form says about them ---------------------------------------------------

# How the form names each kind to a resident: a guess, so "what looks like".
FORM_LABELS = {
    Kind.PHONE: _l("What looks like a phone number:"),
    Kind.EMAIL: _l("What looks like an e-mail address:"),
    Kind.STREET_ADDRESS: _l("What looks like a street address:"),
    Kind.SSN: _l("What looks like a Social Security number:"),
    Kind.CARD: _l("What looks like a payment card number:"),
}
# The form lists at most this many passages of one kind in one field, and says how many more.
SHOWN_PER_KIND = 5


@dataclass(frozen=True)
class FoundIn:
    """The passages of one kind found in one field of the form, each once, in text order."""

    field_id: str
    field_label: str
    kind: Kind
    texts: tuple[str, ...]
    more: int

    @property
    def label(self) -> str:
        return str(FORM_LABELS[self.kind])


def found_in_fields(fields) -> list[FoundIn]:
    """What each (field id, field label, text) holds, field by field, kinds in the order the
    form names them."""
    groups: list[FoundIn] = []
    for field_id, field_label, text in fields:
        by_kind: dict[Kind, list[str]] = {}
        for finding in find_personal_data(text or ""):
            seen = by_kind.setdefault(finding.kind, [])
            if finding.text not in seen:
                seen.append(finding.text)
        for kind in FORM_LABELS:
            texts = by_kind.get(kind)
            if texts:
                shown = tuple(texts[:SHOWN_PER_KIND])
                groups.append(
                    FoundIn(field_id, str(field_label), kind, shown, len(texts) - len(shown))
                )
    return groups


def browser_labels() -> dict[str, str]:
    """The form's names of the kinds, in the reader's language, for the form's script."""
    return {kind.value: str(label) for kind, label in FORM_LABELS.items()}


@functools.cache
def _patterns_for_browser() -> dict:
    return browser_patterns()


def browser_config() -> dict:
    """What the form's script needs, as JSON: the patterns and, in the reader's language, what
    to call each kind and what to say around them."""
    return {
        **_patterns_for_browser(),
        "labels": browser_labels(),
        # The order the warning names them in (JSON objects come out sorted by key).
        "kinds": [kind.value for kind in FORM_LABELS],
        "intro": str(
            _l("Your testimony will be public, with your name. It looks like it includes:")
        ),
        "outro": str(
            _l(
                "Take out anything you do not want published. If it is meant to be public, you"
                " can send it as it is."
            )
        ),
        "more": str(_l("and {count} more")),
    }
