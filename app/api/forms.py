"""The web forms, as the API fills them in: the same fields and checks, with their messages, so
an organisation's items are held to exactly the rules a resident's form is. Two differences:
no CSRF token (a key authenticates the request instead), and the e-mail address is optional
(without one, the receipt goes to the organisation)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import Email, Length, Optional

from app.platform.validators import strip_text
from app.signins.forms import SignInForm
from app.testimony.forms import TestimonyForm


def _optional_email() -> EmailField:
    return EmailField(
        _l("E-mail address"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Use 254 characters or fewer.")),
            Email(_l("Enter an e-mail address like name@example.org.")),
        ],
        filters=[strip_text],
    )


class ApiTestimonyForm(TestimonyForm):
    class Meta:
        csrf = False

    email = _optional_email()


class ApiSignInForm(SignInForm):
    class Meta:
        csrf = False

    email = _optional_email()
