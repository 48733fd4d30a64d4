"""The clerk's request for a background export: which kind, the whole hearing or a measure,
and for an addendum the earlier packet it lists the changes since."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from app.exports.models import PacketKind
from app.hearings.models import Hearing

BACKGROUND_KINDS = [kind for kind in PacketKind if kind.runs_in_background]


class ChoiceField(SelectField):
    """A select whose refusal says which choice was wrong, not just "Not a valid choice"."""

    def __init__(self, *args, invalid: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid

    def pre_validate(self, form) -> None:
        if self.data not in {choice[0] for choice in self.iter_choices()}:
            raise ValidationError(self.invalid)


class BackgroundExportForm(FlaskForm):
    # Each kind has its own submit button named "kind"; the clicked one is what is asked for.
    kind = ChoiceField(
        choices=[SelectChoice(kind.value, kind.value) for kind in BACKGROUND_KINDS],
        validators=[InputRequired(_l("Choose what to make."))],
        invalid=_l(
            "Choose what to make: the packet, the bundle, the speaker list or the sign-ins."
        ),
    )
    measure = ChoiceField(
        _l("Measures to include"),
        default="",
        invalid=_l("Choose all measures or one measure on this hearing's agenda."),
    )

    # For an addendum: the id of the earlier packet, from the page's list. Checked against the
    # hearing's packets by the service (app/exports/services.py: addendum_base), which says
    # exactly what is wrong with a packet that cannot be used.
    since = StringField(_l("Changes since the packet of"), default="")

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

    def validate_since(self, field) -> None:
        if self.kind.data != PacketKind.ADDENDUM_PDF.value:
            return
        value = (field.data or "").strip()
        if value and not _PACKET_ID.fullmatch(value):
            raise ValidationError(
                _l("That is not one of this hearing's packets; choose one from the list.")
            )

    def since_id(self) -> int | None:
        """The chosen earlier packet's id, for an addendum; None when none was chosen."""
        value = (self.since.data or "").strip()
        if self.kind.data != PacketKind.ADDENDUM_PDF.value or not _PACKET_ID.fullmatch(value):
            return None
        return int(value)


_PACKET_ID = re.compile(r"[0-9]{1,9}")
