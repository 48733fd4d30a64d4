"""Staff sign-in, second factor, account and user-management forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from app.accounts import recovery_codes
from app.accounts.models import Role
from app.platform.validators import HasLettersOrDigits, PlainText, email_field, strip_text

ROLE_CHOICES = [
    SelectChoice(Role.MODERATOR.value, _l("Moderator: reviews testimony")),
    SelectChoice(Role.CLERK.value, _l("Clerk: also runs hearings and exports")),
    SelectChoice(Role.ADMIN.value, _l("Admin: also manages staff accounts")),
]


def _new_password_field(label):
    return PasswordField(
        label,
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(max=256, message=_l("Use 256 characters or fewer.")),
        ],
        render_kw={"autocomplete": "new-password", "maxlength": 256},
    )


class LoginForm(FlaskForm):
    email = email_field("username")
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Enter your password.")),
            Length(max=256, message=_l("Use 256 characters or fewer.")),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": 256},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("6-digit code from your authenticator app"),
        validators=[
            DataRequired(_l("Enter the 6-digit code.")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("Enter the 6 digits shown in your app.")),
        ],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 7},
    )


def _a_code_or_a_recovery_code(_form, field) -> None:
    compact = "".join((field.data or "").split())
    if compact.isdigit() and len(compact) == 6:
        return
    if not recovery_codes.looks_like_a_code(field.data or ""):
        raise ValidationError(
            _l(
                "Enter the 6 digits shown in your app, or a recovery code "
                "(12 letters and digits, like 7k3m-q9xa-2bcd)."
            )
        )


class SignInCodeForm(FlaskForm):
    """The second step of signing in: an authenticator code, or a recovery code instead."""

    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[
            DataRequired(_l("Enter the 6-digit code from your app, or a recovery code.")),
            Length(max=40, message=_l("Use 40 characters or fewer.")),
            _a_code_or_a_recovery_code,
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "maxlength": 40,
        },
    )


class RegenerateCodesForm(FlaskForm):
    """Asks again who is there before making new recovery codes."""

    confirmation = PasswordField(
        _l("Your password, or a code from your authenticator app"),
        validators=[
            DataRequired(_l("Enter your password or a current code.")),
            Length(max=256, message=_l("Use 256 characters or fewer.")),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": 256},
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password", "maxlength": 256},
    )
    new_password = _new_password_field(_l("New password"))


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Enter your password."))],
        render_kw={"autocomplete": "current-password", "maxlength": 256},
    )


class StaffUserForm(FlaskForm):
    """An admin adds a staff member."""

    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter the person's name.")),
            Length(max=200, message=_l("Use 200 characters or fewer.")),
            PlainText(),
            HasLettersOrDigits(),
        ],
        filters=[strip_text],
        render_kw={"maxlength": 200, "autocomplete": "off"},
    )
    email = email_field("username")
    role = RadioField(
        _l("Role"), choices=ROLE_CHOICES, validators=[DataRequired(_l("Choose a role."))]
    )
    password = _new_password_field(_l("Initial password"))


class StaffRoleForm(FlaskForm):
    role = RadioField(
        _l("Role"), choices=ROLE_CHOICES, validators=[DataRequired(_l("Choose a role."))]
    )


class EmptyForm(FlaskForm):
    """Only a CSRF token: for buttons that act on the record named in the URL."""


class PolicyForm(FlaskForm):
    require_totp = BooleanField(_l("Require every staff member to use a second factor (TOTP)"))
