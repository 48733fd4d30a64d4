"""Clerks' forms for bodies, committees, measures and hearings."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.hearings.actions import KIND_LABELS
from app.hearings.measure_texts import Translation, language_name
from app.hearings.models import (
    MeasureKind,
    SpeakingModes,
    is_zip_prefix,
    split_places,
    split_zip_prefixes,
)
from app.platform.validators import HasLettersOrDigits, PlainText, normalise_newlines, strip_text


def _text(label, max_length: int, *, required: bool = True, message=None):
    return StringField(
        label,
        validators=[
            DataRequired(message or _l("This field is required.")) if required else Optional(),
            Length(max=max_length, message=_l("Use %(max)d characters or fewer.", max=max_length)),
            PlainText(),
            *([HasLettersOrDigits()] if required else []),
        ],
        filters=[strip_text],
        render_kw={"maxlength": max_length},
    )


def _long_text(label, max_length: int):
    return TextAreaField(
        label,
        validators=[
            Optional(),
            Length(max=max_length, message=_l("Use %(max)d characters or fewer.", max=max_length)),
            PlainText(multiline=True),
        ],
        filters=[normalise_newlines, strip_text],
        render_kw={"rows": 5, "maxlength": max_length},
    )


class WebAddress:
    """Only http and https links: a javascript: or data: link must never reach a resident."""

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        parts = urlsplit(field.data)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValidationError(_l("Enter a web address starting with https://"))


class PlausibleYear:
    """Refuse a typo such as year 0226 or 9999: near year 1 or 9999 the UTC conversion overflows."""

    low, high = 1900, 2199

    def __call__(self, form, field) -> None:
        if field.data and not self.low <= field.data.year <= self.high:
            raise ValidationError(
                _l("Enter a year between %(low)d and %(high)d.", low=self.low, high=self.high)
            )


def _url(label):
    return URLField(
        label,
        validators=[Optional(), Length(max=500), PlainText(), WebAddress()],
        filters=[strip_text],
        render_kw={"maxlength": 500, "inputmode": "url"},
    )


class BodyForm(FlaskForm):
    max_places, max_place_length = 200, 100

    name = _text(_l("Name"), 200, message=_l("Enter the body's name."))
    jurisdiction = _text(
        _l("Jurisdiction (whose residents it serves)"), 200, message=_l("Enter the jurisdiction.")
    )
    resident_places = _long_text(_l("Resident places (optional)"), 5000)
    resident_zip_prefixes = _text(_l("Resident ZIP code prefixes (optional)"), 200, required=False)
    timezone = StringField(
        _l("Time zone"),
        default="America/New_York",
        validators=[DataRequired(_l("Enter a time zone such as America/New_York."))],
        filters=[strip_text],
        render_kw={"maxlength": 64, "list": "timezones"},
    )
    review_sign_ins = BooleanField(_l("Review position sign-ins before they are counted"))
    notify_review_outcomes = BooleanField(
        _l("E-mail residents when their testimony is published or not published"), default=True
    )

    def validate_timezone(self, field) -> None:
        if field.data not in available_timezones():
            raise ValidationError(_l("Enter a time zone such as America/New_York."))

    def validate_resident_places(self, field) -> None:
        if field.errors:  # too long or control characters: that message is enough
            return
        places = split_places(field.data)
        if len(places) > self.max_places:
            raise ValidationError(
                _l(
                    "List %(max)d places or fewer; this list has %(count)d.",
                    max=self.max_places,
                    count=len(places),
                )
            )
        # gettext, not lazy_gettext: a lazy string is marked safe HTML when shown, and these
        # messages quote what the clerk typed, which must be escaped.
        for place in places:
            if len(place) > self.max_place_length:
                raise ValidationError(
                    _(
                        "Shorten each place name to %(max)d characters or fewer: "
                        "“%(start)s…” is longer.",
                        max=self.max_place_length,
                        start=place[:30],
                    )
                )

    def validate_resident_zip_prefixes(self, field) -> None:
        if field.errors:
            return
        for prefix in split_zip_prefixes(field.data):
            if not is_zip_prefix(prefix):
                raise ValidationError(
                    _(
                        "Enter ZIP code prefixes of 1 to 5 digits, separated by commas: "
                        "“%(prefix)s” is not one.",
                        prefix=prefix[:30],
                    )
                )


def _lower_code(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


def _language_code():
    return StringField(
        _l("Code"),
        validators=[
            DataRequired(_l("Enter the language's code, such as es or zh-yue.")),
            Regexp(
                r"^[a-z0-9-]{1,16}\Z",
                message=_l(
                    "Use 1 to 16 letters, digits and hyphens for the code, such as es or zh-yue."
                ),
            ),
        ],
        filters=[_lower_code],
        render_kw={"maxlength": 16, "autocomplete": "off", "spellcheck": "false"},
    )


def _language_names():
    return (
        _text(_l("Name in English"), 100, message=_l("Enter the language's name in English.")),
        _text(_l("Name in Spanish"), 100, message=_l("Enter the language's name in Spanish.")),
    )


class LanguageForm(FlaskForm):
    """A language the body can provide an interpreter for, added to its list."""

    code = _language_code()
    name_en, name_es = _language_names()

    def names(self) -> dict[str, str]:
        return {"en": self.name_en.data, "es": self.name_es.data}


class LanguageNamesForm(FlaskForm):
    """A listed language's names; its code stays as it was."""

    name_en, name_es = _language_names()

    def names(self) -> dict[str, str]:
        return {"en": self.name_en.data, "es": self.name_es.data}


class CommitteeForm(FlaskForm):
    name = _text(_l("Name"), 200, message=_l("Enter the committee's name."))


class MeasureForm(FlaskForm):
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(MeasureKind.ORDINANCE.value, _l("Ordinance")),
            SelectChoice(MeasureKind.BILL.value, _l("Bill")),
            SelectChoice(MeasureKind.ORDER.value, _l("Order")),
            SelectChoice(MeasureKind.RESOLUTION.value, _l("Resolution")),
        ],
    )
    number = _text(_l("Number (e.g. Docket #0683, H.1538)"), 40, message=_l("Enter the number."))
    title = _text(_l("Title"), 300, message=_l("Enter the title."))
    summary = _long_text(_l("Summary in plain language"), 5000)
    official_url = _url(_l("Link to the official text"))
    session = _text(_l("Session (e.g. 2020, 191st General Court)"), 80, required=False)

    # The languages translated on this form, set by measure_form().
    translation_languages: tuple[str, ...] = ()

    def translation_fields(self) -> list[tuple[str, object, object]]:
        """(language, title field, summary field) for each language, in order."""
        return [(code, self[f"title_{code}"], self[f"summary_{code}"]) for code in self.languages()]

    def languages(self) -> tuple[str, ...]:
        return self.translation_languages

    def translations(self) -> dict[str, Translation]:
        return {
            code: Translation(title.data or "", summary.data or "")
            for code, title, summary in self.translation_fields()
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for _code, title, summary in self.translation_fields():
            if summary.data and not title.data and not title.errors:
                title.errors.append(
                    _l("Enter the title in this language too, or leave its summary empty.")
                )
                valid = False
        return valid


@cache
def _translated_measure_form(languages: tuple[str, ...]) -> type[MeasureForm]:
    fields: dict[str, object] = {"translation_languages": languages}
    for code in languages:
        title = fields[f"title_{code}"] = _text(
            LazyString(lambda c=code: _("Title in %(language)s", language=language_name(c))),
            300,
            required=False,
        )
        summary = fields[f"summary_{code}"] = _long_text(
            LazyString(lambda c=code: _("Summary in %(language)s", language=language_name(c))),
            5000,
        )
        # Typed in that language: spelling checkers and screen readers follow `lang`.
        for field in (title, summary):
            field.kwargs["render_kw"] = {**field.kwargs["render_kw"], "lang": code}
    return type("TranslatedMeasureForm", (MeasureForm,), fields)


def measure_form(languages: list[str], **kwargs) -> MeasureForm:
    """The measure form with a title and summary for each language in `languages`."""
    return _translated_measure_form(tuple(languages))(**kwargs)


class WholeNumber(IntegerField):
    """A whole number, with words of our own for anything else (WTForms' own message would
    come from its catalogue, untranslated)."""

    def __init__(self, label, *, invalid_message, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as error:
            self.data = None
            raise ValueError(self.invalid_message) from error

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()  # not a number: that message is enough


class Given:
    """Required, where 0 is a value (DataRequired takes 0 for nothing)."""

    def __init__(self, message) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is None:
            raise StopValidation(self.message)


class OneOf(RadioField):
    """Radio buttons that say in our words when nothing, or something not offered, is sent."""

    def __init__(self, label, *, message, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.message = message
        # Radio buttons to the templates: the error summary links to the first one.
        self.type = "RadioField"

    def pre_validate(self, form) -> None:
        if self.data not in {choice.value for choice in self.choices}:
            raise StopValidation(self.message)


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


MIN_SPEAKER_MINUTES, MAX_SPEAKER_MINUTES = 1, 60
MAX_SPEAKERS = 1000


class HearingForm(FlaskForm):
    """Times are typed in the body's local time and stored in UTC."""

    title = _text(_l("Title"), 300, message=_l("Enter the hearing's title."))
    description = _long_text(_l("Description"), 5000)
    starts_at = DateTimeLocalField(
        _l("Hearing starts"),
        validators=[DataRequired(_l("Enter when the hearing starts.")), PlausibleYear()],
    )
    location = _text(_l("Place"), 300, required=False)
    remote_url = _url(_l("Link to watch or join remotely (optional)"))
    testimony_opens_at = DateTimeLocalField(
        _l("Written testimony opens"),
        validators=[DataRequired(_l("Enter when testimony opens.")), PlausibleYear()],
    )
    testimony_closes_at = DateTimeLocalField(
        _l("Written testimony deadline"),
        validators=[DataRequired(_l("Enter the testimony deadline.")), PlausibleYear()],
    )
    # Speaking at the hearing: the fields are declared in the order the page shows them, so the
    # error summary reads the same way.
    speaking_modes = OneOf(
        _l("How speakers take part"),
        choices=[
            SelectChoice(SpeakingModes.IN_PERSON.value, _l("In person only")),
            SelectChoice(SpeakingModes.REMOTE.value, _l("Remotely only")),
            SelectChoice(SpeakingModes.BOTH.value, _l("In person or remotely")),
        ],
        default=SpeakingModes.BOTH.value,
        message=_l("Choose how speakers take part."),
    )
    speaker_minutes = WholeNumber(
        _l("Minutes per speaker"),
        default=3,
        invalid_message=_l("Enter the minutes per speaker as a whole number, such as 3."),
        validators=[
            Given(_l("Enter the minutes each speaker has.")),
            NumberRange(
                min=MIN_SPEAKER_MINUTES,
                max=MAX_SPEAKER_MINUTES,
                message=_l(
                    "Give each speaker between %(min)d and %(max)d minutes.",
                    min=MIN_SPEAKER_MINUTES,
                    max=MAX_SPEAKER_MINUTES,
                ),
            ),
        ],
        render_kw={"inputmode": "numeric", "min": MIN_SPEAKER_MINUTES, "max": MAX_SPEAKER_MINUTES},
    )
    max_speakers = WholeNumber(
        _l("Maximum number of speakers (optional)"),
        invalid_message=_l("Enter the maximum number of speakers as a whole number, such as 20."),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_SPEAKERS,
                message=_l(
                    "Enter a maximum between 1 and %(max)d speakers, or leave it empty for no "
                    "limit.",
                    max=MAX_SPEAKERS,
                ),
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_SPEAKERS},
    )
    officials_first = BooleanField(_l("Public officials speak first"))
    remote_pin = _text(
        _l("Meeting PIN or passcode for remote speakers (optional)"), 40, required=False
    )
    speaker_signup_closes_at = DateTimeLocalField(
        _l("Sign-up to speak closes (optional)"),
        validators=[Optional(), PlausibleYear()],
    )
    confirmed_only = BooleanField(
        _l("Publish only testimony whose sender confirmed their e-mail address")
    )
    measures = CheckboxList(_l("Measures on the agenda"), coerce=int)

    def __init__(self, *args, measures, timezone: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = ZoneInfo(timezone)
        self.measures.choices = [SelectChoice(m.id, m.label) for m in measures]

    def aware(self, field) -> datetime | None:
        return field.data.replace(tzinfo=self.zone) if field.data else None

    def validate_measures(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one measure."))

    def validate_testimony_closes_at(self, field) -> None:
        if (
            field.data
            and self.testimony_opens_at.data
            and field.data <= self.testimony_opens_at.data
        ):
            raise ValidationError(_l("The deadline must be after testimony opens."))
        # Both times are in the body's zone, so they compare as typed.
        starts = self.starts_at.data
        if field.data and starts and field.data > starts:
            raise ValidationError(
                _l("The testimony deadline must be no later than the hearing's start.")
            )

    def validate_speaking_modes(self, field) -> None:
        if field.data != SpeakingModes.IN_PERSON.value and not self.remote_url.data:
            raise ValidationError(
                _l(
                    "Remote speakers need the link to join: enter it under “Link to watch or "
                    "join remotely”, or choose “In person only”."
                )
            )

    def validate_speaker_signup_closes_at(self, field) -> None:
        starts = self.starts_at.data
        if field.data and starts and field.data > starts:
            raise ValidationError(_l("Sign-up to speak must close by the hearing's start."))
        closes = self.testimony_closes_at.data
        if field.data and closes and field.data > closes:
            raise ValidationError(_l("Sign-up to speak must close by the testimony deadline."))


class CancelForm(FlaskForm):
    """Only a CSRF token."""


class ConfirmForm(FlaskForm):
    """Closing testimony early or cancelling e-mails every resident: the clerk ticks a box
    first, so a stray click (or a forged one without the box) changes nothing."""

    confirm = BooleanField(
        _l("Yes, do this and e-mail everyone with testimony on this hearing"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class Day(DateField):
    """A date, with words of our own when it is not one."""

    def __init__(self, label, *, invalid_message, **kwargs) -> None:
        super().__init__(label, invalid_value_message=invalid_message, **kwargs)

    def process_formdata(self, valuelist) -> None:
        if valuelist and not valuelist[0].strip():
            self.data = None  # nothing typed: DataRequired says so
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


class Choice(SelectField):
    """A drop-down list that says in our words when something not offered is sent."""

    def __init__(self, label, *, message, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form) -> None:
        if (self.data or "") not in {choice.value for choice in self.choices}:
            raise StopValidation(self.message)


class CommitteeActionForm(FlaskForm):
    """What the committee did with a measure, on which day and (optionally) at which hearing."""

    kind = OneOf(
        _l("What the committee did"),
        choices=[],
        message=_l("Choose what the committee did."),
    )
    taken_on = Day(
        _l("Day the committee acted"),
        invalid_message=_l("Enter the day as a date, such as 2026-12-07."),
        validators=[DataRequired(_l("Enter the day the committee acted.")), PlausibleYear()],
    )
    hearing_id = Choice(
        _l("At the hearing (optional)"),
        choices=[],
        message=_l("Choose a hearing that had this measure on its agenda."),
    )
    note = _long_text(_l("Note for the public (optional)"), 1000)

    def __init__(self, *args, hearings, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
        self.hearing_id.choices = [SelectChoice("", _l("Not at a hearing"))] + [
            SelectChoice(str(hearing.id), hearing.title) for hearing in hearings
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Checked here, not in validate_note: an empty note stops its own validators (Optional).
        if self.kind.data == "other" and not self.note.errors and not self.note.data:
            self.note.errors.append(_l("Say in the note what the committee did."))
            return False
        return valid

    def chosen_hearing(self) -> int | None:
        return int(self.hearing_id.data) if self.hearing_id.data else None


class AgendaUploadForm(FlaskForm):
    """An agenda file to preview (its size and type are checked when it is read)."""

    agenda = FileField(
        _l("Agenda file (CSV or JSON)"),
        validators=[FileRequired(_l("Choose a CSV or JSON file to import."))],
        render_kw={"accept": ".csv,.json,text/csv,application/json"},
    )


class AgendaConfirmForm(FlaskForm):
    """Confirms the preview the clerk was shown: `preview` is signed and names the kept file."""

    preview = HiddenField(validators=[DataRequired()])
