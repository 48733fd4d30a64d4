"""Staff admins see the background jobs waiting, failing or dead, and retry dead ones."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.access import role_required
from app.accounts.forms import EmptyForm
from app.accounts.models import Role
from app.platform import jobs
from app.platform.extensions import db
from app.platform.timezones import utcnow

bp = Blueprint("jobs_admin", __name__, url_prefix="/staff/admin/jobs")


@bp.route("")
@role_required(Role.ADMIN)
def index():
    """Counts by kind and state, and the jobs queued, failing or dead."""
    return render_template(
        "accounts/jobs.html",
        summary=jobs.summary(now=utcnow()),
        states=jobs.STATES,
        listed=jobs.listing(),
        button_form=EmptyForm(),
    )


@bp.route("/<int:job_id>/retry", methods=["POST"])
@role_required(Role.ADMIN)
def retry(job_id: int):
    """Queue a dead job again with fresh tries."""
    job = db.get_or_404(jobs.Job, job_id)
    if not EmptyForm().validate_on_submit() or job.state != jobs.DEAD:
        flash(_("Only a dead job can be retried."), "error")
        return redirect(url_for("jobs_admin.index"), code=303)
    jobs.retry(current_user.audit_name, job, now=utcnow())
    flash(_("The job is queued again."), "success")
    return redirect(url_for("jobs_admin.index"), code=303)
