"""The moderator's campaign forms: decide every member, merge with another campaign."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from app.moderation.forms import DecisionForm, SeenVersionsMixin
from app.platform.validators import row_id
from app.testimony.models import ReviewStatus


class CampaignDecisionForm(SeenVersionsMixin, DecisionForm):
    """One decision for the campaign's members: by default only those still pending, so a
    member someone already decided on its own is not overruled."""

    expected_status = None
    expected_version = None
    members = RadioField(
        _l("Apply to"),
        choices=[
            SelectChoice(ReviewStatus.PENDING.value, _l("Members still pending")),
            SelectChoice(ReviewStatus.FLAGGED.value, _l("Members flagged for a second look")),
            SelectChoice("all", _l("Every member (where the decision is allowed)")),
        ],
        default=ReviewStatus.PENDING.value,
        validators=[DataRequired(_l("Choose which members the decision applies to."))],
    )

    # The newest member the moderator's page showed: letters that joined after it are not
    # decided along with the rest until someone has seen them.
    upto = HiddenField()

    def seen_upto(self) -> int | None:
        return row_id(self.upto.data)

    def seen_status(self) -> ReviewStatus | None:
        return None if self.members.data == "all" else ReviewStatus(self.members.data)


class MergeForm(FlaskForm):
    # The largest campaigns are offered; any campaign of the hearing is accepted (checked by
    # the service), so a small one can be merged into by its number too.
    into = SelectField(
        _l("Merge into campaign"),
        validators=[DataRequired(_l("Choose the campaign to merge with."))],
        validate_choice=False,
    )

    def target_id(self) -> int | None:
        raw = (self.into.data or "").removeprefix("C-")
        ok = raw.isascii() and raw.isdigit() and len(raw) < 11 and int(raw) < 2**31
        return int(raw) if ok else None
