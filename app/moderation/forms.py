"""Queue filters (GET, no state change) and the moderator's decision, note and redaction forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.campaigns.models import Campaign
from app.hearings.models import Hearing
from app.moderation.queries import QueueFilter
from app.moderation.reasons import REASONS
from app.moderation.services import Decision
from app.platform.extensions import db
from app.platform.validators import PlainText, normalise_newlines, strip_text
from app.testimony.models import Position, RejectionReason, ReviewStatus, SpeakingRequest

ANY = ""

# The queue's tabs, as values of its `automated` filter: the main queue ("To review") leaves out
# testimony marked as possibly automated, or shows it too when asked; their tab shows only it.
AUTOMATED_HIDDEN, AUTOMATED_ALSO, AUTOMATED_ONLY = "no", "any", "yes"
QUARANTINED = {AUTOMATED_HIDDEN: False, AUTOMATED_ALSO: None, AUTOMATED_ONLY: True}

# The queue's own query-string keys: only these are carried into links and the bulk form, so a
# stray `hearing_id` or `_external` cannot clash with url_for's arguments.
FILTER_KEYS = frozenset(
    {"status", "measure", "position", "speaking", "attachments", "automated", "identity"}
    | {"campaign"}
    | {"received_from", "received_to", "q", "sort"}
)

REASON_CHOICES = [SelectChoice(reason.value, words.choice) for reason, words in REASONS.items()]

ACTION_CHOICES = [
    SelectChoice(ReviewStatus.APPROVED.value, _l("Approve")),
    SelectChoice(ReviewStatus.REJECTED.value, _l("Reject")),
    SelectChoice(ReviewStatus.FLAGGED.value, _l("Flag for a second look")),
    SelectChoice(ReviewStatus.PENDING.value, _l("Return to pending")),
]


# The queue's filter speaks the staff member's language, with the words the queue tabs use.
STATUS_LABELS = {
    ReviewStatus.PENDING: _l("Pending"),
    ReviewStatus.APPROVED: _l("Approved"),
    ReviewStatus.REJECTED: _l("Rejected"),
    ReviewStatus.FLAGGED: _l("Flagged"),
    ReviewStatus.WITHDRAWN: _l("Withdrawn"),
}
POSITION_LABELS = {
    Position.SUPPORT: _l("Support"),
    Position.OPPOSE: _l("Oppose"),
    Position.NEUTRAL: _l("Neutral"),
}


class QueueFilterForm(FlaskForm):
    """Read from the query string; it changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default=ReviewStatus.PENDING.value)
    measure = SelectField(_l("Measure"), default=ANY)
    position = SelectField(_l("Position"), default=ANY)
    speaking = SelectField(_l("Wants to speak"), default=ANY)
    attachments = SelectField(_l("Attachments"), default=ANY)
    # The tab: the main queue leaves possibly automated letters out (they have their own tab)
    # unless asked to show them too; their tab is this filter set to "only these".
    automated = SelectField(_l("Possibly automated"), default=AUTOMATED_HIDDEN)
    identity = SelectField(_l("Sender"), default=ANY)
    campaign = SelectField(_l("Campaign"), default=ANY)
    received_from = DateField(_l("Received from"), validators=[Optional()])
    received_to = DateField(_l("Received until"), validators=[Optional()])
    q = StringField(
        _l("Search name, organization and text"),
        validators=[Optional(), Length(max=200), PlainText()],
        filters=[strip_text],
    )
    sort = SelectField(
        _l("Sort by"),
        default="received",
        choices=[
            SelectChoice("received", _l("Received, oldest first")),
            SelectChoice("-received", _l("Received, newest first")),
            SelectChoice("name", _l("Name")),
            SelectChoice("position", _l("Position")),
            SelectChoice("relevance", _l("Best match (when searching)")),
        ],
    )

    def __init__(self, *args, hearing: Hearing, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.choices = [
            SelectChoice(ANY, _l("Any status")),
            *[SelectChoice(s.value, STATUS_LABELS[s]) for s in ReviewStatus],
        ]
        self.measure.choices = [SelectChoice(ANY, _l("Any measure"))] + [
            SelectChoice(str(m.id), m.number) for m in hearing.measures
        ]
        self.position.choices = [SelectChoice(ANY, _l("Any position"))] + [
            SelectChoice(p.value, POSITION_LABELS[p]) for p in Position
        ]
        self.speaking.choices = [
            SelectChoice(ANY, _l("Either")),
            SelectChoice(SpeakingRequest.NONE.value, _l("No")),
            SelectChoice(SpeakingRequest.IN_PERSON.value, _l("In person")),
            SelectChoice(SpeakingRequest.REMOTE.value, _l("Remotely")),
        ]
        self.attachments.choices = [
            SelectChoice(ANY, _l("Either")),
            SelectChoice("yes", _l("With attachments")),
            SelectChoice("no", _l("Without attachments")),
        ]
        self.automated.choices = [
            SelectChoice(AUTOMATED_HIDDEN, _l("In their own tab")),
            SelectChoice(AUTOMATED_ALSO, _l("Shown here too")),
            SelectChoice(AUTOMATED_ONLY, _l("Only these (their own tab)")),
        ]
        self.identity.choices = [
            SelectChoice(ANY, _l("Any")),
            SelectChoice("disputed", _l("Disputed by the e-mail's owner")),
            SelectChoice("confirmed", _l("E-mail confirmed")),
            SelectChoice("unconfirmed", _l("E-mail not confirmed")),
        ]
        self.campaign.choices = [
            SelectChoice(ANY, _l("Any")),
            SelectChoice("yes", _l("In a campaign")),
            SelectChoice("no", _l("Not in a campaign")),
        ]
        # One campaign, reached from the campaign's page: offered only while it exists here.
        wanted = (self.campaign.raw_data or [""])[0]
        if wanted.isascii() and wanted.isdigit() and len(wanted) < 11 and int(wanted) < 2**31:
            campaign = db.session.get(Campaign, int(wanted))
            if campaign is not None and campaign.hearing_id == hearing.id:
                label = _l("Campaign %(label)s", label=campaign.label)
                self.campaign.choices.append(SelectChoice(wanted, label))

    def to_filter(self) -> QueueFilter:
        """The filter the form describes; a value that does not check out counts as 'any'."""
        self.validate()

        def chosen(field):
            return None if field.errors else field.data

        def day(field):
            # Year 1 or 9999 has no start or end in every time zone: as good as no date.
            value = chosen(field)
            return value if value is not None and 1 < value.year < 9999 else None

        sort = chosen(self.sort) or "received"
        measure = chosen(self.measure)
        return QueueFilter(
            status=_enum(ReviewStatus, chosen(self.status)),
            measure_id=int(measure) if measure else None,
            position=_enum(Position, chosen(self.position)),
            speaking=_enum(SpeakingRequest, chosen(self.speaking)),
            has_attachments={"yes": True, "no": False}.get(chosen(self.attachments) or ""),
            quarantined=QUARANTINED[self.tab_value()],
            identity=chosen(self.identity) or None,
            campaign=chosen(self.campaign) or None,
            received_from=day(self.received_from),
            received_to=day(self.received_to),
            text=chosen(self.q) or "",
            sort=sort.lstrip("-"),
            descending=sort.startswith("-"),
        )

    def tab_value(self) -> str:
        """The `automated` choice in force: anything not offered is the main queue's default
        (possibly automated letters left out), so an odd address never shows them unasked."""
        value = self.automated.data
        return value if value in QUARANTINED else AUTOMATED_HIDDEN

    def tab_args(self, carried: dict[str, str]) -> dict[str, dict[str, str]]:
        """The query strings of the two tabs, the other filters kept, the tab switched (the
        main tab keeps "show them in this list too" when it is chosen), and of the main tab
        leaving them out ("hidden") or showing them too ("also")."""
        others = {k: v for k, v in carried.items() if k != "automated"}
        also = others | {"automated": AUTOMATED_ALSO}
        return {
            "main": also if self.tab_value() == AUTOMATED_ALSO else others,
            "automated": others | {"automated": AUTOMATED_ONLY},
            "hidden": others,
            "also": also,
        }


def _enum(enum_class, raw):
    try:
        return enum_class(raw) if raw else None
    except ValueError:
        return None


class DecisionForm(FlaskForm):
    action = RadioField(
        _l("Decision"), choices=ACTION_CHOICES, validators=[DataRequired(_l("Choose a decision."))]
    )
    reason = SelectField(
        _l("Reason (when rejecting)"),
        choices=[SelectChoice("", _l("Choose a reason")), *REASON_CHOICES],
        # No Optional(): it would stop the chain on an empty reason before validate_reason.
        default="",
    )
    note = TextAreaField(
        _l("Note for the record (optional; required for 'Other')"),
        validators=[Optional(), Length(max=2000), PlainText(multiline=True)],
        filters=[normalise_newlines, strip_text],
        render_kw={"rows": 3, "maxlength": 2000},
    )
    # The status the moderator saw: deciding fails if someone else moved it meanwhile.
    expected_status = HiddenField(validators=[DataRequired()])
    # The version of the text the moderator read: an amendment meanwhile makes it stale too.
    expected_version = HiddenField()

    def validate_reason(self, field) -> None:
        if self.action.data == ReviewStatus.REJECTED.value:
            if not field.data:
                raise ValidationError(_l("Choose a reason for rejecting."))
            if field.data == RejectionReason.OTHER.value and not self.note.data:
                raise ValidationError(_l("Add a note explaining the reason."))

    def validate_expected_status(self, field) -> None:
        if _enum(ReviewStatus, field.data) is None:
            raise ValidationError(_l("This form is out of date. Reload the page."))

    def validate_expected_version(self, field) -> None:
        # Present but not a plausible version means a damaged form, not "no version given".
        raw = field.data or ""
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            raise ValidationError(_l("This form is out of date. Reload the page."))

    def seen_version(self) -> int | None:
        raw = self.expected_version.data or ""
        return int(raw) if raw else None

    def to_decision(self) -> Decision:
        to_status = ReviewStatus(self.action.data)
        reason = (
            _enum(RejectionReason, self.reason.data) if to_status is ReviewStatus.REJECTED else None
        )
        return Decision(to_status=to_status, reason=reason, note=self.note.data or None)


# How a bulk decision chooses its rows: the ticked ones, all shown on the page, or everything
# matching the queue's filters (counted and confirmed first).
SCOPE_TICKED, SCOPE_PAGE, SCOPE_FILTER = "selected", "page", "filter"

# At most this many testimonies are decided by one "everything matching": more asks the
# moderator to narrow the filters (a received date, a measure) and decide in parts, so one
# request's transaction and its confirmation form stay a size a server handles in seconds.
MAX_MATCHING = 20_000

# At most this many amended testimonies are carried by one page; past it, the rest are skipped
# as if amended meanwhile (the moderator sees them counted and reviews them one by one).
MAX_SEEN_VERSIONS = 20_000


def encode_versions(versions: dict[int, int]) -> str:
    """The versions a page showed, for a hidden field: "id.version" of amended ones only
    (a testimony missing from it was shown at version 1)."""
    return ",".join(f"{i}.{v}" for i, v in sorted(versions.items()) if v > 1)


def decode_versions(raw: str | None) -> dict[int, int]:
    versions: dict[int, int] = {}
    for item in (raw or "").split(",")[:MAX_SEEN_VERSIONS]:
        number, _dot, version = item.partition(".")
        if all(p.isascii() and p.isdigit() and len(p) < 10 for p in (number, version)):
            versions[int(number)] = int(version)
    return versions


def amended_note(amended: int) -> str:
    """What a many-at-once decision says of the testimony it left because it was amended."""
    if not amended:
        return ""
    return " " + ngettext(
        "%(num)d of them was amended since you loaded the page: review the new text on its "
        "own page.",
        "%(num)d of them were amended since you loaded the page: review the new text on "
        "their own pages.",
        amended,
    )


class SeenVersionsMixin:
    # The versions of the amended testimonies the moderator's page showed: a testimony amended
    # after that is skipped by the decision, so its new text waits for its own review.
    seen = HiddenField()

    def seen_versions(self) -> dict[int, int]:
        return decode_versions(self.seen.data)


class BulkDecisionForm(SeenVersionsMixin, DecisionForm):
    """A decision for the ticked rows, every row of the page, or everything matching the filter.

    The queue's filter travels along as `f_<name>` fields so the same rows can be found again.
    """

    expected_status = HiddenField()  # each row is decided from the status it has
    scope = HiddenField(default=SCOPE_TICKED)
    # The ids counted on the confirmation page of "everything matching" (encode_ids): what is
    # decided once confirmed, whatever arrived or changed since.
    counted = HiddenField()

    def validate_expected_status(self, field) -> None:
        return None

    @property
    def applies_to_filter(self) -> bool:
        return self.scope.data == SCOPE_FILTER

    def carried_filters(self, submitted: MultiDict) -> MultiDict:
        return MultiDict(
            (name[2:], value)
            for name, value in submitted.items(multi=True)
            if name.startswith("f_") and name[2:] in FILTER_KEYS
        )

    def chosen_ids(self, submitted: MultiDict) -> list[int]:
        """The ticked rows, or every row the queue page showed ("this page")."""
        name = "page_ids" if self.scope.data == SCOPE_PAGE else "ids"
        return self.ticked_ids(submitted, name=name)

    def ticked_ids(self, submitted: MultiDict, limit: int = 5000, name: str = "ids") -> list[int]:
        # isascii: "²" is a digit to str.isdigit() but not to int(); ids are 32-bit integers.
        return [
            int(value)
            for value in submitted.getlist(name)
            if value.isascii() and value.isdigit() and len(value) < 11 and int(value) < 2**31
        ][:limit]

    def counted_ids(self) -> list[int] | None:
        """The ids the confirmation page counted, or None if it carried none that check out."""
        return decode_ids(self.counted.data, limit=MAX_MATCHING)


def encode_ids(ids) -> str:
    """A set of row ids, compact enough for a hidden field at MAX_MATCHING rows: ascending runs
    of consecutive ids as "gap" or "gap-length" in base 36, the gap counted from the end of the
    run before ("1-4.2" is 1..5 and 7)."""
    parts = []
    previous = 0
    ordered = sorted(set(ids))
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        gap, run = ordered[start] - previous, end - start
        parts.append(_base36(gap) + (f"-{_base36(run)}" if run else ""))
        previous = ordered[end]
        start = end + 1
    return ".".join(parts)


def decode_ids(raw: str | None, *, limit: int) -> list[int] | None:
    """The ids of encode_ids, or None for anything it could not have written (or too many)."""
    if not raw or len(raw) > 16 * limit:
        return None
    ids: list[int] = []
    previous = 0
    for part in raw.split("."):
        gap, dash, run = part.partition("-")
        if not _is_base36(gap) or (dash and not _is_base36(run)):
            return None
        start = previous + int(gap, 36)
        end = start + (int(run, 36) if dash else 0)
        if start == previous or end >= 2**31 or len(ids) + end - start + 1 > limit:
            return None
        ids.extend(range(start, end + 1))
        previous = end
    return ids


def _is_base36(text: str) -> bool:
    return 0 < len(text) < 8 and text.isascii() and text.isalnum() and text == text.lower()


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not number:
            return digits


def described_filters(form: QueueFilterForm) -> list[tuple[str, str]]:
    """(label, chosen value) for each filter that narrows the queue, in the staff member's
    language: what the confirmation of "everything matching" states it applies to. The status
    is always named, since "any status" reaches decided testimony too."""
    form.validate()
    described = []
    for field in form:
        # The tab (the `automated` choice) is stated on its own line of the confirmation.
        if field.name in ("sort", "automated") or field.errors:
            continue
        if field.type == "SelectField":
            if field.data == ANY and field.name != "status":
                continue
            words = {choice.value: choice.label for choice in field.choices}
            described.append((str(field.label.text), str(words.get(field.data, field.data))))
        elif field.data:
            value = field.data.isoformat() if hasattr(field.data, "isoformat") else field.data
            described.append((str(field.label.text), str(value)))
    return described


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Private note for staff"),
        validators=[
            DataRequired(_l("Write the note.")),
            Length(max=2000, message=_l("Use 2,000 characters or fewer.")),
            PlainText(multiline=True),
        ],
        filters=[normalise_newlines, strip_text],
        render_kw={"rows": 3, "maxlength": 2000},
    )


class RedactForm(FlaskForm):
    # The version of the text the moderator read: a redaction lands on that text or nowhere.
    seen_version = HiddenField()

    phrase = StringField(
        _l("Text to hide from the public (copy it exactly)"),
        validators=[
            DataRequired(_l("Enter the text to hide.")),
            Length(max=500, message=_l("Use 500 characters or fewer.")),
            PlainText(),
        ],
        render_kw={"maxlength": 500, "autocomplete": "off"},
    )
