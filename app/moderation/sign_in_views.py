"""The moderators' sign-in tab: a hearing's sign-ins, filtered, with decisions on many at once
and keeping a disputed one."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts.access import role_required
from app.accounts.models import Role
from app.hearings.models import Hearing
from app.moderation.sign_in_forms import (
    ACTIONS,
    STATUS_LABELS,
    KeepDisputedForm,
    SignInDecisionForm,
    SignInFilterForm,
    carried_filters,
    ticked_ids,
)
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt
from app.signins import identity, queries, review
from app.signins.models import SignIn
from app.testimony.identity import is_disposable

bp = Blueprint("sign_in_moderation", __name__, url_prefix="/moderation")


@bp.route("/hearings/<int:hearing_id>/sign-ins")
@role_required(Role.MODERATOR)
def index(hearing_id: int):
    hearing = db.get_or_404(Hearing, hearing_id)
    filter_form = SignInFilterForm(request.args, hearing=hearing)
    page = queries.page(hearing.id, filter_form.to_filter(), request.args.get("after"))
    repeats = queries.repeat_counts(hearing.id, page.rows)
    return render_template(
        "moderation/sign_ins.html",
        hearing=hearing,
        filter_form=filter_form,
        page=page,
        repeated={row.id for row in page.rows if repeats[row.id] > 1},
        disposable={row.id for row in page.rows if is_disposable(row.email)},
        counts=queries.status_counts(hearing.id),
        status_labels=STATUS_LABELS,
        decision_form=SignInDecisionForm(formdata=None),
        keep_form=KeepDisputedForm(formdata=None),
        query_args=filter_form.query_args(),
    )


@bp.route("/hearings/<int:hearing_id>/sign-ins/decide", methods=["POST"])
@role_required(Role.MODERATOR)
def decide(hearing_id: int):
    """Confirm, then apply, one decision to the ticked sign-ins or to everything matching."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = SignInDecisionForm()
    filters = carried_filters(request.form)
    back = redirect(url_for("sign_in_moderation.index", hearing_id=hearing.id, **filters), code=303)
    if not form.validate_on_submit():
        flash(
            _("The page expired or the decision was not one offered. Nothing was changed."), "error"
        )
        return back
    chosen = SignInFilterForm(filters, hearing=hearing).to_filter()
    if form.applies_to_filter:
        ids = queries.matching_ids(
            hearing.id, chosen, upto=form.counted_upto(), limit=review.MAX_PER_DECISION
        )
    else:
        ids = ticked_ids(request.form, review.MAX_PER_DECISION)
    if not ids:
        flash(_("Tick at least one sign-in, or choose everything matching the filter."), "error")
        return back
    if form.applies_to_filter and request.form.get("confirmed") != "yes":
        return render_template(
            "moderation/sign_ins_confirm.html",
            hearing=hearing,
            form=form,
            count=len(ids),
            upto=max(ids),
            filters=filters,
            limit=review.MAX_PER_DECISION,
            action_label=ACTIONS[form.action.data],
        )
    with attempt() as attempted:
        changed = review.decide(
            current_user,
            hearing.id,
            ids,
            form.status(),
            reason=form.rejection_reason(),
            now=utcnow(),
        )
    if attempted.error is not None:
        flash(str(attempted.error), "error")
    else:
        flash(
            ngettext("%(num)d sign-in changed.", "%(num)d sign-ins changed.", changed)
            + " "
            + ngettext(
                "%(num)d already had that status or was withdrawn.",
                "%(num)d already had that status or were withdrawn.",
                len(ids) - changed,
            ),
            "success",
        )
    return back


@bp.route("/sign-ins/<int:sign_in_id>/keep", methods=["POST"])
@role_required(Role.MODERATOR)
def keep_disputed(sign_in_id: int):
    """Count a disputed sign-in after all (the moderator found it was the sender's)."""
    sign_in = db.get_or_404(SignIn, sign_in_id)
    if KeepDisputedForm().validate_on_submit():
        if identity.keep_disputed(current_user, sign_in, now=utcnow()):
            flash(_("Sign-in %(number)s counts again.", number=sign_in.tracking_number), "success")
    else:
        flash(_("The page expired. Nothing was changed; please try again."), "error")
    return redirect(
        url_for("sign_in_moderation.index", hearing_id=sign_in.hearing_id, disputed="yes"),
        code=303,
    )
