"""Admins register organisations and issue, list and revoke their API keys."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.accounts.access import role_required
from app.accounts.models import Role
from app.hearings.models import Body
from app.organisations import queries, services
from app.organisations.errors import KeyAlreadyIssued, KeyAlreadyRevoked, NotWhileArchived
from app.organisations.forms import SCOPE_LABELS, ConfirmForm, KeyForm, OrganisationForm
from app.organisations.models import ApiKey, Organisation
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt

bp = Blueprint("organisations_admin", __name__, url_prefix="/staff/admin/organisations")


def _page(organisation: Organisation):
    target = url_for("organisations_admin.organisation", organisation_id=organisation.id)
    return redirect(target, code=303)


def _archived(organisation: Organisation):
    """Back to the page of an archived organisation, which nothing changes, saying why."""
    flash(str(NotWhileArchived()), "error")
    return _page(organisation)


@bp.route("")
@role_required(Role.ADMIN)
def index():
    """Organisations with how many keys each has, and how many of them work."""
    return render_template("organisations/index.html", rows=queries.organisations(utcnow()))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_organisation():
    form = OrganisationForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            organisation = services.register_organisation(
                current_user, form.to_details(), now=utcnow()
            )
        if outcome.error is None:
            flash(_("Organisation registered."), "success")
            return _page(organisation)
        form.form_errors.append(str(outcome.error))
    return render_template("organisations/organisation_form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>")
@role_required(Role.ADMIN)
def organisation(organisation_id: int):
    """The organisation's details and every key it was issued."""
    item = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "organisations/organisation.html",
        organisation=item,
        keys=queries.keys_of(item),
        scope_labels=SCOPE_LABELS,
        default_timezone=current_app.config["DEFAULT_TIMEZONE"],
        now=utcnow(),
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_organisation(organisation_id: int):
    item = db.get_or_404(Organisation, organisation_id)
    if item.is_archived:
        return _archived(item)
    form = OrganisationForm(obj=item if request.method == "GET" else None)
    if form.validate_on_submit():
        with attempt() as outcome:
            services.update_organisation(current_user, item, form.to_details(), now=utcnow())
        if outcome.error is None:
            flash(_("Saved."), "success")
            return _page(item)
        form.form_errors.append(str(outcome.error))
    return render_template("organisations/organisation_form.html", form=form, organisation=item)


@bp.route("/<int:organisation_id>/archive", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def archive_organisation(organisation_id: int):
    """Ask, then archive the organisation and revoke its keys."""
    item = db.get_or_404(Organisation, organisation_id)
    if item.is_archived:
        return _archived(item)
    form = ConfirmForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            revoked = services.archive_organisation(current_user, item, now=utcnow())
        if outcome.error is not None:
            flash(str(outcome.error), "error")
        else:
            flash(
                ngettext(
                    "Organisation archived; %(num)d key revoked.",
                    "Organisation archived; %(num)d keys revoked.",
                    revoked,
                ),
                "success",
            )
        return _page(item)
    return render_template("organisations/confirm.html", organisation=item, key=None, form=form), (
        422 if form.errors else 200
    )


@bp.route("/<int:organisation_id>/keys/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def issue_key(organisation_id: int):
    """Issue a key and show it, this once."""
    item = db.get_or_404(Organisation, organisation_id)
    if item.is_archived:
        return _archived(item)
    bodies = list(db.session.scalars(select(Body).order_by(Body.name, Body.id)))
    form = KeyForm(bodies=bodies)
    if form.validate_on_submit():
        now = utcnow()
        with attempt() as outcome:
            issued = services.issue_key(
                current_user,
                item,
                label=form.label.data,
                scopes=form.chosen_scopes(),
                bodies=form.chosen_bodies(),
                expires_at=form.expires_at(now),
                items_per_hour=form.items_per_hour.data,
                form_key=form.form_key.data,
                now=now,
            )
        if isinstance(outcome.error, KeyAlreadyIssued):
            flash(str(outcome.error), "error")
            return _page(item)
        if outcome.error is None:
            page = render_template(
                "organisations/key_issued.html",
                organisation=item,
                key=issued.key,
                plaintext=issued.plaintext,
                scope_labels=SCOPE_LABELS,
                default_timezone=current_app.config["DEFAULT_TIMEZONE"],
            )
            # Committed before it goes out (app/platform/transaction.py); never kept anywhere.
            return page, 200, {"Cache-Control": "no-store"}
        form.form_errors.append(str(outcome.error))
    return render_template(
        "organisations/key_form.html",
        organisation=item,
        form=form,
        default_limit=services.default_items_per_hour(),
    )


@bp.route("/<int:organisation_id>/keys/<int:key_id>/revoke", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def revoke_key(organisation_id: int, key_id: int):
    """Ask, then revoke the key: the API refuses it from then on."""
    key = db.get_or_404(ApiKey, key_id)
    if key.organisation_id != organisation_id:
        abort(404)
    if key.is_revoked:
        flash(str(KeyAlreadyRevoked()), "error")
        return _page(key.organisation)
    form = ConfirmForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.revoke_key(current_user, key, now=utcnow())
        if outcome.error is not None:
            flash(str(outcome.error), "error")
        else:
            flash(_("Key %(prefix)s revoked.", prefix=key.prefix), "success")
        return _page(key.organisation)
    return render_template(
        "organisations/confirm.html", organisation=key.organisation, key=key, form=form
    ), (422 if form.errors else 200)
