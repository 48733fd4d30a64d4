"""The resident's testimony form, the amendment form and the withdrawal confirmation."""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Sequence

from flask import current_app
from flask_babel import format_number
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.hearings.languages import body_languages, reader_locale
from app.hearings.measure_texts import measure_label
from app.hearings.models import Hearing
from app.platform.timezones import utcnow
from app.platform.validators import (
    HasLettersOrDigits,
    PlainText,
    email_field,
    normalise_newlines,
    strip_text,
)
from app.testimony import personal_data
from app.testimony.bot_defence import opened_stamp
from app.testimony.endorsers import EndorsersField
from app.testimony.models import Position, SpeakingRequest
from app.testimony.pdf_check import RejectedFile, check_pdf
from app.testimony.submissions import Amendment, Interpreter, Stance, Submission, Upload

SPEAKING_LABELS = {
    SpeakingRequest.NONE: _l("No, written testimony only"),
    SpeakingRequest.IN_PERSON: _l("Yes, in person"),
    SpeakingRequest.REMOTE: _l("Yes, remotely"),
}

POSITION_CHOICES = [
    SelectChoice(Position.SUPPORT.value, _l("Support")),
    SelectChoice(Position.OPPOSE.value, _l("Oppose")),
    SelectChoice(Position.NEUTRAL.value, _l("Neutral")),
]


class RequiredChoice(RadioField):
    """A set of radio buttons that says what to do when nothing, or something unknown, is sent."""

    def __init__(self, label, *, missing_message, **kwargs) -> None:
        # A value that is not even a number (a tampered form) gets words, not WTForms' own text.
        kwargs.setdefault("invalid_value_message", _l("Choose one of the options shown."))
        super().__init__(label, **kwargs)
        self.missing_message = missing_message
        self.not_offered_message = _l("Choose one of the options shown.")

    def not_asked(self, form) -> bool:
        """Which measure and the position are asked measure by measure on a form offering
        several (MeasurePositions); every other choice is always asked."""
        return self.name in ("measure_id", "position") and getattr(form, "offers_several", False)

    def pre_validate(self, form) -> None:
        if self.process_errors or self.not_asked(form):
            raise StopValidation()  # already said why, once; or not on this page
        if self.data is None or self.data == "":
            raise StopValidation(self.missing_message)
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(self.not_offered_message)


# "Not addressing" a measure, in the radio group of each measure on the agenda.
NOT_ADDRESSING = ""
MEASURE_POSITION_CHOICES = [
    SelectChoice(NOT_ADDRESSING, _l("Not addressing this measure")),
    *POSITION_CHOICES,
]


class MeasurePositions(Field):
    """One radio group per measure on the agenda (not addressing, support, oppose, neutral),
    sent as `measures-<measure id>`; at least one measure must be chosen. The form offers it
    instead of "which measure" and "your position" when the hearing has several measures."""

    def process(self, formdata, data=None, extra_filters=None) -> None:
        self.process_errors = []
        self.formdata = formdata
        self.raw_data = []
        self.data: dict[int, str] = {}
        self.measures: list = []
        self.unknown_sent = False

    def offer(self, measures) -> None:
        """The agenda's measures, and what was chosen for each on the form sent."""
        self.measures = list(measures)
        if self.formdata is None:
            return
        prefix = f"{self.name}-"
        sent = {key: self.formdata.get(key) for key in self.formdata if key.startswith(prefix)}
        offered = {f"{prefix}{measure.id}": measure.id for measure in self.measures}
        # A measure the page did not offer: one taken off the agenda since, or a tampered form.
        self.unknown_sent = any(key not in offered and value for key, value in sent.items())
        self.data = {
            measure_id: sent.get(key) or NOT_ADDRESSING for key, measure_id in offered.items()
        }
        self.raw_data = list(sent.values())

    def fill(self, stances) -> None:
        """Show the positions a testimony took (its measures, each with its position)."""
        self.data = {stance.measure_id: Position(stance.position).value for stance in stances}

    def chosen(self, measure_id: int) -> str:
        return self.data.get(measure_id, NOT_ADDRESSING)

    def input_id(self, measure_id: int, index: int) -> str:
        return f"{self.id}-{measure_id}-{index}"

    @property
    def anchor(self) -> str:
        """Where the error summary's link goes: the first measure's first choice."""
        return self.input_id(self.measures[0].id, 0) if self.measures else self.id

    def stances(self, measures) -> tuple[Stance, ...]:
        """The measures chosen, in agenda order, each with its position."""
        return tuple(
            (measure.id, Position(self.chosen(measure.id)))
            for measure in measures
            if self.chosen(measure.id) != NOT_ADDRESSING
        )

    def pre_validate(self, form) -> None:
        if not form.offers_several:
            raise StopValidation()
        allowed = {choice.value for choice in MEASURE_POSITION_CHOICES}
        if self.unknown_sent:
            raise StopValidation(_l("Choose one of the measures on this hearing's agenda."))
        if any(value not in allowed for value in self.data.values()):
            raise StopValidation(_l("Choose one of the options shown."))
        if all(value == NOT_ADDRESSING for value in self.data.values()):
            raise StopValidation(
                _l("Choose at least one measure your testimony is about, and your position on it.")
            )


class InterpreterChoice(SelectField):
    """No interpreter, one of the body's languages (by id), or "other"; anything else sent gets
    words, not WTForms' own text."""

    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(_l("Choose one of the options shown."))


class AttachmentChoice(SelectMultipleField):
    """A checkbox per attachment of the testimony, ticked to take it off; an id that is not
    one of them (removed meanwhile in another tab, or a tampered form) gets words, not
    WTForms' own text."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label, **kwargs) -> None:
        super().__init__(label, coerce=int, **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = [-1]  # not a number: refused below

    def pre_validate(self, form) -> None:
        offered = {choice.value for choice in self.choices}
        if not set(self.data or ()) <= offered:
            raise StopValidation(
                _l("That attachment is no longer on your testimony. Check the list.")
            )


# The choice that asks the resident to say which language.
OTHER_LANGUAGE = "other"
# What "Which language?" must be when it is used (and nothing is checked when it is not).
_OTHER_LANGUAGE_CHECKS = (
    Length(max=100, message=_l("Use %(max)d characters or fewer.", max=100)),
    PlainText(),
    HasLettersOrDigits(),
)


def _line(
    label,
    max_length: int,
    *,
    required_message=None,
    autocomplete: str | None = None,
):
    """A one-line text field; required when a required_message is given."""
    validators = [
        DataRequired(required_message) if required_message else Optional(),
        Length(max=max_length, message=_l("Use %(max)d characters or fewer.", max=max_length)),
        PlainText(),
    ]
    if required_message:
        validators.append(HasLettersOrDigits())
    render_kw = {"maxlength": max_length}
    if autocomplete:
        render_kw["autocomplete"] = autocomplete
    return StringField(label, validators=validators, filters=[strip_text], render_kw=render_kw)


# The shape of a form key this site makes (secrets.token_urlsafe), checked as sent.
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _form_key():
    """The form's random key: it makes a resent form one submission, and unlocks the files
    kept for that form (app/testimony/held_uploads.py)."""
    # Hidden fields get an empty label: without one WTForms makes one up through its own
    # message catalogue, which Flask-WTF then reads from disk on every submission.
    return HiddenField(
        "",
        validators=[
            Regexp(
                rf"^{FORM_KEY.pattern}\Z",
                message=_l("This form was damaged. Check your answers and submit it again."),
            )
        ],
    )


def has_good_key(key: str | None) -> bool:
    """Whether a form key as sent has the shape of one this site makes."""
    return bool(key) and FORM_KEY.fullmatch(key) is not None


def _testimony_text():
    return TextAreaField(
        _l("Your written testimony"),
        validators=[DataRequired(_l("Write your testimony.")), PlainText(multiline=True)],
        filters=[normalise_newlines, strip_text],
        render_kw={"rows": 14},
    )


def _accessibility_need():
    return TextAreaField(
        _l("Accessibility needs (optional)"),
        validators=[
            Optional(),
            Length(max=500, message=_l("Use 500 characters or fewer.")),
            PlainText(multiline=True),
        ],
        filters=[normalise_newlines, strip_text],
        render_kw={"rows": 3, "maxlength": 500},
    )


class TestimonyContentMixin:
    """Fields a resident may change later by amendment, and their checks."""

    measure_id = RequiredChoice(
        _l("Which measure is your testimony about?"),
        coerce=int,
        missing_message=_l("Choose the measure your testimony is about."),
    )
    position = RequiredChoice(
        _l("Your position"),
        choices=POSITION_CHOICES,
        missing_message=_l("Choose support, oppose or neutral."),
    )
    measures = MeasurePositions(_l("Which measures is your testimony about?"))
    measure_position_choices = MEASURE_POSITION_CHOICES
    speaking_request = RequiredChoice(
        _l("Do you want to speak at the hearing?"),
        default=SpeakingRequest.NONE.value,
        missing_message=_l("Choose whether you want to speak."),
    )
    attachments = MultipleFileField(
        _l("Attach PDF files (optional)"), render_kw={"accept": "application/pdf,.pdf"}
    )
    interpreter_language = InterpreterChoice(_l("Do you need an interpreter?"), default="")
    interpreter_other = StringField(
        _l("Which language?"), filters=[strip_text], render_kw={"maxlength": 100}
    )
    endorsed_by = EndorsersField(_l("Organizations that endorse your testimony (optional)"))
    # The texts the resident chose to send as they are, though they held what looked like
    # personal data: a digest of them, so changing a text asks again (public_texts_cleared).
    personal_data_ok = HiddenField("")

    def setup_content(
        self,
        hearing: Hearing,
        *,
        allow_speaking: bool,
        keep_speaking: SpeakingRequest | None = None,
    ) -> None:
        if not self.key_field.data:
            self.key_field.data = secrets.token_urlsafe(24)
        # Files kept from this form's earlier tries (HeldUpload rows; the view looks them up
        # by the form's key), listed on the page and counted toward the limit.
        self.held: list = []
        # Set by the view when this address is over its limit: files are then not even read.
        self.skip_file_checks = False
        self.files_checked = 0
        language = reader_locale()
        self.measure_id.choices = [
            SelectChoice(m.id, measure_label(m, language)) for m in hearing.measures
        ]
        if len(hearing.measures) == 1 and self.measure_id.data is None:
            self.measure_id.data = hearing.measures[0].id
        self.agenda = list(hearing.measures)
        self.measures.offer(self.agenda)
        # Several measures: a position on each, chosen measure by measure. A form sent from a
        # page built before that (one measure and one position) is still read as it was.
        formdata = self.measures.formdata
        self.offers_several = len(self.agenda) > 1 and (
            formdata is None or "measure_id" not in formdata
        )
        offered = [SpeakingRequest.NONE]
        if allow_speaking:
            if hearing.has_in_person_option:
                offered.append(SpeakingRequest.IN_PERSON)
            if hearing.has_remote_option:
                offered.append(SpeakingRequest.REMOTE)
        # After the sign-up cut-off a resident keeps the slot they asked for, or gives it up.
        if keep_speaking is not None and keep_speaking not in offered:
            offered.append(keep_speaking)
        self.speaking_request.choices = [
            SelectChoice(choice.value, SPEAKING_LABELS[choice]) for choice in offered
        ]
        # The body's languages, named in the page's language: one query per form.
        locale = reader_locale()
        self.interpreter_language.choices = [
            SelectChoice("", _l("No interpreter needed")),
            *(
                SelectChoice(str(language.id), language.name(locale))
                for language in body_languages(hearing.committee.body_id)
            ),
            SelectChoice(OTHER_LANGUAGE, _l("Other (say which)")),
        ]
        if not allow_speaking and keep_speaking not in (None, SpeakingRequest.NONE):
            # A speaker may keep their slot or give it up, not switch to another kind.
            self.speaking_request.not_offered_message = _l(
                "Sign-up to speak at this hearing has closed, so you can no longer change how "
                "you take part. You can keep your request to speak as it is, or choose not to "
                "speak."
            )
        elif not allow_speaking:
            # A form opened before the cut-off still offers to speak: say why that now fails.
            self.speaking_request.not_offered_message = _l(
                "Sign-up to speak at this hearing has closed. "
                "You can still submit written testimony."
            )
        self.max_chars = current_app.config["TESTIMONY_MAX_CHARS"]
        # A new list for this form: the field's own list is shared by every form the class
        # builds, so appending to it would add one more check (and error) on every request.
        self.body.validators = [
            *self.body.validators,
            Length(
                max=self.max_chars,
                message=_l(
                    "Keep your testimony to %(max)s characters or fewer.",
                    max=format_number(self.max_chars),
                ),
            ),
        ]
        self.checked_uploads: tuple[Upload, ...] = ()
        # What looked like personal data in the texts to be published, when the form is sent
        # back to ask whether to send them as they are; and the digest that answer carries.
        self.personal_data_found: list[personal_data.FoundIn] = []
        self.personal_data_digest = ""

    def public_text_fields(self) -> list:
        """The fields whose text is published with the testimony and should be checked."""
        return [self[name] for name in self.PUBLIC_TEXTS]

    def public_texts_cleared(self, send_as_is: str | None) -> bool:
        """Whether the texts to be published may go: they hold nothing that looks like a phone
        number, e-mail or street address or an ID number, or the resident chose to send exactly
        these texts as they are (`send_as_is`, or earlier on this form). Otherwise the form
        lists what it found (personal_data_found) to ask them."""
        fields = self.public_text_fields()
        found = personal_data.found_in_fields((f.id, f.label.text, f.data) for f in fields)
        if not found:
            return True
        digest = _texts_digest(fields)
        answers = (send_as_is or "", self.personal_data_ok.data or "")
        if any(hmac.compare_digest(answer, digest) for answer in answers):
            self.personal_data_ok.data = digest  # kept if the form comes back for another reason
            return True
        self.personal_data_found = found
        self.personal_data_digest = digest
        return False

    def show_interpreter(self, language_id: int | None, other: str | None) -> None:
        """Fill the interpreter fields with what a testimony asked for."""
        if language_id is not None:
            self.interpreter_language.data, self.interpreter_other.data = str(language_id), ""
        elif other:
            self.interpreter_language.data, self.interpreter_other.data = OTHER_LANGUAGE, other
        else:
            self.interpreter_language.data, self.interpreter_other.data = "", ""

    def validate_interpreter_other(self, field) -> None:
        # Read only with "Other": otherwise whatever it holds is ignored, unchecked (and shown
        # back as typed when the form comes back for another reason).
        if self.interpreter_language.data != OTHER_LANGUAGE:
            return
        if not field.data:
            raise ValidationError(_l("Say which language you need an interpreter for."))
        for check in _OTHER_LANGUAGE_CHECKS:
            check(self, field)

    def interpreter(self) -> Interpreter:
        choice = self.interpreter_language.data or ""
        if choice == OTHER_LANGUAGE:
            return Interpreter(other=self.interpreter_other.data)
        return Interpreter(language_id=int(choice)) if choice.isdigit() else Interpreter()

    def chosen_stances(self) -> tuple[int, Position, tuple[Stance, ...]]:
        """The main measure, its position, and every measure chosen with its position (empty
        when the form asked for one measure)."""
        if not self.offers_several:
            return self.measure_id.data, Position(self.position.data), ()
        stances = self.measures.stances(self.agenda)
        return stances[0][0], stances[0][1], stances

    def new_files(self) -> list:
        """The files this request carries (a browser sends an empty part for no file)."""
        return [f for f in (self.attachments.data or []) if f and getattr(f, "filename", "")]

    @property
    def key_field(self):
        """The hidden field holding this form's key."""
        return self[self.KEY_FIELD]

    def _renew_damaged_key(self, field) -> None:
        if field.errors:
            # Send a good key back, or the damaged one would make every retry fail too.
            field.data = secrets.token_urlsafe(24)

    def validate_attachments(self, field) -> None:
        files = self.new_files()
        config = current_app.config
        # Counted before anything is read, and with no new file too: two copies of one form
        # sent back at once can keep more files than it may carry, and the resident must be
        # told (and remove some) rather than have the extra ones dropped unseen.
        if len(files) + len(self.held) > self.max_attachments():
            raise ValidationError(
                _l("Attach at most %(count)d files in all.", count=config["ATTACHMENT_MAX_COUNT"])
            )
        if not files or self.skip_file_checks or not self.csrf_is_valid():
            # Another site's form (or an expired one) gets no file read: reading costs time.
            return
        uploads, refusals = [], []
        for storage in files:
            data = storage.read(config["ATTACHMENT_MAX_BYTES"] + 1)
            name = _display_name(storage.filename)
            self.files_checked += 1
            try:
                pdf = check_pdf(
                    data,
                    max_bytes=config["ATTACHMENT_MAX_BYTES"],
                    max_pages=config["ATTACHMENT_MAX_PAGES"],
                )
            except RejectedFile as rejected:
                refusals.append(f"{name}: {rejected}")
                continue
            uploads.append(Upload(filename=name, pdf=pdf))
        # The good files are kept even when another is refused: the form comes back listing
        # them, and the resident only replaces the bad one.
        self.checked_uploads = tuple(uploads)
        if refusals:
            field.errors.extend(refusals[:-1])
            raise ValidationError(refusals[-1])

    def csrf_is_valid(self) -> bool:
        token = getattr(self, "csrf_token", None)
        if token is None:
            return True
        try:
            self._csrf.validate_csrf_token(self, token)
        except ValidationError:
            return False
        return True

    def max_attachments(self) -> int:
        return current_app.config["ATTACHMENT_MAX_COUNT"]

    def in_page_order(self) -> list:
        """Fields in the order the page shows them, so the error summary reads the same way."""
        return [self[name] for name in self.PAGE_ORDER]


# The name of the warning's "Send it as it is" button, whose value is the texts' digest.
SEND_AS_IS = "send_as_is"


def _texts_digest(fields) -> str:
    """A keyed digest of the fields' texts: it binds "send it as it is" to exactly these words,
    and says nothing of them."""
    secret = current_app.config["SECRET_KEY"].encode()
    message = "\x1f".join(f"{field.name}\x1e{field.data or ''}" for field in fields)
    mac = hmac.new(secret, b"personal-data-ok\x1d" + message.encode(), "sha256")
    return mac.hexdigest()[:32]


def _display_name(filename: str) -> str:
    """Keep the resident's file name for display only; it never becomes a path."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip() or "attachment.pdf"
    return name[:255]


class ResidentFields:
    """Who a resident is, as the testimony form and the sign-in form (app/signins) both ask it,
    with the form's key and the bot defence's two hidden fields."""

    KEY_FIELD = "submission_key"
    submission_key = _form_key()
    # When the form was shown, signed; and a field hidden from people that only bots fill in.
    opened = HiddenField("")
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off"})
    full_name = _line(
        _l("Full name"), 200, required_message=_l("Enter your full name."), autocomplete="name"
    )
    email = email_field("email")
    city = _line(
        _l("City or town"),
        100,
        required_message=_l("Enter your city or town."),
        autocomplete="address-level2",
    )
    zip_code = StringField(
        _l("ZIP code"),
        validators=[
            DataRequired(_l("Enter your ZIP code.")),
            Regexp(r"^[0-9]{5}(-[0-9]{4})?\Z", message=_l("Enter a 5-digit ZIP code, like 02108.")),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": "postal-code", "maxlength": 10, "inputmode": "numeric"},
    )
    organization = _line(_l("Organization (optional)"), 200, autocomplete="organization")


class TestimonyForm(ResidentFields, TestimonyContentMixin, FlaskForm):
    PAGE_ORDER = (
        "submission_key",
        "full_name",
        "email",
        "street_address",
        "city",
        "zip_code",
        "organization",
        "speaks_for_organization",
        "measure_id",
        "measures",
        "position",
        "body",
        "endorsed_by",
        "speaking_request",
        "attachments",
        "interpreter_language",
        "interpreter_other",
        "accessibility_need",
        "public_record_acknowledged",
    )
    # Published with the testimony: its text, who sent it and the organisations named.
    PUBLIC_TEXTS = ("body", "organization", "endorsed_by", "full_name", "city")

    street_address = _line(
        _l("Street address"),
        200,
        required_message=_l("Enter your street address."),
        autocomplete="street-address",
    )
    speaks_for_organization = BooleanField(_l("I am testifying on behalf of this organization"))
    body = _testimony_text()
    accessibility_need = _accessibility_need()
    public_record_acknowledged = BooleanField(
        _l("I understand that my testimony, name and city or town become public record."),
        validators=[
            DataRequired(_l("Confirm that you understand your testimony becomes public record."))
        ],
    )

    def __init__(self, *args, hearing: Hearing, allow_speaking: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_content(hearing, allow_speaking=allow_speaking)
        if not self.opened.data and not self.is_submitted():
            self.opened.data = opened_stamp(utcnow())

    def validate_submission_key(self, field) -> None:
        self._renew_damaged_key(field)

    def validate_speaks_for_organization(self, field) -> None:
        if field.data and not self.organization.data:
            raise ValidationError(_l("Name the organization you are testifying for."))

    def to_submission(self, *, quarantine_reason=None, kept: tuple[Upload, ...] = ()) -> Submission:
        interpreter = self.interpreter()
        measure_id, position, stances = self.chosen_stances()
        return Submission(
            submission_key=self.submission_key.data,
            full_name=self.full_name.data,
            email=self.email.data,
            street_address=self.street_address.data,
            city=self.city.data,
            zip_code=self.zip_code.data,
            organization=self.organization.data or None,
            speaks_for_organization=bool(self.speaks_for_organization.data),
            measure_id=measure_id,
            position=position,
            measures=stances,
            body=self.body.data,
            speaking_request=SpeakingRequest(self.speaking_request.data),
            interpreter_language=interpreter.other,
            interpreter_language_id=interpreter.language_id,
            accessibility_need=self.accessibility_need.data or None,
            public_record_acknowledged=bool(self.public_record_acknowledged.data),
            uploads=kept + self.checked_uploads,
            quarantine_reason=quarantine_reason,
            endorsed_by=self.endorsed_by.names,
        )


class AmendmentForm(TestimonyContentMixin, FlaskForm):
    PAGE_ORDER = (
        "form_key",
        "measure_id",
        "measures",
        "position",
        "body",
        "endorsed_by",
        "speaking_request",
        "attachments",
        "remove_attachments",
        "interpreter_language",
        "interpreter_other",
        "accessibility_need",
        "reason",
    )
    PUBLIC_TEXTS = ("body", "endorsed_by")

    # Not "submission_key": filled from the testimony, that would be the first form's key.
    KEY_FIELD = "form_key"
    form_key = _form_key()
    # The version the form was filled from (the testimony's own `version` when first shown):
    # an amendment saved meanwhile from another tab is not silently replaced.
    version = HiddenField()
    body = _testimony_text()
    accessibility_need = _accessibility_need()
    # The testimony's attachments ticked to be taken off (their ids; the choices are its own).
    remove_attachments = AttachmentChoice(_l("Remove attachments"))
    reason = StringField(
        _l("Why are you changing your testimony?"),
        validators=[
            DataRequired(_l("Say briefly why you are changing your testimony.")),
            Length(max=500, message=_l("Use 500 characters or fewer.")),
            PlainText(),
        ],
        filters=[strip_text],
        render_kw={"maxlength": 500},
    )

    def __init__(
        self,
        *args,
        hearing: Hearing,
        allow_speaking: bool,
        existing_attachments: int,
        current_speaking: SpeakingRequest,
        attachments: Sequence = (),
        current_body: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.existing_attachments = existing_attachments
        self.current_body = current_body
        self.remove_attachments.choices = [
            SelectChoice(attachment.id, attachment.original_name) for attachment in attachments
        ]
        self.setup_content(hearing, allow_speaking=allow_speaking, keep_speaking=current_speaking)
        testimony = kwargs.get("obj")
        if testimony is not None:
            # Its interpreter_language column is "other" only: the fields are filled from both.
            self.show_interpreter(testimony.interpreter_language_id, testimony.interpreter_language)
            self.measures.fill(testimony.stances)

    def validate_form_key(self, field) -> None:
        self._renew_damaged_key(field)

    def public_text_fields(self) -> list:
        """An unchanged text was checked when it was first sent: only a changed one is now."""
        fields = super().public_text_fields()
        if self.current_body is not None and self.body.data == self.current_body:
            fields = [field for field in fields if field.name != "body"]
        return fields

    def max_attachments(self) -> int:
        """Room for new files: the limit, less the attachments kept (not ticked to remove)."""
        offered = {choice.value for choice in self.remove_attachments.choices}
        removing = len(offered & set(self.remove_attachments.data or ()))
        return max(0, super().max_attachments() - self.existing_attachments + removing)

    def to_amendment(self, *, kept: tuple[Upload, ...] = ()) -> Amendment:
        measure_id, position, stances = self.chosen_stances()
        return Amendment(
            measure_id=measure_id,
            position=position,
            measures=stances,
            body=self.body.data,
            speaking_request=SpeakingRequest(self.speaking_request.data),
            reason=self.reason.data,
            uploads=kept + self.checked_uploads,
            # A form from before the question was asked leaves the interpreter as it was.
            interpreter=self.interpreter() if self.interpreter_language.raw_data else None,
            # Likewise the endorsing organisations.
            endorsed_by=self.endorsed_by.names if self.endorsed_by.raw_data else None,
            # Likewise the accessibility needs ("" clears them).
            accessibility_need=(
                (self.accessibility_need.data or "") if self.accessibility_need.raw_data else None
            ),
            remove_attachments=tuple(self.remove_attachments.data or ()),
        )


class WithdrawForm(FlaskForm):
    """A CSRF token, and the version the page showed: the receipt token in the URL says which
    testimony, and an amendment made since (in another tab) withdraws nothing."""

    version = HiddenField()
