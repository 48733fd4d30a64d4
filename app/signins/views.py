"""The resident's sign-in: record a position on measures of an open hearing, see the receipt,
change the positions or withdraw until the deadline, confirm the address or dispute it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address as request_address

from app.hearings.queries import hearing_with_agenda
from app.platform.extensions import csrf, limiter
from app.platform.timezones import utcnow
from app.platform.transaction import attempt, reads_first
from app.signins import identity, intake, services
from app.signins.forms import ChangePositionsForm, IdentityForm, SignInForm, WithdrawSignInForm
from app.testimony.services import refusal
from app.testimony.write_guard import parse_version

bp = Blueprint("signins", __name__)

# As for testimony: the form checks its own CSRF token, so an expired one hands back what was
# typed instead of an error page.
resident_form = csrf.exempt


@bp.route("/hearings/<int:hearing_id>/positions/new", methods=["GET", "POST"])
@resident_form
@reads_first
def sign_in(hearing_id: int):
    """Show the sign-in form and record a sign-in (app/signins/intake.py decides). The form is
    checked while only reading; the write (and on SQLite its lock) begins in intake.submit."""
    hearing = _hearing_or_404(hearing_id)
    now = utcnow()
    if not hearing.is_accepting_testimony(now) and request.method == "GET":
        return render_template("signins/not_open.html", hearing=hearing, now=now)
    form = SignInForm(hearing=hearing)
    limited = None
    if form.validate_on_submit():
        result = intake.submit(
            hearing,
            form.to_submission(),
            address=request_address(),
            now=now,
            trap=form.website.data,
            opened=form.opened.data,
        )
        if result.receipt is not None:
            flash(_("Thank you: your position was recorded."), "success")
            return redirect(url_for("signins.receipt", token=result.receipt.token), code=303)
        limited = result.limited
        if result.error is not None:
            form.form_errors.append(str(result.error))
    elif request.method == "POST" and not hearing.is_accepting_testimony(now):
        form.form_errors.append(str(refusal(hearing, now)))
    return _form_page("signins/sign_in.html", form, limited, hearing=hearing, now=now)


def _hearing_or_404(hearing_id: int):
    return hearing_with_agenda(hearing_id) or abort(404)


def _form_page(template: str, form, limited, **context):
    """The form again, with what was typed; over a limit, 429 and when to try again."""
    page = render_template(
        template,
        form=form,
        csrf_expired=bool(getattr(form, "csrf_token", None) and form.csrf_token.errors),
        limited=limited,
        **context,
    )
    if limited is None:
        return page
    return page, 429, {"Retry-After": str(limited.retry_after)}


def _seen(form, sign_in) -> int:
    """The version the page was built from; a damaged field counts as the one read now."""
    seen = parse_version(form.version.data)
    return sign_in.version if seen is None else seen


def _sign_in_or_404(token: str):
    return services.find_by_receipt_token(token) or abort(404)


@bp.route("/positions/<token>")
def receipt(token: str):
    """What was recorded; only the holder of the link can see it."""
    sign_in = _sign_in_or_404(token)
    return render_template(
        "signins/receipt.html", sign_in=sign_in, hearing=sign_in.hearing, token=token, now=utcnow()
    )


# Each change or withdrawal e-mails the address on the sign-in, which need not be the
# sender's own: a limit per network address keeps a receipt link from becoming a mail cannon.
CHANGE_LIMIT = "10 per minute; 60 per hour"


@bp.route("/positions/<token>/change", methods=["GET", "POST"])
@limiter.limit(CHANGE_LIMIT, methods=["POST"])
@resident_form
def change(token: str):
    sign_in = _sign_in_or_404(token)
    now = utcnow()
    if not sign_in.can_change(now):
        flash(_("This sign-in can no longer be changed."), "error")
        return redirect(url_for("signins.receipt", token=token), code=303)
    hearing = sign_in.hearing
    form = ChangePositionsForm(
        hearing=hearing, sign_in=sign_in if request.method == "GET" else None
    )
    if form.validate_on_submit():
        with attempt() as outcome:
            changed = services.change_positions(
                sign_in,
                form.chosen_positions(),
                now=now,
                seen_version=_seen(form, sign_in),
            )
        if outcome.error is None:
            flash(
                _("Your positions were changed.") if changed else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("signins.receipt", token=token), code=303)
        form.form_errors.append(str(outcome.error))
        form.version.data = str(sign_in.version)
    return _form_page(
        "signins/change.html", form, None, sign_in=sign_in, hearing=hearing, token=token
    )


@bp.route("/positions/<token>/withdraw", methods=["GET", "POST"])
@limiter.limit(CHANGE_LIMIT, methods=["POST"])
@resident_form
def withdraw(token: str):
    sign_in = _sign_in_or_404(token)
    if not sign_in.can_change(utcnow()):
        if not sign_in.is_withdrawn:
            flash(_("This sign-in can no longer be changed."), "error")
        return redirect(url_for("signins.receipt", token=token), code=303)
    form = WithdrawSignInForm(version=str(sign_in.version))
    if form.validate_on_submit():
        with attempt() as outcome:
            services.withdraw_sign_in(sign_in, now=utcnow(), seen_version=_seen(form, sign_in))
        if outcome.error is not None:
            flash(str(outcome.error), "error")
        else:
            flash(_("Your sign-in was withdrawn."), "success")
        return redirect(url_for("signins.receipt", token=token), code=303)
    return _form_page(
        "signins/withdraw.html", form, None, sign_in=sign_in, hearing=sign_in.hearing, token=token
    )


@bp.route(
    "/positions/<int:sign_in_id>/<any(confirm, dispute):purpose>/<token>",
    methods=["GET", "POST"],
)
def identity_link(sign_in_id: int, purpose: str, token: str):
    """A receipt's private link: a page with a button, so opening it changes nothing."""
    sign_in = identity.find(sign_in_id, purpose, token) or abort(404)
    form = IdentityForm()
    outcome = None
    if form.validate_on_submit():
        outcome = "done" if identity.record(sign_in, purpose, now=utcnow()) else "already"
    elif identity.recorded(sign_in, purpose):
        outcome = "already"
    return render_template(
        "signins/identity.html",
        sign_in=sign_in,
        hearing=sign_in.hearing,
        purpose=purpose,
        form=form,
        outcome=outcome,
    )
