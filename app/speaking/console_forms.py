"""The speaker console's forms: an action button (carrying the run sheet version its page
showed), and a walk-in's sign-up, typed by staff at the door or by the resident on the kiosk."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from app.hearings.models import Hearing, InterpreterLanguage
from app.platform.validators import HasLettersOrDigits, PlainText, strip_text
from app.speaking.floor import WalkIn
from app.speaking.models import SpeakerMode
from app.speaking.screens import MODE_LABELS
from app.testimony.forms import POSITION_CHOICES, RequiredChoice
from app.testimony.models import Position

OTHER_LANGUAGE = "other"
# A run sheet's version as a page shows it: a whole number the database can store.
VERSION = r"^[0-9]{1,9}\Z"


def _version():
    # Hidden fields get an empty label: without one WTForms makes one up through its own
    # message catalogue.
    return HiddenField(
        "",
        validators=[
            Regexp(
                VERSION,
                message=_l("This form was damaged. Look at the list again and repeat the action."),
            )
        ],
    )


def _line(label, max_length: int, *, required_message=None):
    """A one-line text field; required when a required_message is given."""
    validators = [
        DataRequired(required_message) if required_message else Optional(),
        Length(max=max_length, message=_l("Use %(max)d characters or fewer.", max=max_length)),
        PlainText(),
    ]
    if required_message:
        validators.append(HasLettersOrDigits())
    return StringField(
        label,
        validators=validators,
        filters=[strip_text],
        # Never offered from the browser's memory: at the door one device serves everyone.
        render_kw={"maxlength": max_length, "autocomplete": "off"},
    )


class ConsoleActionForm(FlaskForm):
    """One of the console's buttons: call next, finish, no-show, skip, kiosk."""

    version = _version()

    @property
    def seen_version(self) -> int:
        return int(self.version.data)


class _WalkInFields:
    """What every walk-in form checks and hands on; the fields are declared by each form, in
    the words of whoever fills it in."""

    def setup(
        self,
        hearing: Hearing,
        languages: Sequence[InterpreterLanguage],
        locale: str,
        *,
        modes: Sequence[SpeakerMode] | None = None,
    ) -> None:
        # New lists for this form: the fields' own lists are shared by every form the class
        # builds (see app/testimony/forms.py).
        self.measure_id.choices = [SelectChoice(m.id, m.label) for m in hearing.measures]
        if len(hearing.measures) == 1 and self.measure_id.data is None:
            self.measure_id.data = hearing.measures[0].id
        self.position.choices = list(POSITION_CHOICES)
        if modes is None:
            modes = [
                mode
                for mode, offered in (
                    (SpeakerMode.IN_PERSON, hearing.has_in_person_option),
                    (SpeakerMode.REMOTE, hearing.has_remote_option),
                )
                if offered
            ] or [SpeakerMode.IN_PERSON]
        self.offered_modes = list(modes)
        if self.mode is not None:
            self.mode.choices = [SelectChoice(m.value, MODE_LABELS[m.value]) for m in modes]
            if not self.mode.data:
                self.mode.data = modes[0].value
        self.interpreter.choices = [
            SelectChoice("", _l("No interpreter")),
            *(SelectChoice(str(language.id), language.name(locale)) for language in languages),
            SelectChoice(OTHER_LANGUAGE, _l("Another language (say which)")),
        ]

    def validate_interpreter(self, field) -> None:
        if (field.data or "") not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose one of the options shown."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        other = self.interpreter_other
        # Here rather than on the field: an empty optional field stops its own checks.
        if self.interpreter.data == OTHER_LANGUAGE and not other.data and not other.errors:
            other.errors = [_l("Say which language the interpreter is needed for.")]
            return False
        return valid

    def to_walk_in(self, *, language: str | None) -> WalkIn:
        choice = self.interpreter.data or ""
        organization = self.organization.data if self.organization is not None else None
        mode = SpeakerMode(self.mode.data) if self.mode is not None else self.offered_modes[0]
        return WalkIn(
            full_name=self.full_name.data,
            city=self.city.data or "",
            organization=organization or None,
            measure_id=self.measure_id.data,
            position=Position(self.position.data),
            mode=mode,
            interpreter_language_id=int(choice) if choice.isdigit() else None,
            interpreter_other=(self.interpreter_other.data or None)
            if choice == OTHER_LANGUAGE
            else None,
            language=language,
        )


def _interpreter(label):
    # Checked by validate_interpreter, in our own words rather than WTForms'.
    return SelectField(label, validate_choice=False, default="")


class WalkInForm(_WalkInFields, FlaskForm):
    """Staff at the door sign up someone who has just arrived."""

    version = _version()
    full_name = _line(_l("Name"), 200, required_message=_l("Enter the speaker's name."))
    city = _line(_l("City or town (optional)"), 100)
    organization = _line(_l("Organization (optional)"), 200)
    measure_id = RequiredChoice(
        _l("Measure"), coerce=int, missing_message=_l("Choose the measure they will speak on.")
    )
    position = RequiredChoice(
        _l("Position"), missing_message=_l("Choose support, oppose or neutral.")
    )
    mode = RequiredChoice(
        _l("How they will speak"), missing_message=_l("Choose in person or remotely.")
    )
    interpreter = _interpreter(_l("Interpreter"))
    interpreter_other = _line(_l("Other language"), 100)


class KioskForm(_WalkInFields, FlaskForm):
    """A resident signs up on the kiosk tablet at the door: they speak in person."""

    full_name = _line(_l("Your name"), 200, required_message=_l("Enter your name."))
    city = _line(_l("Your city or town (optional)"), 100)
    organization = None
    measure_id = RequiredChoice(
        _l("Which measure do you want to speak on?"),
        coerce=int,
        missing_message=_l("Choose the measure you want to speak on."),
    )
    position = RequiredChoice(
        _l("Your position"), missing_message=_l("Choose support, oppose or neutral.")
    )
    mode = None
    interpreter = _interpreter(_l("Do you need an interpreter?"))
    interpreter_other = _line(_l("Which language? (if it is not on the list)"), 100)

    def setup_kiosk(
        self, hearing: Hearing, languages: Sequence[InterpreterLanguage], locale: str
    ) -> None:
        self.setup(hearing, languages, locale, modes=[SpeakerMode.IN_PERSON])
