"""Why a moderator rejects testimony: every reason's code and words, in the one table that the
decision form, the pages and the spreadsheets read.

The codes are RejectionReason's values (stored, and written as they are in the spreadsheets so
a filter works in any language); the words are translated when shown. A reason added to the
enum without a row here fails tests/moderation/test_reasons.py instead of showing blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.testimony.models import RejectionReason


@dataclass(frozen=True)
class ReasonWords:
    label: LazyString  # wherever a rejected testimony's reason is named
    choice: LazyString  # the option in the moderator's decision form


REASONS: dict[RejectionReason, ReasonWords] = {
    RejectionReason.SPAM: ReasonWords(_l("Spam"), _l("Spam")),
    RejectionReason.ABUSIVE: ReasonWords(_l("Abusive"), _l("Abusive")),
    RejectionReason.OFF_TOPIC: ReasonWords(_l("Off-topic"), _l("Off-topic")),
    RejectionReason.DUPLICATE: ReasonWords(_l("Duplicate"), _l("Duplicate")),
    RejectionReason.PERSONAL_INFORMATION: ReasonWords(
        _l("Personal information"), _l("Personal information")
    ),
    RejectionReason.OTHER: ReasonWords(_l("Other"), _l("Other (explain in the note)")),
}


def reason_label(reason: RejectionReason | str) -> str:
    """The reason in the reader's language; a code as stored (a string) is accepted too."""
    return str(REASONS[RejectionReason(reason)].label)


def codes_in_words() -> str:
    """Every code, as a spreadsheet column's description lists them: "a, b or c"."""
    codes = [reason.value for reason in REASONS]
    return ", ".join(codes[:-1]) + " or " + codes[-1]
