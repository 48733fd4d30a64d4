"""A speaker's own page: their place, window and how to join, to confirm or cancel.

Reached from the link in their run-sheet notice (/speaking/<token>) or from their testimony
receipt (/receipts/<token>/speaking); both links are unguessable and only their hashes are kept.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.platform.extensions import csrf, limiter
from app.platform.timezones import utcnow
from app.platform.transaction import attempt
from app.speaking import services
from app.speaking.models import Speaker
from app.testimony import services as testimony_services

bp = Blueprint("speaking_public", __name__)


def receipt_place(testimony) -> dict | None:
    """What a testimony receipt shows of the resident's place to speak (a template global)."""
    place = services.place_of(services.speaker_for_testimony(testimony.id))
    if place is None:
        return None
    return {"speaker": place.speaker, "published": place.published, "form": PlaceForm()}


# Residents' forms check their own CSRF token, so an expired one gets a page that says so.
resident_form = csrf.exempt
LIMIT = "30 per minute"


class PlaceForm(FlaskForm):
    """Only a CSRF token: confirming and cancelling need nothing else."""


def _by_notice(token: str) -> Speaker:
    return services.speaker_by_token(token) or abort(404)


def _by_receipt(token: str) -> Speaker:
    testimony = testimony_services.find_by_receipt_token(token) or abort(404)
    return services.speaker_for_testimony(testimony.id) or abort(404)


FIND = {"notice": _by_notice, "receipt": _by_receipt}


def _page(via: str, token: str) -> str:
    if via == "receipt":
        return url_for("testimony.receipt", token=token)
    return url_for("speaking_public.place", token=token)


@bp.route("/speaking/<token>")
def place(token: str):
    """The speaker's place, window and how to join."""
    speaker = _by_notice(token)
    return render_template(
        "speaking/place.html",
        place=services.place_of(speaker),
        speaker=speaker,
        hearing=speaker.hearing,
        form=PlaceForm(),
        via="notice",
        token=token,
        locale=str(get_locale() or "en"),
        now=utcnow(),
    )


@bp.route("/<any(speaking, receipts):prefix>/<token>/confirm-place", methods=["POST"])
@resident_form
@limiter.limit(LIMIT)
def confirm(prefix: str, token: str):
    """The speaker will come."""
    via = "notice" if prefix == "speaking" else "receipt"
    speaker = FIND[via](token)
    form = PlaceForm()
    if not form.validate_on_submit():
        flash(_("The page had expired. Nothing was changed: press the button again."), "error")
        return redirect(_page(via, token), code=303)
    with attempt() as outcome:
        services.confirm_place(speaker, now=utcnow())
    flash(
        str(outcome.error) if outcome.error else _("Thank you: your place is confirmed."),
        "error" if outcome.error else "success",
    )
    return redirect(_page(via, token), code=303)


@bp.route("/<any(speaking, receipts):prefix>/<token>/cancel-place", methods=["GET", "POST"])
@resident_form
@limiter.limit(LIMIT, methods=["POST"])
def cancel(prefix: str, token: str):
    """Ask, then give up the place; the first on the waitlist moves up."""
    via = "notice" if prefix == "speaking" else "receipt"
    speaker = FIND[via](token)
    form = PlaceForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.cancel_place(speaker, now=utcnow())
        flash(
            str(outcome.error)
            if outcome.error
            else _("Your place is cancelled. Your written testimony stays on record."),
            "error" if outcome.error else "success",
        )
        return redirect(_page(via, token), code=303)
    return render_template(
        "speaking/cancel.html",
        speaker=speaker,
        hearing=speaker.hearing,
        form=form,
        back=_page(via, token),
        expired=bool(form.csrf_token.errors),
    )
