"""The follow forms: what to follow, the address, how often; and the follower's own settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from app.following.models import Frequency
from app.platform.validators import email_field

FREQUENCY_CHOICES = [
    SelectChoice(Frequency.IMMEDIATE.value, _l("Each time something happens")),
    SelectChoice(Frequency.DAILY.value, _l("At most once a day, in a digest")),
]


class _Trap:
    # A field people never see: a form sent with it filled in is treated as sent, and dropped.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off"})


class FollowForm(_Trap, FlaskForm):
    subject = RadioField(
        _l("What do you want to follow?"),
        validators=[InputRequired(_l("Choose what to follow."))],
    )
    email = email_field("email")
    frequency = RadioField(
        _l("How often do you want e-mail?"),
        choices=FREQUENCY_CHOICES,
        default=Frequency.IMMEDIATE.value,
        validators=[DataRequired(_l("Choose how often you want e-mail."))],
    )

    def __init__(self, *args, subjects: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subject.choices = [SelectChoice(value, label) for value, label in subjects]
        if self.subject.data is None and subjects:
            self.subject.data = subjects[0][0]


class ReminderForm(_Trap, FlaskForm):
    email = email_field("email")


class FrequencyForm(FlaskForm):
    frequency = RadioField(
        _l("How often do you want e-mail?"),
        choices=FREQUENCY_CHOICES,
        validators=[DataRequired(_l("Choose how often you want e-mail."))],
    )
