"""A speaker's own page: their place, window and how to join, to confirm or cancel.

Reached from the link in their run-sheet notice (/speaking/<id>/<token>, the token keyed by the
application's secret: the same in every notice, nothing stored) or from their testimony receipt
(/receipts/<token>, whose token only the resident holds).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.platform.extensions import csrf, limiter
from app.platform.timezones import utcnow
from app.platform.transaction import attempt
from app.speaking import services
from app.speaking.models import Speaker
from app.testimony import services as testimony_services

bp = Blueprint("speaking_public", __name__)


def receipt_place(testimony, token: str) -> dict | None:
    """What a testimony receipt shows of the resident's place to speak (a template global)."""
    place = services.place_of(services.speaker_for_testimony(testimony.id))
    if place is None:
        return None
    return {
        "speaker": place.speaker,
        "published": place.published,
        "form": PlaceForm(),
        "links": _links(place.speaker, token, "receipt"),
    }


# Residents' forms check their own CSRF token, so an expired one gets a page that says so.
resident_form = csrf.exempt
LIMIT = "30 per minute"


class PlaceForm(FlaskForm):
    """Only a CSRF token: confirming and cancelling need nothing else."""


def _by_notice(speaker_id: int, token: str) -> Speaker:
    if len(token) > 64:
        abort(404)
    return services.speaker_by_link(speaker_id, token) or abort(404)


def _by_receipt(token: str) -> Speaker:
    testimony = testimony_services.find_by_receipt_token(token) or abort(404)
    return services.speaker_for_testimony(testimony.id) or abort(404)


def _links(speaker: Speaker, token: str, via: str) -> dict[str, str]:
    """Where this page's buttons go: under the notice's link or under the receipt's."""
    if via == "receipt":
        return {
            "page": url_for("testimony.receipt", token=token),
            "confirm": url_for("speaking_public.receipt_confirm", token=token),
            "cancel": url_for("speaking_public.receipt_cancel", token=token),
        }
    ids = {"speaker_id": speaker.id, "token": token}
    return {
        "page": url_for("speaking_public.place", **ids),
        "confirm": url_for("speaking_public.confirm", **ids),
        "cancel": url_for("speaking_public.cancel", **ids),
    }


@bp.route("/speaking/<int:speaker_id>/<token>")
def place(speaker_id: int, token: str):
    """The speaker's place, window and how to join."""
    speaker = _by_notice(speaker_id, token)
    return render_template(
        "speaking/place.html",
        place=services.place_of(speaker),
        speaker=speaker,
        hearing=speaker.hearing,
        form=PlaceForm(),
        links=_links(speaker, token, "notice"),
        now=utcnow(),
    )


@bp.route("/speaking/<int:speaker_id>/<token>/confirm-place", methods=["POST"])
@resident_form
@limiter.limit(LIMIT)
def confirm(speaker_id: int, token: str):
    """The speaker will come."""
    speaker = _by_notice(speaker_id, token)
    return _confirm(speaker, _links(speaker, token, "notice"))


@bp.route("/receipts/<token>/confirm-place", methods=["POST"])
@resident_form
@limiter.limit(LIMIT)
def receipt_confirm(token: str):
    speaker = _by_receipt(token)
    return _confirm(speaker, _links(speaker, token, "receipt"))


def _confirm(speaker: Speaker, links: dict[str, str]):
    form = PlaceForm()
    if not form.validate_on_submit():
        flash(_("The page had expired. Nothing was changed: press the button again."), "error")
        return redirect(links["page"], code=303)
    with attempt() as outcome:
        services.confirm_place(speaker, now=utcnow())
    flash(
        str(outcome.error) if outcome.error else _("Thank you: your place is confirmed."),
        "error" if outcome.error else "success",
    )
    return redirect(links["page"], code=303)


@bp.route("/speaking/<int:speaker_id>/<token>/cancel-place", methods=["GET", "POST"])
@resident_form
@limiter.limit(LIMIT, methods=["POST"])
def cancel(speaker_id: int, token: str):
    """Ask, then give up the place; the first on the waitlist moves up."""
    speaker = _by_notice(speaker_id, token)
    return _cancel(speaker, _links(speaker, token, "notice"))


@bp.route("/receipts/<token>/cancel-place", methods=["GET", "POST"])
@resident_form
@limiter.limit(LIMIT, methods=["POST"])
def receipt_cancel(token: str):
    speaker = _by_receipt(token)
    return _cancel(speaker, _links(speaker, token, "receipt"))


def _cancel(speaker: Speaker, links: dict[str, str]):
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
        return redirect(links["page"], code=303)
    return render_template(
        "speaking/cancel.html",
        speaker=speaker,
        hearing=speaker.hearing,
        form=form,
        back=links["page"],
        expired=bool(form.csrf_token.errors),
    )
