"""Admins' forms: an organisation's details, a new API key, and the confirmations that archive
an organisation or revoke a key."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.hearings.forms import OneOf, WebAddress, WholeNumber
from app.hearings.models import Body
from app.organisations.models import ApiScope
from app.organisations.services import MAX_ITEMS_PER_HOUR, OrganisationDetails
from app.platform.validators import HasLettersOrDigits, PlainText, strip_text

SCOPE_CHOICES = [
    SelectChoice(ApiScope.SUBMIT_TESTIMONY.value, _l("Submit written testimony")),
    SelectChoice(ApiScope.SUBMIT_SIGN_INS.value, _l("Submit position sign-ins")),
    SelectChoice(ApiScope.ENDORSE.value, _l("Endorse published testimony and campaigns")),
]
SCOPE_LABELS = {ApiScope(choice.value): choice.label for choice in SCOPE_CHOICES}
LIFETIME_DAYS = (30, 90, 180, 365)
DEFAULT_LIFETIME_DAYS = 90


def _line(label, max_length: int, *, message):
    return StringField(
        label,
        validators=[
            DataRequired(message),
            Length(max=max_length, message=_l("Use %(max)d characters or fewer.", max=max_length)),
            PlainText(),
            HasLettersOrDigits(),
        ],
        filters=[strip_text],
        render_kw={"maxlength": max_length},
    )


class OrganisationForm(FlaskForm):
    name = _line(_l("Name"), 200, message=_l("Enter the organisation's name."))
    contact_email = EmailField(
        _l("Contact e-mail address"),
        validators=[
            DataRequired(_l("Enter the organisation's contact e-mail address.")),
            Length(max=254, message=_l("Use 254 characters or fewer.")),
            Email(_l("Enter an e-mail address like name@example.org.")),
        ],
        filters=[strip_text],
        render_kw={"autocomplete": "off", "maxlength": 254, "spellcheck": "false"},
    )
    website = URLField(
        _l("Website (optional)"),
        validators=[
            Optional(),
            Length(max=500, message=_l("Use %(max)d characters or fewer.", max=500)),
            PlainText(),
            WebAddress(),
        ],
        filters=[strip_text],
        render_kw={"maxlength": 500, "inputmode": "url", "spellcheck": "false"},
    )

    def to_details(self) -> OrganisationDetails:
        return OrganisationDetails(
            name=self.name.data,
            contact_email=self.contact_email.data,
            website=self.website.data or None,
        )


class Checkboxes(SelectMultipleField):
    """Tick boxes that say in our words when nothing, or something not offered, is sent."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label, *, message, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.message = message

    @property
    def anchor(self) -> str:
        """Where the error summary's link leads: the first box."""
        return f"{self.id}-0"

    def process_formdata(self, valuelist) -> None:
        self.data = list(valuelist)

    def pre_validate(self, form) -> None:
        offered = {str(choice.value) for choice in self.choices}
        if not self.data:
            raise StopValidation(self.message)
        if any(value not in offered for value in self.data):
            raise StopValidation(_l("Choose from the options shown."))


class KeyForm(FlaskForm):
    """A new key: what it may do, where, for how long, how much."""

    # The form's random key: sent twice, it issues one key (KeyAlreadyIssued the second time).
    form_key = HiddenField(
        "",
        validators=[
            Regexp(
                r"^[A-Za-z0-9_-]{16,64}\Z",
                message=_l("This form was damaged. Check your answers and submit it again."),
            )
        ],
    )
    label = _line(_l("Label"), 100, message=_l("Enter a label for the key."))
    scopes = Checkboxes(
        _l("What the key may do"),
        choices=SCOPE_CHOICES,
        message=_l("Choose at least one thing the key may do."),
    )
    bodies = Checkboxes(
        _l("Bodies it may submit to"),
        message=_l("Choose at least one body the key may submit to."),
    )
    lifetime = OneOf(
        _l("Expires after"),
        choices=[
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("180", _l("180 days")),
            SelectChoice("365", _l("1 year")),
        ],
        default=str(DEFAULT_LIFETIME_DAYS),
        message=_l("Choose when the key expires."),
    )
    items_per_hour = WholeNumber(
        _l("Most items an hour (optional)"),
        invalid_message=_l("Enter a whole number, such as 5000."),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_ITEMS_PER_HOUR,
                message=_l("Allow between 1 and %(max)d items an hour.", max=MAX_ITEMS_PER_HOUR),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )

    def __init__(self, *args, bodies: list[Body], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offered_bodies = {body.id: body for body in bodies}
        self.bodies.choices = [SelectChoice(str(body.id), body.name) for body in bodies]
        if not self.is_submitted():
            self.form_key.data = secrets.token_urlsafe(24)

    def validate_form_key(self, field) -> None:
        if field.errors:
            # A good key goes back, or the damaged one would make every retry fail too.
            field.data = secrets.token_urlsafe(24)

    def chosen_scopes(self) -> list[ApiScope]:
        return [ApiScope(value) for value in self.scopes.data]

    def chosen_bodies(self) -> list[Body]:
        return [self.offered_bodies[int(value)] for value in self.bodies.data]

    def expires_at(self, now: datetime) -> datetime:
        return now + timedelta(days=int(self.lifetime.data))


class ConfirmForm(FlaskForm):
    """Archiving and revoking cannot be undone: the admin ticks a box first."""

    confirm = BooleanField(
        _l("Yes, I understand this cannot be undone"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
