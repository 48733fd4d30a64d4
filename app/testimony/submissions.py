"""What a resident sent, as plain frozen data: forms build these, services consume them."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.testimony.models import Position, QuarantineReason, SpeakingRequest
from app.testimony.pdf_check import CheckedPdf


@dataclass(frozen=True)
class Upload:
    filename: str
    pdf: CheckedPdf


@dataclass(frozen=True)
class Interpreter:
    """The interpreter a resident asks for: one of the body's listed languages, or another in
    their own words ("other, say which"); neither for none."""

    language_id: int | None = None
    other: str | None = None


Stance = tuple[int, Position]  # a measure's id, and the resident's position on it


def stances_of(measure_id: int, position: Position, measures: tuple[Stance, ...]) -> tuple:
    """Every measure addressed, with its position: `measures` when given, else the one."""
    return measures or ((measure_id, position),)


@dataclass(frozen=True)
class Submission:
    """Everything a resident submitted, already shaped and checked for form."""

    submission_key: str
    full_name: str
    email: str
    street_address: str
    city: str
    zip_code: str
    organization: str | None
    speaks_for_organization: bool
    measure_id: int
    position: Position
    body: str
    speaking_request: SpeakingRequest
    interpreter_language: str | None
    accessibility_need: str | None
    public_record_acknowledged: bool
    uploads: tuple[Upload, ...] = field(default_factory=tuple)
    # Set when the submission looked automated (see app/testimony/bot_defence.py).
    quarantine_reason: QuarantineReason | None = None
    # One of the body's interpreter languages; interpreter_language above is then unused (it
    # holds "other, say which").
    interpreter_language_id: int | None = None
    # Every measure it addresses, each with its position, when it addresses several (or was
    # filled in on a form offering several); empty: measure_id with position only. The
    # services store these and make the first in agenda order the main measure.
    measures: tuple[Stance, ...] = ()
    # Organisations the resident says endorse the testimony, as typed, once each (stored as
    # endorsements named by the resident: app/endorsements/named.py).
    endorsed_by: tuple[str, ...] = ()
    # The organisation that sent it through the API, and its own reference for it. Its
    # `email` may then be empty: the receipt goes to the organisation instead.
    organisation_id: int | None = None
    external_reference: str | None = None

    @property
    def stances(self) -> tuple[Stance, ...]:
        return stances_of(self.measure_id, self.position, self.measures)


@dataclass(frozen=True)
class Amendment:
    measure_id: int
    position: Position
    body: str
    speaking_request: SpeakingRequest
    reason: str
    uploads: tuple[Upload, ...] = field(default_factory=tuple)
    # None leaves the interpreter asked for as it was.
    interpreter: Interpreter | None = None
    # As on Submission: every measure addressed with its position; empty: measure_id only.
    measures: tuple[Stance, ...] = ()
    # The endorsing organisations from now on; None leaves them as they were.
    endorsed_by: tuple[str, ...] | None = None
    # Accessibility needs from now on ("" for none); None leaves them as they were.
    accessibility_need: str | None = None
    # Ids of the testimony's attachments to take off (their files are deleted).
    remove_attachments: tuple[int, ...] = ()

    @property
    def stances(self) -> tuple[Stance, ...]:
        return stances_of(self.measure_id, self.position, self.measures)
