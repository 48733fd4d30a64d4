"""Clerks manage bodies, committees, measures and hearings, and open or close testimony."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.access import role_required
from app.accounts.models import Role
from app.hearings import actions, languages, measure_texts, resident_notices, services
from app.hearings.forms import (
    BodyForm,
    CancelForm,
    CommitteeActionForm,
    CommitteeForm,
    ConfirmForm,
    HearingForm,
    LanguageForm,
    LanguageNamesForm,
    MeasureForm,
    measure_form,
)
from app.hearings.models import (
    Body,
    Committee,
    Hearing,
    InterpreterLanguage,
    Measure,
    MeasureKind,
    SpeakingModes,
)
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt

bp = Blueprint("hearing_admin", __name__, url_prefix="/staff/manage")


def _back(hearing: Hearing | None = None):
    target = url_for("hearing_admin.hearing", hearing_id=hearing.id) if hearing else None
    return redirect(target or url_for("hearing_admin.index"), code=303)


@bp.route("/")
@role_required(Role.CLERK)
def index():
    """Bodies with their committees, measures and hearings."""
    bodies = db.session.scalars(
        select(Body)
        .options(
            selectinload(Body.committees).selectinload(Committee.measures),
            selectinload(Body.committees).selectinload(Committee.hearings),
        )
        .order_by(Body.name)
    ).all()
    return render_template("hearing_admin/index.html", bodies=bodies, now=utcnow())


@bp.route("/bodies/new", methods=["GET", "POST"])
@bp.route("/bodies/<int:body_id>", methods=["GET", "POST"])
@role_required(Role.CLERK)
def body(body_id: int | None = None):
    existing = db.get_or_404(Body, body_id) if body_id else None
    form = BodyForm(obj=existing if request.method == "GET" else None)
    if form.validate_on_submit():
        values = {
            "name": form.name.data,
            "jurisdiction": form.jurisdiction.data,
            "resident_places": form.resident_places.data or "",
            "resident_zip_prefixes": form.resident_zip_prefixes.data or "",
            "timezone": form.timezone.data,
            "review_sign_ins": bool(form.review_sign_ins.data),
        }
        if existing:
            services.update_body(current_user, existing, now=utcnow(), **values)
        else:
            existing = services.create_body(current_user, now=utcnow(), **values)
        resident_notices.set_review_outcome_mail(
            current_user, existing, on=bool(form.notify_review_outcomes.data), now=utcnow()
        )
        flash(_("Saved."), "success")
        return _back()
    return _body_page(form, existing)


def _body_page(form: BodyForm, body: Body | None, language_form: LanguageForm | None = None):
    """The body's form and, for a body that exists, its list of interpreter languages."""
    return render_template(
        "hearing_admin/body.html",
        form=form,
        body=body,
        timezones=sorted(available_timezones()),
        languages=languages.body_languages(body.id) if body else [],
        language_form=language_form or LanguageForm(prefix="language", formdata=None),
        button_form=CancelForm(),
    )


def _to_languages(body_id: int):
    return redirect(url_for("hearing_admin.body", body_id=body_id, _anchor="languages"), code=303)


@bp.route("/bodies/<int:body_id>/languages", methods=["POST"])
@role_required(Role.CLERK)
def add_language(body_id: int):
    """Add a language to the body's list of interpreter languages."""
    item = db.get_or_404(Body, body_id)
    form = LanguageForm(prefix="language")
    if form.validate_on_submit():
        with attempt() as outcome:
            added = languages.add_language(
                current_user, item, code=form.code.data, names=form.names(), now=utcnow()
            )
        if outcome.error is None:
            flash(_("Added %(name)s.", name=added.name(languages.reader_locale())), "success")
            return _to_languages(item.id)
        form.code.errors.append(str(outcome.error))
    return _body_page(BodyForm(obj=item, formdata=None), item, language_form=form)


@bp.route("/languages/<int:language_id>", methods=["GET", "POST"])
@role_required(Role.CLERK)
def language(language_id: int):
    """Rename one of a body's interpreter languages."""
    item = db.get_or_404(InterpreterLanguage, language_id)
    form = LanguageNamesForm()
    if request.method == "GET":
        names = item.names or {}
        form.name_en.data, form.name_es.data = names.get("en", ""), names.get("es", "")
    if form.validate_on_submit():
        languages.rename_language(current_user, item, names=form.names(), now=utcnow())
        flash(_("Saved."), "success")
        return _to_languages(item.body_id)
    return render_template(
        "hearing_admin/language.html",
        form=form,
        language=item,
        body=db.session.get(Body, item.body_id),
    )


@bp.route("/languages/<int:language_id>/<any(up, down):direction>", methods=["POST"])
@role_required(Role.CLERK)
def move_language(language_id: int, direction: str):
    """Move a language up or down the body's list."""
    item = db.get_or_404(InterpreterLanguage, language_id)
    if CancelForm().validate_on_submit():
        offset = -1 if direction == "up" else 1
        languages.move_language(current_user, item, offset=offset, now=utcnow())
    return _to_languages(item.body_id)


@bp.route("/languages/<int:language_id>/remove", methods=["POST"])
@role_required(Role.CLERK)
def remove_language(language_id: int):
    """Take a language off the body's list, unless testimony or a speaker asks for it."""
    item = db.get_or_404(InterpreterLanguage, language_id)
    body_id, name = item.body_id, item.name(languages.reader_locale())
    if CancelForm().validate_on_submit():
        with attempt() as outcome:
            languages.remove_language(current_user, item, now=utcnow())
        if outcome.error is not None:
            flash(str(outcome.error), "error")
        else:
            flash(_("Removed %(name)s.", name=name), "success")
    return _to_languages(body_id)


@bp.route("/bodies/<int:body_id>/committees/new", methods=["GET", "POST"])
@bp.route("/committees/<int:committee_id>", methods=["GET", "POST"])
@role_required(Role.CLERK)
def committee(body_id: int | None = None, committee_id: int | None = None):
    existing = db.get_or_404(Committee, committee_id) if committee_id else None
    parent = existing.body if existing else db.get_or_404(Body, body_id)
    form = CommitteeForm(obj=existing if request.method == "GET" else None)
    if form.validate_on_submit():
        if existing:
            services.update_committee(current_user, existing, name=form.name.data, now=utcnow())
        else:
            services.create_committee(current_user, parent, name=form.name.data, now=utcnow())
        flash(_("Saved."), "success")
        return _back()
    return render_template(
        "hearing_admin/committee.html", form=form, committee=existing, body=parent
    )


@bp.route("/committees/<int:committee_id>/measures/new", methods=["GET", "POST"])
@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"])
@role_required(Role.CLERK)
def measure(committee_id: int | None = None, measure_id: int | None = None):
    existing = db.get_or_404(Measure, measure_id) if measure_id else None
    parent = existing.committee if existing else db.get_or_404(Committee, committee_id)
    form = _measure_form(existing, fill=request.method == "GET")
    if form.validate_on_submit():
        details = services.MeasureDetails(
            kind=MeasureKind(form.kind.data),
            number=form.number.data,
            title=form.title.data,
            summary=form.summary.data or "",
            official_url=form.official_url.data or None,
            session=form.session.data or "",
        )
        with attempt() as outcome:
            saved = services.save_measure(
                current_user, details, committee=parent, measure=existing, now=utcnow()
            )
            measure_texts.save_translations(current_user, saved, form.translations(), now=utcnow())
        if outcome.error is not None:
            form.number.errors.append(str(outcome.error))
        else:
            flash(_("Saved."), "success")
            return _back()
    return _measure_page(form, existing, parent)


def _measure_form(measure: Measure | None, *, fill: bool) -> MeasureForm:
    """The measure's form, with its title and summary in each other interface language;
    `fill` shows what is stored (a page, not a post)."""
    languages_offered = measure_texts.translation_languages()
    form = (
        measure_form(languages_offered, obj=measure, formdata=None)
        if fill
        else measure_form(languages_offered)
    )
    if fill and measure is not None:
        form.kind.data = measure.kind.value
        for code, text in measure_texts.translations_of(measure).items():
            if code in form.languages():
                form[f"title_{code}"].data, form[f"summary_{code}"].data = text.title, text.summary
    return form


def _measure_page(
    form: MeasureForm,
    measure: Measure | None,
    committee: Committee,
    action_form: CommitteeActionForm | None = None,
):
    """The measure's form and, for a measure that exists, what the committee did with it."""
    hearings = actions.measure_hearings(measure.id) if measure else []
    if action_form is None:
        action_form = CommitteeActionForm(prefix="action", formdata=None, hearings=hearings)
        if measure is not None:
            action_form.taken_on.data = actions.body_today(measure, utcnow())
    return render_template(
        "hearing_admin/measure.html",
        form=form,
        measure=measure,
        committee=committee,
        committee_actions=actions.measure_actions(measure.id) if measure else [],
        action_form=action_form,
        button_form=CancelForm(),
    )


def _action_details(form: CommitteeActionForm) -> actions.ActionDetails:
    return actions.ActionDetails(
        kind=actions.CommitteeActionKind(form.kind.data),
        taken_on=form.taken_on.data,
        note=form.note.data or "",
        hearing_id=form.chosen_hearing(),
    )


def _to_actions(measure_id: int):
    return redirect(
        url_for("hearing_admin.measure", measure_id=measure_id, _anchor="committee-actions"),
        code=303,
    )


@bp.route("/measures/<int:measure_id>/actions", methods=["POST"])
@role_required(Role.CLERK)
def record_action(measure_id: int):
    """Record what the committee did with the measure."""
    item = db.get_or_404(Measure, measure_id)
    form = CommitteeActionForm(prefix="action", hearings=actions.measure_hearings(item.id))
    if form.validate_on_submit():
        with attempt() as outcome:
            actions.record_action(current_user, item, _action_details(form), now=utcnow())
        if outcome.error is None:
            flash(_("The committee's action is recorded."), "success")
            return _to_actions(item.id)
        form.form_errors.append(str(outcome.error))
    return _measure_page(
        _measure_form(item, fill=True), item, item.committee, action_form=form
    ), 422


@bp.route("/committee-actions/<int:action_id>", methods=["GET", "POST"])
@role_required(Role.CLERK)
def correct_action(action_id: int):
    """Correct a committee action recorded wrongly."""
    item = db.get_or_404(actions.CommitteeAction, action_id)
    if item.is_removed:
        abort(404)
    form = CommitteeActionForm(hearings=actions.measure_hearings(item.measure_id))
    if request.method == "GET":
        form.kind.data, form.taken_on.data = item.kind.value, item.taken_on
        form.note.data = item.note
        form.hearing_id.data = str(item.hearing_id) if item.hearing_id else ""
    if form.validate_on_submit():
        with attempt() as outcome:
            actions.correct_action(current_user, item, _action_details(form), now=utcnow())
        if outcome.error is None:
            flash(_("The correction is saved."), "success")
            return _to_actions(item.measure_id)
        form.form_errors.append(str(outcome.error))
    status = 422 if request.method == "POST" else 200
    return render_template("hearing_admin/committee_action.html", form=form, action=item), status


@bp.route("/committee-actions/<int:action_id>/remove", methods=["POST"])
@role_required(Role.CLERK)
def remove_action(action_id: int):
    """Remove a committee action recorded by mistake (kept in the audit log)."""
    item = db.get_or_404(actions.CommitteeAction, action_id)
    if CancelForm().validate_on_submit():
        actions.remove_action(current_user, item, now=utcnow())
        flash(_("The entry is removed."), "success")
    return _to_actions(item.measure_id)


def _hearing_form(committee: Committee, existing: Hearing | None) -> HearingForm:
    form = HearingForm(measures=committee.measures, timezone=committee.body.timezone)
    if request.method == "GET" and existing:
        for name in ("title", "description", "location", "remote_url"):
            getattr(form, name).data = getattr(existing, name)
        for name in (
            "starts_at",
            "testimony_opens_at",
            "testimony_closes_at",
            "speaker_signup_closes_at",
        ):
            value = getattr(existing, name)
            local = value.astimezone(form.zone).replace(tzinfo=None) if value else None
            getattr(form, name).data = local
        form.measures.data = [m.id for m in existing.measures]
        for name in (
            "confirmed_only",
            "speaker_minutes",
            "max_speakers",
            "officials_first",
            "remote_pin",
        ):
            getattr(form, name).data = getattr(existing, name)
        form.speaking_modes.data = existing.speaking_modes.value
    return form


@bp.route("/committees/<int:committee_id>/hearings/new", methods=["GET", "POST"])
@bp.route("/hearings/<int:hearing_id>/edit", methods=["GET", "POST"])
@role_required(Role.CLERK)
def edit_hearing(committee_id: int | None = None, hearing_id: int | None = None):
    """Schedule a hearing, or edit and reschedule one; times are the body's local time."""
    existing = db.get_or_404(Hearing, hearing_id) if hearing_id else None
    parent = existing.committee if existing else db.get_or_404(Committee, committee_id)
    form = _hearing_form(parent, existing)
    if form.validate_on_submit():
        details = services.HearingDetails(
            title=form.title.data,
            description=form.description.data or "",
            starts_at=form.aware(form.starts_at),
            location=form.location.data or "",
            remote_url=form.remote_url.data or None,
            testimony_opens_at=form.aware(form.testimony_opens_at),
            testimony_closes_at=form.aware(form.testimony_closes_at),
            speaker_signup_closes_at=form.aware(form.speaker_signup_closes_at),
            measure_ids=tuple(form.measures.data),
            confirmed_only=bool(form.confirmed_only.data),
            speaker_minutes=form.speaker_minutes.data,
            max_speakers=form.max_speakers.data,
            speaking_modes=SpeakingModes(form.speaking_modes.data),
            officials_first=bool(form.officials_first.data),
            remote_pin=form.remote_pin.data or None,
        )
        with attempt() as outcome:
            saved = services.save_hearing(
                current_user, details, committee=parent, hearing=existing, now=utcnow()
            )
        if outcome.error is not None:
            form.form_errors.append(str(outcome.error))
        else:
            flash(_("Hearing saved."), "success")
            return _back(saved)
    return render_template(
        "hearing_admin/hearing_form.html", form=form, hearing=existing, committee=parent
    )


@bp.route("/hearings/<int:hearing_id>")
@role_required(Role.CLERK)
def hearing(hearing_id: int):
    """One hearing's schedule and the actions on its testimony window."""
    item = db.get_or_404(Hearing, hearing_id)
    return render_template(
        "hearing_admin/hearing.html", hearing=item, now=utcnow(), button_form=CancelForm()
    )


ACTIONS = {
    "open": (services.open_window, _l("Testimony is open.")),
    "close": (services.close_window, _l("Testimony is closed.")),
    "cancel": (services.cancel_hearing, _l("The hearing is cancelled.")),
    "reinstate": (services.reinstate_hearing, _l("The hearing is reinstated.")),
}
# These e-mail every resident with testimony on the hearing, so they ask for a tick first.
CONFIRMED = {"close", "cancel"}


def _confirm_page(item: Hearing, action: str, form: ConfirmForm, status: int = 200):
    return (
        render_template(
            "hearing_admin/confirm.html",
            hearing=item,
            action=action,
            form=form,
            residents=services.count_residents(item),
            now=utcnow(),
        ),
        status,
    )


@bp.route("/hearings/<int:hearing_id>/<any(close, cancel):action>/confirm")
@role_required(Role.CLERK)
def confirm_action(hearing_id: int, action: str):
    """Say what closing early or cancelling will do, and ask the clerk to confirm it."""
    item = db.get_or_404(Hearing, hearing_id)
    return _confirm_page(item, action, ConfirmForm())


@bp.route(
    "/hearings/<int:hearing_id>/<any(open, close, cancel, reinstate):action>", methods=["POST"]
)
@role_required(Role.CLERK)
def window_action(hearing_id: int, action: str):
    """Open or close testimony now, cancel the hearing, or reinstate it."""
    item = db.get_or_404(Hearing, hearing_id)
    form = ConfirmForm() if action in CONFIRMED else CancelForm()
    if not form.validate_on_submit():
        if action in CONFIRMED and not form.csrf_token.errors:
            return _confirm_page(item, action, form, 422)
        return _back(item)
    change, message = ACTIONS[action]
    with attempt() as outcome:
        told = change(current_user, item, now=utcnow())
    if outcome.error is not None:
        flash(str(outcome.error), "error")
    else:
        flash(str(message), "success")
        if told:
            flash(
                ngettext(
                    "%(num)d resident is being told by e-mail.",
                    "%(num)d residents are being told by e-mail.",
                    told,
                ),
                "success",
            )
    return _back(item)
