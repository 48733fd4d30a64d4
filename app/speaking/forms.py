"""The run sheet's forms: each carries the list version its page showed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from app.hearings.forms import WebAddress
from app.platform.validators import PlainText, strip_text
from app.speaking.models import OrderRule


class SheetForm(FlaskForm):
    """A change to the list as the page showed it."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class ProposeForm(SheetForm):
    rule = RadioField(
        _l("Order"),
        choices=[
            SelectChoice(OrderRule.FIRST_COME.value, _l("First come, first served")),
            SelectChoice(
                OrderRule.ALTERNATE.value,
                _l("Alternate support, oppose and neutral, measure by measure"),
            ),
        ],
        default=OrderRule.FIRST_COME.value,
        validators=[DataRequired(_l("Choose how to order the speakers."))],
    )
    officials_first = BooleanField(_l("Public officials speak first"))
    group_interpreters = BooleanField(_l("Group speakers who need the same interpreter"))


class ReorderForm(SheetForm):
    # The waiting speakers' ids in their new order, as the drag-and-drop script sends them.
    order = StringField(
        validators=[
            DataRequired(),
            Length(max=20_000),
            Regexp(r"^[0-9]+(,[0-9]+)*\Z"),
        ]
    )

    def speaker_ids(self) -> list[int]:
        return [int(part) for part in self.order.data.split(",")]


class SpeakerForm(FlaskForm):
    is_official = BooleanField(_l("Public official"))
    remote_link = StringField(
        _l("Join link for this speaker (optional)"),
        validators=[
            Optional(),
            Length(max=500, message=_l("Use 500 characters or fewer.")),
            PlainText(),
            WebAddress(),
        ],
        filters=[strip_text],
    )
