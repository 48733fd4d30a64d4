"""Staff sign-in and sign-out, the second factor, and the staff member's own account."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from urllib.parse import quote

import segno
from flask import (
    Blueprint,
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup

from app.accounts import recovery_codes, services, sign_in_throttle, staff_sessions
from app.accounts.access import LAST_SEEN, SIGNED_IN, current_session
from app.accounts.forms import (
    CodeForm,
    ConfirmPasswordForm,
    EmptyForm,
    LoginForm,
    PasswordChangeForm,
    RegenerateCodesForm,
    SignInCodeForm,
)
from app.accounts.models import StaffUser
from app.accounts.passwords import verify_password
from app.platform.extensions import db, limiter
from app.platform.timezones import local_time, utcnow
from app.platform.transaction import attempt
from app.platform.web import device_cookie_name, safe_next

bp = Blueprint("accounts", __name__, url_prefix="/staff")

PENDING = "_pending_second_factor"
NEW_TOTP = "_new_totp_secret"
SECOND_FACTOR_TIME = timedelta(minutes=5)


def _account_and_address() -> str:
    """Throttle key per account *and* address: a stranger elsewhere cannot lock a user out."""
    email = services.normalise_email(request.form.get("email", ""))
    digest = hashlib.sha256(email.encode()).hexdigest()[:16]
    return f"login:{digest}:{get_remote_address()}"


def _pending_key() -> str:
    pending = session.get(PENDING) or {}
    return f"code:{pending.get('user_id')}:{get_remote_address()}"


def _pending_account_key() -> str:
    """Code guesses for one account from every address together: a 6-digit code must not
    fall to guessing spread over many addresses."""
    pending = session.get(PENDING) or {}
    return f"code:{pending.get('user_id')}"


def _failed(response) -> bool:
    return response.status_code != 303


def _next_page(target: str | None) -> str:
    """Where to go after signing in: a page of this site (see app.platform.web.safe_next)."""
    return safe_next(target, default=url_for("moderation.index"))


def _start_session(user: StaffUser, *, second_factor: bool, record: bool = True) -> None:
    next_page = session.get(PENDING, {}).get("next") or request.args.get("next")
    session.clear()  # a new session for a new privilege level: no fixation
    login_user(user)
    session.permanent = True
    session[LAST_SEEN] = session[SIGNED_IN] = utcnow().timestamp()
    token, _row = services.start_session(
        user,
        now=utcnow(),
        user_agent=request.headers.get("User-Agent", ""),
        address=get_remote_address(),
    )
    # The cookie carries only this random token of the server's session row, never its hash.
    session[staff_sessions.SESSION_KEY] = token
    if record:
        services.record_login(
            user, now=utcnow(), address=get_remote_address(), second_factor=second_factor
        )
        _remember_device(user)
    session["_next"] = _next_page(next_page)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per 15 minutes", methods=["POST"], deduct_when=_failed)
@limiter.limit(
    "5 per 15 minutes", methods=["POST"], key_func=_account_and_address, deduct_when=_failed
)
def login():
    """Check e-mail and password; go on to the second factor when the user has one."""
    if current_user.is_authenticated:
        return redirect(_next_page(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        now = utcnow()
        key = sign_in_throttle.account_key(form.email.data)
        with attempt() as outcome:
            user = services.authenticate(
                form.email.data,
                form.password.data,
                now=now,
                address=get_remote_address(),
                trusted_device=_device_account() == key,
            )
        if isinstance(outcome.error, sign_in_throttle.SignInDelayed):
            return _delayed_page(form, outcome.error.until, now)
        if user is None:  # the failed attempt is recorded, and kept with the request
            form.form_errors.append(_("The e-mail address or password is not right."))
        elif user.uses_totp:
            session[PENDING] = {
                "user_id": user.id,
                "version": user.session_version,
                "until": (now + SECOND_FACTOR_TIME).timestamp(),
                "next": request.args.get("next"),
            }
            return redirect(url_for("accounts.second_factor"), code=303)
        else:
            _start_session(user, second_factor=False)
            return redirect(session.pop("_next"), code=303)
    return render_template(
        "accounts/login.html", form=form, expired=bool(request.args.get("expired"))
    )


def _delayed_page(form: LoginForm, until: datetime, now: datetime):
    """Refuse the try, the right password too, and say when the account may be tried again."""
    when = local_time(until, current_app.config["DEFAULT_TIMEZONE"], "time")
    form.form_errors.append(
        _(
            "There were too many failed attempts to sign in to this account. "
            "For its protection, try again after %(time)s.",
            time=when,
        )
    )
    wait = max(1, math.ceil((until - now).total_seconds()))
    page = render_template("accounts/login.html", form=form, expired=False)
    return page, 429, {"Retry-After": str(wait)}


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sign-in-device")


def _device_account() -> str | None:
    """The account this browser signed in to before (its throttle key), if it did lately."""
    value = request.cookies.get(device_cookie_name())
    if not value:
        return None
    max_age = current_app.config["SIGN_IN_DEVICE_DAYS"] * 24 * 3600
    try:
        return str(_device_serializer().loads(value, max_age=max_age))
    except BadSignature:  # also an expired one
        return None


def _remember_device(user: StaffUser) -> None:
    """Mark this browser as one that signed in to `user`'s account: other people's failed
    guesses will not make it wait. It holds a keyed hash, not the address."""
    value = _device_serializer().dumps(sign_in_throttle.account_key(user.email))
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(
            device_cookie_name(),
            value,
            max_age=current_app.config["SIGN_IN_DEVICE_DAYS"] * 24 * 3600,
            path="/",
            secure=secure,
            httponly=True,
            samesite="Lax",
        )
        return response


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("5 per 5 minutes", methods=["POST"], key_func=_pending_key, deduct_when=_failed)
@limiter.limit(
    "10 per 15 minutes", methods=["POST"], key_func=_pending_account_key, deduct_when=_failed
)
def second_factor():
    """Ask for the authenticator code of the user who just gave the right password."""
    pending = session.get(PENDING)
    user = db.session.get(StaffUser, pending["user_id"]) if pending else None
    now = utcnow()
    if (
        user is None
        or not user.active
        or user.session_version != pending["version"]
        or now.timestamp() > pending["until"]
    ):
        session.pop(PENDING, None)
        flash(_("Please sign in again."), "error")
        return redirect(url_for("accounts.login"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        address = get_remote_address()
        trusted = _device_account() == sign_in_throttle.account_key(user.email)
        used = None
        with attempt() as outcome:
            # Codes count against the same per-account waits as passwords.
            services.check_code_allowed(user, now=now, trusted_device=trusted)
            used = services.verify_second_factor(user, form.code.data, now=now, address=address)
            if used is None:
                services.record_failed_code(user, now=now, address=address)
            else:
                services.record_code_accepted(user)
        if isinstance(outcome.error, sign_in_throttle.SignInDelayed):
            return _delayed_code_page(form, outcome.error.until, now)
        if used is not None:
            _start_session(user, second_factor=True)
            if used.recovery_code:
                _tell_codes_left(used.remaining)
            return redirect(session.pop("_next"), code=303)
        form.code.errors.append(_("That code is not right, or was already used."))
    return render_template("accounts/second_factor.html", form=form)


def _delayed_code_page(form: SignInCodeForm, until: datetime, now: datetime):
    when = local_time(until, current_app.config["DEFAULT_TIMEZONE"], "time")
    form.code.errors.append(
        _(
            "There were too many failed attempts to sign in to this account. "
            "For its protection, try again after %(time)s.",
            time=when,
        )
    )
    wait = max(1, math.ceil((until - now).total_seconds()))
    page = render_template("accounts/second_factor.html", form=form)
    return page, 429, {"Retry-After": str(wait)}


def _tell_codes_left(left: int) -> None:
    """After a sign-in with a recovery code: how many are left, and a warning when few are."""
    if left == 0:
        flash(
            _(
                "You signed in with your last recovery code. Make new ones now on your "
                "account page, or you may be locked out if you lose your authenticator."
            ),
            "error",
        )
    elif left <= recovery_codes.FEW_LEFT:
        flash(
            ngettext(
                "You signed in with a recovery code. Only %(num)d recovery code is left: "
                "make new ones on your account page.",
                "You signed in with a recovery code. Only %(num)d recovery codes are left: "
                "make new ones on your account page.",
                left,
            ),
            "error",
        )
    else:
        flash(
            ngettext(
                "You signed in with a recovery code. You have %(num)d left.",
                "You signed in with a recovery code. You have %(num)d left.",
                left,
            ),
            "success",
        )


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out everywhere: the cookie stops working even if someone copied it."""
    form = EmptyForm()
    if form.validate_on_submit():
        services.end_sessions(current_user, now=utcnow(), reason="logout")
        logout_user()
        session.clear()
        flash(_("You are signed out."), "success")
        return redirect(url_for("accounts.login"), code=303)
    return redirect(url_for("accounts.account"), code=303)


@bp.route("/account")
@login_required
def account():
    """The signed-in staff member's own settings."""
    return _account_page()


def _account_page(**forms):
    user = current_user._get_current_object()
    return render_template(
        "accounts/account.html",
        password_form=forms.get("password_form") or PasswordChangeForm(),
        disable_form=ConfirmPasswordForm(),
        codes_form=forms.get("codes_form") or RegenerateCodesForm(),
        button_form=EmptyForm(),
        codes_left=recovery_codes.remaining(user),
        sessions=staff_sessions.live_sessions(user, now=utcnow()),
        this_session=current_session(),
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Your current password is not right."))
        else:
            with attempt() as outcome:
                services.set_password(
                    current_user.audit_name, current_user, form.new_password.data, now=utcnow()
                )
            if isinstance(outcome.error, services.WeakPassword):
                form.new_password.errors.extend(outcome.error.problems)
            elif outcome.error is not None:
                raise outcome.error  # no other refusal is expected here: the error page
            else:
                # The password change ended every session, this one included: start afresh.
                # The user object, not the current_user proxy: login_user stores what it is
                # given as the current user, and a proxy pointing at itself recurses forever.
                user = current_user._get_current_object()
                # Not a new sign-in: the password change is what the audit log records.
                _start_session(user, second_factor=user.uses_totp, record=False)
                session.pop("_next", None)
                flash(_("Your password was changed. Other sessions were signed out."), "success")
                return redirect(url_for("accounts.account"), code=303)
    return _account_page(password_form=form)


@bp.route("/account/totp", methods=["GET", "POST"])
@login_required
def totp_setup():
    """Show a new secret as a QR code and turn it on once a code from the app matches."""
    if current_user.uses_totp:
        # Replacing a factor needs the old one gone first, which needs the password.
        flash(_("Your second factor is already on. Turn it off first to set up a new one."))
        return redirect(url_for("accounts.account"), code=303)
    secret = session.get(NEW_TOTP) or services.new_totp_secret()
    session[NEW_TOTP] = secret
    form = CodeForm()
    if form.validate_on_submit():
        codes = services.turn_on_second_factor(current_user, secret, form.code.data, now=utcnow())
        if codes is not None:
            session.pop(NEW_TOTP, None)
            flash(_("Second factor turned on."), "success")
            return _show_codes(codes)
        form.code.errors.append(_("That code does not match. Check your device's clock."))
    uri = services.totp_uri(current_user, secret)
    # segno writes the SVG from the URI's bits; no text of ours or the user's is in it.
    qr_svg = Markup(segno.make(uri, error="m").svg_inline(scale=5))  # noqa: S704
    return render_template("accounts/totp_setup.html", form=form, secret=secret, qr_svg=qr_svg)


@bp.route("/account/totp/disable", methods=["POST"])
@login_required
def totp_disable():
    """Turn the second factor off; the password is asked again, so a left-open session cannot."""
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.password.data):
            flash(_("Your password is not right. The second factor is still on."), "error")
            return redirect(url_for("accounts.account"), code=303)
        with attempt() as outcome:
            services.disable_totp(current_user, now=utcnow())
        if outcome.error is not None:
            flash(str(outcome.error), "error")
        else:
            flash(_("Second factor turned off."), "success")
    return redirect(url_for("accounts.account"), code=303)


def _show_codes(codes: list[str]):
    """The new recovery codes, this once: on the page and as a file inside the page itself (a
    data: link), never at an address that could be fetched again. The page is not cached."""
    user = current_user._get_current_object()
    text = "\n".join(
        [
            _("OpenTestimony recovery codes for %(email)s", email=user.email),
            _("Each code signs you in once, instead of a code from your authenticator app."),
            "",
            *codes,
            "",
        ]
    )
    return render_template(
        "accounts/recovery_codes.html",
        codes=codes,
        download="data:text/plain;charset=utf-8," + quote(text),
    )


@bp.route("/account/recovery-codes", methods=["POST"])
@login_required
@limiter.limit("10 per 15 minutes")
def regenerate_codes():
    """Make a new set of recovery codes, after the password or a current code again."""
    if not current_user.uses_totp:
        return redirect(url_for("accounts.account"), code=303)
    form = RegenerateCodesForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            codes = services.regenerate_recovery_codes(
                current_user, form.confirmation.data, now=utcnow()
            )
        if outcome.error is None:
            flash(_("New recovery codes made. The old ones no longer work."), "success")
            return _show_codes(codes)
        form.confirmation.errors.append(str(outcome.error))
    return _account_page(codes_form=form)


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_own_session(session_id: int):
    """Sign one of your own browsers out; this one too, if it is the one named."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    this = current_session()
    if not staff_sessions.end_session(user.audit_name, user, session_id, now=utcnow()):
        abort(404)
    if this is not None and this.id == session_id:
        logout_user()
        session.clear()
        flash(_("You are signed out."), "success")
        return redirect(url_for("accounts.login"), code=303)
    flash(_("That session is signed out."), "success")
    return redirect(url_for("accounts.account", _anchor="sessions"), code=303)


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out every browser but this one (a phone left signed in, a shared computer)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    this = current_session()
    if this is None:  # signed in, so it has one; a guard against a bug, not a user's path
        abort(400)
    count = staff_sessions.end_other_sessions(user.audit_name, user, this.id, now=utcnow())
    flash(
        ngettext("%(num)d other session signed out.", "%(num)d other sessions signed out.", count),
        "success",
    )
    return redirect(url_for("accounts.account", _anchor="sessions"), code=303)
