"""The resident's journey: submit testimony, see the receipt, amend or withdraw."""

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
from sqlalchemy.orm import joinedload, selectinload
from wtforms.validators import ValidationError

from app.hearings.models import Committee, Hearing
from app.platform.database import begin_writing, reads_first
from app.platform.errors import DomainError
from app.platform.extensions import csrf, db
from app.platform.timezones import utcnow
from app.platform.web import remember_language
from app.testimony import bot_defence, held_uploads, services, write_guard
from app.testimony.forms import AmendmentForm, TestimonyForm, WithdrawForm, has_good_key

bp = Blueprint("testimony", __name__)

# These views check the CSRF token through their form instead of before the request, so an
# expired token hands the resident's text back instead of throwing it away.
resident_form = csrf.exempt


def _csrf_expired(form) -> bool:
    return bool(getattr(form, "csrf_token", None) and form.csrf_token.errors)


@bp.route("/hearings/<int:hearing_id>/testimony/new", methods=["GET", "POST"])
@resident_form
@reads_first
def submit(hearing_id: int):
    """Show the testimony form and accept a submission."""
    hearing = _hearing_or_404(hearing_id)
    now = utcnow()
    if not hearing.is_accepting_testimony(now) and request.method == "GET":
        return render_template("testimony/not_open.html", hearing=hearing, now=now)
    switch = request.form.get("switch_language") if request.method == "POST" else None
    if switch:
        return _in_language(switch, hearing, now)
    form = TestimonyForm(hearing=hearing, allow_speaking=hearing.is_accepting_speakers(now))
    scope = _held_files(form, hearing, None, now)
    address = request_address()
    stored = None
    # Over its limit, an address has no file read (a "remove" still works).
    limited = _files_over_limit(form, hearing, address)
    removing = _removing(form, scope, now)
    # The CSRF token first: no other site can use up limits.
    valid = not removing and limited is None and form.validate_on_submit()
    if valid:
        stored = services.already_stored(hearing, form.submission_key.data)
    if valid and not stored:
        limited = bot_defence.count_from_address(hearing.id, address) or (
            bot_defence.count_for_email(hearing.id, form.email.data)
        )
    if valid and limited is None:
        reason = bot_defence.quarantine_reason(form.website.data, form.opened.data, now)
        begin_writing()  # the form is checked: only now wait for the database's write lock
        # The deadline, as it is now, inside the transaction that stores the testimony.
        db.session.refresh(hearing, Hearing.STATUS_TIMES)
        # Files kept from this form's earlier tries go with it (and stay kept if it fails).
        kept = _take_kept(form, scope, now)
        submission = form.to_submission(quarantine_reason=reason, kept=kept)
        # The service owns the deadline: it refuses a late form, but a retry of a form stored
        # before the deadline still gets its receipt.
        try:
            receipt = services.submit_testimony(hearing, submission, now=now, known_new=not stored)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            # Also said in a status message, so a screen reader announces it on arrival.
            flash(_("Thank you: your testimony was received."), "success")
            return redirect(url_for("testimony.receipt", token=receipt.token), code=303)
    elif request.method == "POST" and not hearing.is_accepting_testimony(now):
        # Say so at once, whatever else is wrong; the form comes back with what they typed.
        form.form_errors.append(str(services.refusal(hearing, now)))
    if request.method == "POST":
        _keep_checked_files(form, scope, hearing.id, address, now)
    page = render_template(
        "testimony/submit.html",
        hearing=hearing,
        form=form,
        now=now,
        csrf_expired=_csrf_expired(form),
        limited=limited,
    )
    if limited is None:
        return page
    # Too many in a short time: nothing stored, the text handed back, and when to try again.
    return page, 429, {"Retry-After": str(limited.retry_after)}


def _held_files(form, hearing: Hearing, testimony_id: int | None, now):
    """The scope of the files kept for this form, with those files put on the form; None
    when the form's key is missing or damaged (then nothing is kept or shown)."""
    key = form.key_field.data if request.method == "POST" else None
    if not has_good_key(key):
        return None
    scope = held_uploads.FormScope(hearing.id, key, testimony_id)
    form.held = held_uploads.held_for(scope, now=now)
    return scope


def _removing(form, scope, now) -> bool:
    """Handle a "remove" button beside a kept file: the form comes back without that file,
    with what was typed and no other check. True when this request was one."""
    wanted = request.form.get("remove_attachment") if request.method == "POST" else None
    if wanted is None:
        return False
    if scope is not None and wanted.isdigit() and len(wanted) < 11 and form.csrf_is_valid():
        begin_writing()
        removed = held_uploads.release(scope, int(wanted), now=now)
        db.session.commit()
        if removed is not None:
            held_uploads.forget_files([removed.sha256])
            db.session.commit()
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
    if request.method != "POST" or not form.new_files():
        return None
    limited = bot_defence.over_address_limit(hearing.id, address)
    form.skip_file_checks = limited is not None
    return limited


def _keep_checked_files(form, scope, hearing_id: int, address: str, now) -> None:
    """The form is going back to the resident: keep the files that passed the checks, and
    count every file read toward the address's limit (reading one costs the server time)."""
    if form.files_checked:
        bot_defence.count_from_address(hearing_id, address, cost=form.files_checked)
    if scope is None or not form.checked_uploads:
        return
    begin_writing()
    limit = form.max_attachments()
    form.held.extend(held_uploads.hold(scope, form.checked_uploads, now=now, limit=limit))
    db.session.commit()
    form.checked_uploads = ()
    # Forget a few expired files in passing, so a site nobody sweeps still lets them go.
    expired = held_uploads.sweep_expired(now=now, limit=20)
    if expired:
        db.session.commit()
        held_uploads.forget_files(expired)
        db.session.commit()


def _take_kept(form, scope, now) -> tuple:
    """The files kept for this form, to be sent with it, within the form's limit."""
    if scope is None or not form.held:
        return ()  # none when the form was read moments ago: no second look in the hot path
    room = form.max_attachments() - len(form.checked_uploads)
    return held_uploads.take(scope, now=now, limit=room)


def _hearing_or_404(hearing_id: int) -> Hearing:
    """The hearing with what the form, the page and the receipt e-mail show of it, in one query
    (each lazy load is a round trip, and a surge multiplies them)."""
    return db.get_or_404(
        Hearing,
        hearing_id,
        options=[
            joinedload(Hearing.committee).joinedload(Committee.body),
            selectinload(Hearing.measures),
        ],
    )


def _in_language(code: str, hearing: Hearing, now):
    """The same form, filled in as it was, in another language: nothing is checked or stored,
    except that PDFs chosen before switching are checked and kept, as on a form sent back."""
    if code not in current_app.config["LANGUAGES"]:
        code = str(get_locale())
    with force_locale(code):
        form = TestimonyForm(hearing=hearing, allow_speaking=hearing.is_accepting_speakers(now))
        scope = _held_files(form, hearing, None, now)
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
    return render_template(
        "testimony/receipt.html",
        testimony=testimony,
        hearing=testimony.hearing,
        token=token,
        now=utcnow(),
    )


@bp.route("/receipts/<token>/amend", methods=["GET", "POST"])
@resident_form
@reads_first
def amend(token: str):
    """Let the resident change their testimony until the deadline, giving a reason."""
    testimony = services.find_by_receipt_token(token) or abort(404)
    now = utcnow()
    if not testimony.can_amend(now):
        flash(_("This testimony can no longer be changed."), "error")
        return redirect(url_for("testimony.receipt", token=token), code=303)
    hearing = testimony.hearing
    form = AmendmentForm(
        obj=testimony if request.method == "GET" else None,
        hearing=hearing,
        allow_speaking=hearing.is_accepting_speakers(now),
        existing_attachments=len(testimony.attachments),
        current_speaking=testimony.speaking_request,
    )
    scope = _held_files(form, hearing, testimony.id, now)
    address = request_address()
    limited = _files_over_limit(form, hearing, address)
    removing = _removing(form, scope, now)
    valid = not removing and limited is None and form.validate_on_submit()
    if valid:
        # Files are checked (which takes a moment) before SQLite's write lock is taken, so a
        # slow upload never holds up other residents' submissions; the service then writes
        # only if the testimony is still the version this form was built from.
        begin_writing()
        kept = _take_kept(form, scope, now)
        try:
            changed = services.amend_testimony(
                testimony,
                form.to_amendment(kept=kept),
                now=now,
                seen_version=write_guard.parse_version(form.version.data),
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            if isinstance(error, services.AmendedMeanwhile):
                # Told, the resident may save over the current version on purpose.
                form.version.data = str(testimony.version)
        else:
            db.session.commit()
            flash(
                _("Your testimony was amended.") if changed else _("Nothing was changed."),
                "success",
            )
            return redirect(url_for("testimony.receipt", token=token), code=303)
    if request.method == "POST":
        _keep_checked_files(form, scope, hearing.id, address, now)
    page = render_template(
        "testimony/amend.html",
        testimony=testimony,
        hearing=hearing,
        form=form,
        token=token,
        now=now,
        csrf_expired=_csrf_expired(form),
        limited=limited,
    )
    if limited is None:
        return page
    return page, 429, {"Retry-After": str(limited.retry_after)}


@bp.route("/receipts/<token>/withdraw", methods=["GET", "POST"])
@resident_form
def withdraw(token: str):
    """Ask for confirmation, then withdraw the testimony."""
    testimony = services.find_by_receipt_token(token) or abort(404)
    if not testimony.can_withdraw(utcnow()):
        if not testimony.is_withdrawn:
            flash(_("This testimony can no longer be changed."), "error")
        return redirect(url_for("testimony.receipt", token=token), code=303)
    form = WithdrawForm(version=str(testimony.version))
    if form.validate_on_submit():
        try:
            services.withdraw_testimony(
                testimony, now=utcnow(), seen_version=write_guard.parse_version(form.version.data)
            )
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
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
