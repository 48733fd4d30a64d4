"""The sign-in form (who you are, a position on each measure you choose), the form that
changes the positions, and the withdrawal confirmation."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, StopValidation

from app.hearings.models import Hearing
from app.platform.timezones import utcnow
from app.signins.services import SignInSubmission
from app.testimony.bot_defence import opened_stamp
from app.testimony.forms import (
    NOT_ADDRESSING,
    POSITION_CHOICES,
    MeasurePositions,
    ResidentFields,
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


class SignInForm(ResidentFields, PositionsMixin, FlaskForm):
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
