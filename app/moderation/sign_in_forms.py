"""The moderators' sign-in tab: its filters (GET) and the decision on many sign-ins (POST)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.hearings.models import Hearing
from app.moderation.forms import POSITION_LABELS, REASON_CHOICES
from app.platform.validators import PlainText, row_id, strip_text
from app.signins.models import SignInStatus
from app.signins.queries import SignInFilter
from app.testimony.models import Position, RejectionReason

ANY = ""
FILTER_KEYS = frozenset({"status", "measure", "position", "automated", "disputed", "name"})
STATUS_LABELS = {
    SignInStatus.PUBLISHED: _l("Counted"),
    SignInStatus.PENDING: _l("Awaiting review"),
    SignInStatus.REJECTED: _l("Rejected"),
    SignInStatus.WITHDRAWN: _l("Withdrawn"),
}
ACTIONS = {
    SignInStatus.PUBLISHED.value: _l("Count (publish)"),
    SignInStatus.REJECTED.value: _l("Reject"),
    SignInStatus.PENDING.value: _l("Return to review"),
}


class SignInFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(_l("Status"), validators=[Optional()])
    measure = SelectField(_l("Measure"), validators=[Optional()])
    position = SelectField(
        _l("Position"),
        choices=[SelectChoice(ANY, _l("Any position"))]
        + [SelectChoice(p.value, POSITION_LABELS[p]) for p in Position],
        validators=[Optional()],
    )
    automated = SelectField(
        _l("Possibly automated"),
        choices=[
            SelectChoice(ANY, _l("Either")),
            SelectChoice("yes", _l("Only possibly automated")),
            SelectChoice("no", _l("Only the others")),
        ],
        validators=[Optional()],
    )
    disputed = SelectField(
        _l("Identity"),
        choices=[SelectChoice(ANY, _l("Any")), SelectChoice("yes", _l("Disputed by the sender"))],
        validators=[Optional()],
    )
    name = StringField(
        _l("Name starts with"),
        validators=[Optional(), Length(max=100), PlainText()],
        filters=[strip_text],
        render_kw={"maxlength": 100},
    )

    def __init__(self, source: MultiDict, *, hearing: Hearing) -> None:
        super().__init__(formdata=source)
        self.status.choices = [SelectChoice(ANY, _l("Any status"))] + [
            SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()
        ]
        self.measure.choices = [SelectChoice(ANY, _l("Any measure"))] + [
            SelectChoice(str(m.id), m.number) for m in hearing.measures
        ]
        self.validate()

    def to_filter(self) -> SignInFilter:
        """The filter as chosen; anything not offered counts as "any"."""

        def offered(field) -> str:
            valid = {
                choice.value if hasattr(choice, "value") else choice[0] for choice in field.choices
            }
            return field.data if field.data in valid else ANY

        status, measure, position = (
            offered(self.status),
            offered(self.measure),
            offered(self.position),
        )
        automated = offered(self.automated)
        return SignInFilter(
            status=SignInStatus(status) if status else None,
            measure_id=int(measure) if measure else None,
            position=Position(position) if position else None,
            automated={"yes": True, "no": False}.get(automated),
            disputed=offered(self.disputed) == "yes",
            name=(self.name.data or "")[:100] if not self.name.errors else "",
        )

    def query_args(self) -> dict[str, str]:
        return {
            key: value for key, value in (self.data or {}).items() if key in FILTER_KEYS and value
        }


class SignInDecisionForm(FlaskForm):
    action = SelectField(
        _l("Decision"), choices=[SelectChoice(value, label) for value, label in ACTIONS.items()]
    )
    reason = SelectField(
        _l("Reason (when rejecting)"),
        choices=[SelectChoice(ANY, _l("Choose a reason")), *REASON_CHOICES],
        validators=[Optional()],
    )
    scope = HiddenField(default="selected")
    upto = HiddenField()

    @property
    def applies_to_filter(self) -> bool:
        return self.scope.data == "filter"

    def status(self) -> SignInStatus:
        return SignInStatus(self.action.data)

    def rejection_reason(self) -> RejectionReason | None:
        return RejectionReason(self.reason.data) if self.reason.data else None

    def counted_upto(self) -> int | None:
        return row_id(self.upto.data)


def carried_filters(submitted: MultiDict) -> MultiDict:
    return MultiDict(
        (name[2:], value)
        for name, value in submitted.items(multi=True)
        if name.startswith("f_") and name[2:] in FILTER_KEYS
    )


def ticked_ids(submitted: MultiDict, limit: int) -> list[int]:
    ids = (row_id(value) for value in submitted.getlist("ids"))
    return [sign_in_id for sign_in_id in ids if sign_in_id is not None][:limit]


class KeepDisputedForm(FlaskForm):
    """The "count it after all" button on a disputed sign-in: a CSRF token only."""
