"""Clerks import an agenda: upload a CSV or JSON file, read the preview of what it would
create and change, then confirm. The confirmation applies the file previewed (kept for an
hour, app/hearings/agenda_uploads.py), and only if its plan is still the one shown."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import role_required
from app.accounts.models import Role
from app.hearings import agenda_uploads
from app.hearings.agenda_compare import Action
from app.hearings.agenda_files import MAX_FILE_BYTES, MAX_ROWS
from app.hearings.agenda_import import PlanChanged, PlanHasErrors, import_agenda
from app.hearings.agenda_plan import Plan, plan_agenda
from app.hearings.forms import AgendaConfirmForm, AgendaUploadForm
from app.platform.database import begin_writing
from app.platform.timezones import utcnow
from app.platform.transaction import after_commit, attempt, reads_first

bp = Blueprint("agenda_import", __name__, url_prefix="/staff/manage/import")


def _page(form: AgendaUploadForm, plan: Plan | None = None, token: str | None = None):
    status = 422 if form.errors or form.form_errors or (plan and plan.has_errors) else 200
    confirm = AgendaConfirmForm(formdata=None)
    confirm.preview.data = token or ""
    return (
        render_template(
            "hearing_admin/import.html",
            form=form,
            plan=plan,
            confirm_form=confirm if token else None,
            actions=Action,
            max_megabytes=MAX_FILE_BYTES // (1024 * 1024),
            max_rows=format_number(MAX_ROWS),
        ),
        status,
    )


def _preview(form: AgendaUploadForm, plan: Plan, *, data: bytes = b"", sha256: str = ""):
    """The plan, with a confirmation button when there is something to apply; the file is
    kept for it (unless it is kept already, under `sha256`)."""
    if plan.has_errors or not plan.has_changes:
        return _page(form, plan)
    if not sha256:
        begin_writing()  # the kept file's clean-up job is a row
        sha256 = agenda_uploads.keep(data, now=utcnow())
    preview = agenda_uploads.Preview(sha256, plan.filename, plan.fingerprint())
    return _page(form, plan, agenda_uploads.sign(preview, current_user.id))


@bp.route("/", methods=["GET", "POST"])
@role_required(Role.CLERK)
@reads_first
def upload():
    """Upload an agenda file and see what importing it would do."""
    form = AgendaUploadForm()
    if not form.validate_on_submit():
        return _page(form)
    upload_file = form.agenda.data
    data = upload_file.stream.read(MAX_FILE_BYTES + 1)  # one byte more says it is too large
    return _preview(form, plan_agenda(data, _file_name(upload_file.filename)), data=data)


@bp.route("/confirm", methods=["POST"])
@role_required(Role.CLERK)
def confirm():
    """Apply the file previewed, if nothing changed since the preview."""
    form = AgendaConfirmForm()
    preview = agenda_uploads.read(form.preview.data or "", current_user.id)
    data = agenda_uploads.kept(preview.sha256) if preview else None
    if not form.validate_on_submit() or data is None:
        upload_form = AgendaUploadForm(formdata=None)
        upload_form.form_errors.append(
            _("This preview has expired (after an hour) or was not yours. Upload the file again.")
        )
        return _page(upload_form)
    with attempt() as outcome:
        plan = import_agenda(
            current_user, data, preview.filename, now=utcnow(), expected=preview.fingerprint
        )
    if outcome.error is not None:
        upload_form = AgendaUploadForm(formdata=None)
        upload_form.form_errors.append(str(outcome.error))
        if isinstance(outcome.error, PlanChanged | PlanHasErrors):
            return _preview(upload_form, outcome.error.plan, sha256=preview.sha256)
        return _page(upload_form)
    after_commit(lambda: agenda_uploads.forget(preview.sha256))
    counts = plan.counts()
    flash(
        _(
            "The agenda is imported: %(created)d created, %(changed)d changed, "
            "%(unchanged)d unchanged.",
            created=counts[Action.CREATE],
            changed=counts[Action.CHANGE],
            unchanged=counts[Action.UNCHANGED],
        ),
        "success",
    )
    return redirect(url_for("hearing_admin.index"), code=303)


def _file_name(name: str | None) -> str:
    """The name as the clerk's computer gave it, for the preview only: no folders, no control
    characters, not too long."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable())
    return name[:255] or "agenda"
