"""Find personal data in testimony text, to offer the moderator as suggested redactions.

A pure function over a string: no database, no request. The patterns are the testimony form's
own (app/testimony/personal_data.py, which warns a resident before sending); this adds names of
people. It looks for US-style

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
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.moderation.person_names import NameContext, find_person_names
from app.moderation.redaction import merge_spans
from app.testimony import personal_data as patterns
from app.testimony.personal_data import first_of_overlapping


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


def find_personal_data(text: str, context: NameContext | None = None) -> list[Finding]:
    """Every passage that looks like personal data, sorted by start, none overlapping.

    Where two candidates overlap, the one that starts first wins, then the longer one (an
    e-mail address wins over the phone number inside its name). The context (the author's
    name, the hearing's public text) keeps names that are not private third parties out.
    """
    found = [
        Finding(candidate.start, candidate.end, Kind(candidate.kind.value), candidate.text)
        for candidate in patterns.candidates(text)
    ]
    found.extend(
        Finding(name.start, name.end, Kind.PERSON_NAME, text[name.start : name.end])
        for name in find_person_names(text, context)
    )
    return first_of_overlapping(found)


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
