"""The two private links of a receipt e-mail: confirm the address, or "I did not send this"."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from app.accounts.forms import EmptyForm
from app.platform.timezones import utcnow
from app.testimony import identity

bp = Blueprint("identity", __name__)


@bp.route(
    "/identity/<int:testimony_id>/<any(confirm, dispute):purpose>/<token>", methods=["GET", "POST"]
)
def act(testimony_id: int, purpose: str, token: str):
    """Show what the link does with a button; pressing it confirms or disputes, once."""
    if not (20 <= len(token) <= 64 and token.isascii() and token.isalnum()):
        abort(404)
    testimony = identity.find(testimony_id, purpose, token) or abort(404)
    form = EmptyForm()
    outcome = None
    if form.validate_on_submit():
        outcome = "done" if identity.record(testimony, purpose, now=utcnow()) else "already"
    elif identity.recorded(testimony, purpose):
        outcome = "already"
    return render_template(
        "testimony/identity.html",
        purpose=purpose,
        testimony=testimony,
        hearing=testimony.hearing,
        form=form,
        outcome=outcome,
    )
