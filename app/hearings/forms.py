"""Clerks' forms for bodies, committees, measures and hearings."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.hearings.models import MeasureKind, is_zip_prefix, split_places, split_zip_prefixes
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


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


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
    speaker_signup_closes_at = DateTimeLocalField(
        _l("Sign-up to speak closes (optional; defaults to the deadline)"),
        validators=[Optional(), PlausibleYear()],
    )
    measures = CheckboxList(_l("Measures on the agenda"), coerce=int)
    confirmed_only = BooleanField(
        _l("Publish only testimony whose sender confirmed their e-mail address")
    )

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
