"""The resident's journey: submit testimony, see the receipt, amend or withdraw."""

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address as request_address
from flask_wtf.csrf import validate_csrf
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from wtforms.validators import ValidationError

from app.hearings.models import Committee, Hearing
from app.platform.extensions import csrf, db, limiter
from app.platform.timezones import local_time, utcnow
from app.platform.transaction import attempt, reads_first
from app.platform.web import remember_language
from app.testimony import (
    intake,
    kept_files,
    personal_data,
    review_notices,
    services,
    write_guard,
)
from app.testimony.forms import SEND_AS_IS, AmendmentForm, TestimonyForm, WithdrawForm

bp = Blueprint("testimony", __name__)

# These views check the CSRF token through their form instead of before the request, so an
# expired token hands the resident's text back instead of throwing it away.
resident_form = csrf.exempt


@bp.context_processor
def _personal_data_patterns() -> dict:
    """The form's script finds personal data with the server's own patterns, sent in the page."""
    return {"personal_data_for_browser": lambda: json.dumps(personal_data.browser_config())}


def _csrf_expired(form) -> bool:
    return bool(getattr(form, "csrf_token", None) and form.csrf_token.errors)


@bp.route("/hearings/<int:hearing_id>/testimony/new", methods=["GET", "POST"])
@resident_form
@reads_first
def submit(hearing_id: int):
    """Show the testimony form and accept a submission (app/testimony/intake.py decides)."""
    hearing = _hearing_or_404(hearing_id)
    now = utcnow()
    if not hearing.is_accepting_testimony(now) and request.method == "GET":
        return render_template("testimony/not_open.html", hearing=hearing, now=now)
    switch = request.form.get("switch_language") if request.method == "POST" else None
    if switch:
        return _in_language(switch, hearing, now)
    form = TestimonyForm(hearing=hearing, allow_speaking=hearing.is_accepting_speakers(now))
    scope = _show_kept_files(form, hearing, None, now)
    address = request_address()
    # Over its limit, an address has no file read (a "remove" still works).
    limited = _files_over_limit(form, hearing, address)
    removing = _remove_kept_file(form, scope, now)
    # The CSRF token first: no other site can use up limits. Then, before anything is counted
    # or stored, a resident whose text looks like it holds personal data is asked first.
    if (
        not removing
        and limited is None
        and form.validate_on_submit()
        and form.public_texts_cleared(request.form.get(SEND_AS_IS))
    ):
        result = intake.submit(
            hearing,
            form.to_submission(),
            address=address,
            now=now,
            trap=form.website.data,
            opened=form.opened.data,
            kept=_kept(form, scope),
        )
        if result.receipt is not None:
            # Also said in a status message, so a screen reader announces it on arrival.
            flash(_("Thank you: your testimony was received."), "success")
            return redirect(url_for("testimony.receipt", token=result.receipt.token), code=303)
        limited = result.limited
        if result.error is not None:
            form.form_errors.append(str(result.error))
    elif request.method == "POST" and not hearing.is_accepting_testimony(now):
        # Say so at once, whatever else is wrong; the form comes back with what they typed.
        form.form_errors.append(str(services.refusal(hearing, now)))
    if request.method == "POST":
        _keep_checked_files(form, scope, hearing.id, address, now)
    return _form_page("testimony/submit.html", form, limited, hearing=hearing, now=now)


def _form_page(template: str, form, limited, **context):
    """The form again, with what was typed. Over a limit it says so with 429 and when to try
    again: nothing was stored, and the text is handed back."""
    page = render_template(
        template, form=form, csrf_expired=_csrf_expired(form), limited=limited, **context
    )
    if limited is None:
        return page
    return page, 429, {"Retry-After": str(limited.retry_after)}


# The form's side of the kept files (app/testimony/kept_files.py): what the request carries in,
# and what the page shows.


def _show_kept_files(form, hearing: Hearing, testimony_id: int | None, now):
    """The scope of the files kept for this form, with those files put on the form."""
    key = form.key_field.data if request.method == "POST" else None
    scope = kept_files.scope_for(hearing.id, key, testimony_id)
    form.held = kept_files.held(scope, now=now)
    return scope


def _remove_kept_file(form, scope, now) -> bool:
    """A "remove" button beside a kept file: the form comes back without that file, with what
    was typed and no other check. True when this request was one."""
    wanted = request.form.get("remove_attachment") if request.method == "POST" else None
    if wanted is None:
        return False
    if form.csrf_is_valid():
        removed = kept_files.remove(scope, wanted, now=now)
        if removed is not None:
            form.held = [held for held in form.held if held.id != removed.id]
    # Files chosen alongside are checked and kept like those of any form sent back.
    _check_new_files(form)
    return True


def _check_new_files(form) -> None:
    """Check only the files of a request that sends nothing else (a "remove" or a language
    switch), so the good ones can be kept."""
    if form.new_files():
        form.attachments.validate(form, [type(form).validate_attachments])


def _files_over_limit(form, hearing: Hearing, address: str):
    """Before any file is read: an address over its limit gets the form back unread."""
    new_files = request.method == "POST" and bool(form.new_files())
    limited = kept_files.over_limit(hearing.id, address, new_files=new_files)
    form.skip_file_checks = limited is not None
    return limited


def _keep_checked_files(form, scope, hearing_id: int, address: str, now) -> None:
    """The form is going back to the resident: keep the files that passed the checks."""
    form.held.extend(
        kept_files.keep(
            scope,
            form.checked_uploads,
            hearing_id=hearing_id,
            address=address,
            files_read=form.files_checked,
            limit=form.max_attachments(),
            now=now,
        )
    )
    form.checked_uploads = ()


def _kept(form, scope) -> intake.Kept | None:
    """The kept files that go with this form; none when the form showed none (no second look
    in the hot path)."""
    if scope is None or not form.held:
        return None
    return intake.Kept(scope, room=form.max_attachments() - len(form.checked_uploads))


# The hearing with what the form, the page and the receipt e-mail show of it, in one query
# (each lazy load is a round trip, and a surge multiplies them). Built once: SQLAlchemy keeps
# the cache key of a statement it has seen, so each request only binds the id (a statement
# built per request cost a millisecond more, on every submission).
_HEARING_WITH_AGENDA = (
    select(Hearing)
    .options(
        joinedload(Hearing.committee).joinedload(Committee.body),
        joinedload(Hearing.measures),
    )
    .where(Hearing.id == bindparam("hearing_id"))
)


def _hearing_or_404(hearing_id: int) -> Hearing:
    hearing = (
        db.session.execute(_HEARING_WITH_AGENDA, {"hearing_id": hearing_id})
        .unique()
        .scalar_one_or_none()
    )
    return hearing or abort(404)


def _in_language(code: str, hearing: Hearing, now):
    """The same form, filled in as it was, in another language: nothing is checked or stored,
    except that PDFs chosen before switching are checked and kept, as on a form sent back."""
    if code not in current_app.config["LANGUAGES"]:
        code = str(get_locale())
    with force_locale(code):
        form = TestimonyForm(hearing=hearing, allow_speaking=hearing.is_accepting_speakers(now))
        scope = _show_kept_files(form, hearing, None, now)
        # Files chosen before switching are checked and kept, as on a form sent back.
        address = request_address()
        limited = _files_over_limit(form, hearing, address)
        if limited is None:
            _check_new_files(form)
        _keep_checked_files(form, scope, hearing.id, address, now)
        page = render_template(
            "testimony/submit.html",
            hearing=hearing,
            form=form,
            now=now,
            csrf_expired=False,
            limited=limited,
        )
    response = make_response(page)
    try:
        validate_csrf(request.form.get("csrf_token", ""))
    except ValidationError:
        return response  # shown in that language, but another site cannot set a preference
    return remember_language(response, code)


@bp.route("/receipts/<token>")
def receipt(token: str):
    """Show the resident what we received; only the holder of the link can see it."""
    testimony = services.find_by_receipt_token(token) or abort(404)
    now = utcnow()
    return render_template(
        "testimony/receipt.html",
        testimony=testimony,
        hearing=testimony.hearing,
        token=token,
        now=now,
        # What the e-mail said of its review, in the same words.
        outcome=review_notices.outcome(testimony, now),
    )


def _refuse_change(testimony, token: str, now):
    """Back to the receipt, saying why this testimony cannot be changed now."""
    hearing = testimony.hearing
    if testimony.is_withdrawn:
        message = str(services.TestimonyWithdrawn())
    elif isinstance(services.refusal(hearing, now), services.HearingCancelled):
        message = str(services.HearingCancelled())
    else:
        message = " ".join(
            (
                _("This testimony can no longer be changed."),
                _(
                    "The deadline for testimony was %(when)s.",
                    when=local_time(hearing.testimony_closes_at, hearing.timezone),
                ),
            )
        )
    flash(message, "error")
    return redirect(url_for("testimony.receipt", token=token), code=303)


# Each amendment or withdrawal e-mails the address on the testimony, which need not be the
# sender's own: a limit per network address keeps a receipt link from becoming a mail cannon.
CHANGE_LIMIT = "10 per minute; 60 per hour"


@bp.route("/receipts/<token>/amend", methods=["GET", "POST"])
@limiter.limit(CHANGE_LIMIT, methods=["POST"])
@resident_form
@reads_first
def amend(token: str):
    """Let the resident change their testimony until the deadline, giving a reason."""
    testimony = services.find_by_receipt_token(token) or abort(404)
    now = utcnow()
    if not testimony.can_amend(now):
        return _refuse_change(testimony, token, now)
    hearing = testimony.hearing
    form = AmendmentForm(
        obj=testimony if request.method == "GET" else None,
        hearing=hearing,
        allow_speaking=hearing.is_accepting_speakers(now),
        existing_attachments=len(testimony.attachments),
        current_speaking=testimony.speaking_request,
        attachments=testimony.attachments,
        current_body=testimony.body,
    )
    if request.method == "GET":
        form.endorsed_by.show(services.named_endorsements().names(testimony.id))
    scope = _show_kept_files(form, hearing, testimony.id, now)
    address = request_address()
    limited = _files_over_limit(form, hearing, address)
    removing = _remove_kept_file(form, scope, now)
    # Files are checked (which takes a moment) before SQLite's write lock is taken, so a slow
    # upload never holds up other residents' submissions; the intake then writes only if the
    # testimony is still the version this form was built from. A changed text that looks like
    # it holds personal data is first shown back, to be edited or sent as it is.
    if (
        not removing
        and limited is None
        and form.validate_on_submit()
        and form.public_texts_cleared(request.form.get(SEND_AS_IS))
    ):
        result = intake.amend(
            testimony,
            form.to_amendment(),
            now=now,
            seen_version=write_guard.parse_version(form.version.data),
            kept=_kept(form, scope),
        )
        if result.error is None:
            flash(
                _("Your testimony was amended.") if result.changed else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("testimony.receipt", token=token), code=303)
        form.form_errors.append(str(result.error))
        if isinstance(result.error, services.AmendedMeanwhile):
            # Told, the resident may save over the current version on purpose.
            form.version.data = str(testimony.version)
    if request.method == "POST":
        _keep_checked_files(form, scope, hearing.id, address, now)
    return _form_page(
        "testimony/amend.html",
        form,
        limited,
        testimony=testimony,
        hearing=hearing,
        token=token,
        now=now,
    )


@bp.route("/receipts/<token>/withdraw", methods=["GET", "POST"])
@limiter.limit(CHANGE_LIMIT, methods=["POST"])
@resident_form
def withdraw(token: str):
    """Ask for confirmation, then withdraw the testimony."""
    testimony = services.find_by_receipt_token(token) or abort(404)
    now = utcnow()
    if testimony.is_withdrawn and request.method == "POST":
        # Sent twice (a double click): what was asked for is done.
        flash(_("Your testimony was withdrawn."), "success")
        return redirect(url_for("testimony.receipt", token=token), code=303)
    if not testimony.can_withdraw(now):
        return _refuse_change(testimony, token, now)
    form = WithdrawForm(version=str(testimony.version))
    if form.validate_on_submit():
        with attempt() as outcome:
            services.withdraw_testimony(
                testimony, now=utcnow(), seen_version=write_guard.parse_version(form.version.data)
            )
        if outcome.error is not None:
            flash(str(outcome.error), "error")
        else:
            flash(_("Your testimony was withdrawn."), "success")
        return redirect(url_for("testimony.receipt", token=token), code=303)
    return render_template(
        "testimony/withdraw.html",
        testimony=testimony,
        hearing=testimony.hearing,
        form=form,
        token=token,
        csrf_expired=_csrf_expired(form),
    )
