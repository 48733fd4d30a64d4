"""The sign-in form (who you are, a position on each measure you choose), the form that
changes the positions, and the withdrawal confirmation."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp, StopValidation

from app.hearings.models import Hearing
from app.platform.timezones import utcnow
from app.platform.validators import email_field, strip_text
from app.signins.services import SignInSubmission
from app.testimony.bot_defence import opened_stamp
from app.testimony.forms import (
    NOT_ADDRESSING,
    POSITION_CHOICES,
    MeasurePositions,
    _form_key,
    _line,
)
from app.testimony.models import Position

NO_POSITION_CHOICES = [SelectChoice(NOT_ADDRESSING, _l("No position")), *POSITION_CHOICES]


class SignInPositions(MeasurePositions):
    """A position on each measure the resident chooses: one group of radio buttons per
    measure on the agenda, at least one chosen."""

    def pre_validate(self, form) -> None:
        allowed = {choice.value for choice in NO_POSITION_CHOICES}
        if self.unknown_sent:
            raise StopValidation(_l("Choose measures on this hearing's agenda."))
        if any(value not in allowed for value in self.data.values()):
            raise StopValidation(_l("Choose one of the options shown."))
        if all(value == NOT_ADDRESSING for value in self.data.values()):
            raise StopValidation(
                _l("Choose support, oppose or neutral on at least one measure.")
                if len(self.measures) > 1
                else _l("Choose support, oppose or neutral.")
            )


class PositionsMixin:
    """The measure-by-measure positions, as both forms show them."""

    def offer_measures(self, hearing: Hearing) -> None:
        self.agenda = list(hearing.measures)
        self.measures.offer(self.agenda)
        # One measure: nothing to leave out, so no "No position" choice.
        self.measure_position_choices = (
            NO_POSITION_CHOICES if len(self.agenda) > 1 else POSITION_CHOICES
        )

    def chosen_positions(self) -> tuple[tuple[int, Position], ...]:
        return tuple(self.measures.stances(self.agenda))


class SignInForm(PositionsMixin, FlaskForm):
    PAGE_ORDER = (
        "submission_key",
        "full_name",
        "email",
        "city",
        "zip_code",
        "organization",
        "measures",
        "public_record_acknowledged",
    )

    submission_key = _form_key()
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
    measures = SignInPositions(_l("Your position"))
    public_record_acknowledged = BooleanField(
        _l("I understand that my name, city or town and positions become public record."),
        validators=[
            DataRequired(_l("Confirm that you understand your sign-in becomes public record."))
        ],
    )

    def __init__(self, *args, hearing: Hearing, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer_measures(hearing)
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)
        if not self.opened.data and not self.is_submitted():
            self.opened.data = opened_stamp(utcnow())

    def validate_submission_key(self, field) -> None:
        if field.errors:
            field.data = secrets.token_urlsafe(24)

    def in_page_order(self) -> list:
        return [self[name] for name in self.PAGE_ORDER]

    def to_submission(self) -> SignInSubmission:
        return SignInSubmission(
            submission_key=self.submission_key.data,
            full_name=self.full_name.data,
            email=self.email.data,
            city=self.city.data,
            zip_code=self.zip_code.data,
            organization=self.organization.data or None,
            positions=self.chosen_positions(),
        )


class ChangePositionsForm(PositionsMixin, FlaskForm):
    """New positions for a sign-in, carrying the version the page showed."""

    PAGE_ORDER = ("measures",)

    version = HiddenField()
    measures = SignInPositions(_l("Your position"))

    def __init__(self, *args, hearing: Hearing, sign_in=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer_measures(hearing)
        if sign_in is not None:
            self.measures.fill(sign_in.positions)
            self.version.data = str(sign_in.version)

    def in_page_order(self) -> list:
        return [self[name] for name in self.PAGE_ORDER]


class WithdrawSignInForm(FlaskForm):
    version = HiddenField()


class IdentityForm(FlaskForm):
    """The button on a confirm or dispute link's page: a CSRF token only."""
