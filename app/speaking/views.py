"""The clerk's run sheet: bring the speaker list up to date, propose an order, adjust it by
hand, set each speaker's details, and publish it to the speakers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.access import role_required
from app.accounts.models import Role
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt
from app.speaking import services
from app.speaking.forms import ProposeForm, ReorderForm, SheetForm, SpeakerForm
from app.speaking.models import OrderRule, RunSheet, Speaker, SpeakerStatus

bp = Blueprint("speaking_admin", __name__, url_prefix="/staff/hearings/<int:hearing_id>/run-sheet")


def _back(hearing: Hearing, anchor: str | None = None):
    return redirect(
        url_for("speaking_admin.run_sheet", hearing_id=hearing.id, _anchor=anchor), code=303
    )


def _say(outcome, done: str | None) -> None:
    """The service's refusal as an error, or what was done."""
    if outcome.error is not None:
        flash(str(outcome.error), "error")
    elif done:
        flash(done, "success")


def _flash_refusal(form) -> None:
    if form.errors.get("csrf_token"):
        flash(_("The form had expired. Nothing was changed: try again."), "error")
    else:
        flash(_("That request was not understood. Nothing was changed."), "error")


@bp.route("")
@role_required(Role.CLERK)
def run_sheet(hearing_id: int):
    """The speakers in order, with the tools to order, adjust and publish the list."""
    hearing = db.get_or_404(Hearing, hearing_id)
    sheet = db.session.get(RunSheet, hearing.id)
    listed = db.session.scalars(
        select(Speaker)
        .where(Speaker.hearing_id == hearing.id)
        .options(selectinload(Speaker.testimony), selectinload(Speaker.interpreter))
        .order_by(Speaker.place.is_(None), Speaker.place, Speaker.signed_up_at, Speaker.id)
    ).all()
    version = sheet.version if sheet else 1
    propose = ProposeForm(
        data={
            "version": version,
            "rule": (sheet.order_rule if sheet else OrderRule.FIRST_COME).value,
            "officials_first": sheet.officials_first if sheet else hearing.officials_first,
            "group_interpreters": sheet.group_interpreters if sheet else False,
        }
    )
    return render_template(
        "speaking/run_sheet.html",
        hearing=hearing,
        sheet=sheet,
        version=version,
        waiting=[s for s in listed if s.status is SpeakerStatus.WAITING],
        waitlist=[s for s in listed if s.status is SpeakerStatus.WAITLISTED],
        called=[
            s
            for s in listed
            if s.status in (SpeakerStatus.SPEAKING, SpeakerStatus.SPOKE, SpeakerStatus.NO_SHOW)
        ],
        cancelled=[s for s in listed if s.status is SpeakerStatus.CANCELLED],
        changes=services.changes_waiting(hearing),
        measures={m.id: m.number for m in hearing.measures},
        propose=propose,
        sheet_form=SheetForm(data={"version": version}),
        locale=str(get_locale() or "en"),
        now=utcnow(),
    )


@bp.route("/refresh", methods=["POST"])
@role_required(Role.CLERK)
def refresh(hearing_id: int):
    """Take in new sign-ups, withdrawals and changed requests."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = SheetForm()
    if not form.validate_on_submit():
        _flash_refusal(form)
        return _back(hearing)
    with attempt() as outcome:
        services.refresh(current_user, hearing, now=utcnow())
    _say(outcome, _("The list is up to date."))
    return _back(hearing)


@bp.route("/propose", methods=["POST"])
@role_required(Role.CLERK)
def propose(hearing_id: int):
    """Order everyone not yet called by the rules the clerk picked."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = ProposeForm()
    if not form.validate_on_submit():
        _flash_refusal(form)
        return _back(hearing)
    with attempt() as outcome:
        services.propose_order(
            current_user,
            hearing,
            rule=OrderRule(form.rule.data),
            officials_first=form.officials_first.data,
            group_interpreters=form.group_interpreters.data,
            seen_version=form.version.data,
            now=utcnow(),
        )
    _say(outcome, _("The speakers are in the proposed order. Adjust it, then publish it."))
    return _back(hearing, "order")


@bp.route("/reorder", methods=["POST"])
@role_required(Role.CLERK)
def reorder(hearing_id: int):
    """The whole waiting order, as dragged into place."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = ReorderForm()
    if not form.validate_on_submit():
        _flash_refusal(form)
        return _back(hearing, "order")
    with attempt() as outcome:
        services.reorder(
            current_user,
            hearing,
            form.speaker_ids(),
            seen_version=form.version.data,
            now=utcnow(),
        )
    _say(outcome, _("The new order is saved."))
    return _back(hearing, "order")


@bp.route("/speakers/<int:speaker_id>/<any(up, down):direction>", methods=["POST"])
@role_required(Role.CLERK)
def move(hearing_id: int, speaker_id: int, direction: str):
    """Move one waiting speaker a place up or down."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = SheetForm()
    if not form.validate_on_submit():
        _flash_refusal(form)
        return _back(hearing, "order")
    with attempt() as outcome:
        services.move(
            current_user,
            hearing,
            speaker_id,
            steps=-1 if direction == "up" else 1,
            seen_version=form.version.data,
            now=utcnow(),
        )
    _say(outcome, None)
    return _back(hearing, f"speaker-{speaker_id}")


@bp.route("/speakers/<int:speaker_id>", methods=["GET", "POST"])
@role_required(Role.CLERK)
def speaker(hearing_id: int, speaker_id: int):
    """Mark a speaker as a public official, or give them a join link of their own."""
    hearing = db.get_or_404(Hearing, hearing_id)
    item = db.session.get(Speaker, speaker_id)
    if item is None or item.hearing_id != hearing.id:
        abort(404)
    form = SpeakerForm(obj=item)
    if form.validate_on_submit():
        details = services.SpeakerDetails(
            is_official=form.is_official.data, remote_link=form.remote_link.data or None
        )
        with attempt() as outcome:
            services.update_speaker(current_user, hearing, speaker_id, details, now=utcnow())
        if outcome.error is None:
            flash(_("Saved."), "success")
            return _back(hearing, f"speaker-{speaker_id}")
        form.form_errors.append(str(outcome.error))
    return render_template(
        "speaking/speaker.html",
        measures={m.id: m.number for m in hearing.measures},
        hearing=hearing,
        speaker=item,
        form=form,
        locale=str(get_locale() or "en"),
    )


@bp.route("/publish", methods=["POST"])
@role_required(Role.CLERK)
def publish(hearing_id: int):
    """Publish the order and e-mail each speaker whose place, window or link changed."""
    hearing = db.get_or_404(Hearing, hearing_id)
    form = SheetForm()
    if not form.validate_on_submit():
        _flash_refusal(form)
        return _back(hearing)
    with attempt() as outcome:
        told = services.publish(current_user, hearing, seen_version=form.version.data, now=utcnow())
    if outcome.error:
        flash(str(outcome.error), "error")
    else:
        flash(_("The run sheet is published."), "success")
        flash(
            ngettext(
                "%(num)d speaker is being told their place by e-mail.",
                "%(num)d speakers are being told their place by e-mail.",
                told,
            ),
            "success",
        )
    return _back(hearing)
