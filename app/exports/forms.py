"""The clerk's request for a background export: which kind, and the whole hearing or a measure."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.exports.models import PacketKind
from app.hearings.models import Hearing

BACKGROUND_KINDS = [kind for kind in PacketKind if kind.runs_in_background]


class BackgroundExportForm(FlaskForm):
    # Each kind has its own submit button named "kind"; the clicked one is what is asked for.
    kind = SelectField(
        choices=[SelectChoice(kind.value, kind.value) for kind in BACKGROUND_KINDS],
        validators=[InputRequired(_l("Choose what to make."))],
    )
    measure = SelectField(_l("Measures to include"), default="")

    def __init__(self, hearing: Hearing, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hearing = hearing
        self.measure.choices = [SelectChoice("", _l("All measures on the agenda"))] + [
            SelectChoice(str(measure.id), measure.label) for measure in hearing.measures
        ]

    def chosen_measure(self):
        if not self.measure.data:
            return None
        return next(m for m in self.hearing.measures if str(m.id) == self.measure.data)
