"""Admins manage staff accounts, the second-factor policy, and read the audit log."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import services, staff_sessions
from app.accounts.access import current_session, role_required
from app.accounts.forms import EmptyForm, PolicyForm, StaffRoleForm, StaffUserForm
from app.accounts.models import Role, StaffUser
from app.platform import audit_log as audit_log_reading
from app.platform.audit_words import action_choices
from app.platform.database import reading
from app.platform.extensions import db
from app.platform.timezones import utcnow
from app.platform.transaction import attempt

bp = Blueprint("staff_admin", __name__, url_prefix="/staff/admin")


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    """List staff accounts with their roles and second-factor state."""
    staff = db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.email))
    policy = services.staff_policy()
    return render_template(
        "accounts/users.html",
        staff=list(staff),
        policy_form=PolicyForm(require_totp=policy.require_totp),
        button_form=EmptyForm(),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    """Add a staff member with a role and an initial password."""
    form = StaffUserForm()
    if form.validate_on_submit():
        with attempt() as outcome:
            services.create_user(
                current_user.audit_name,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                password=form.password.data,
                now=utcnow(),
            )
        if isinstance(outcome.error, services.WeakPassword):
            form.password.errors.extend(outcome.error.problems)
        elif outcome.error is not None:
            form.email.errors.append(str(outcome.error))
        else:
            flash(_("Staff account created."), "success")
            return redirect(url_for("staff_admin.users"), code=303)
    return render_template("accounts/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    """Change a staff member's role; the change signs them out everywhere."""
    user = db.get_or_404(StaffUser, user_id)
    form = StaffRoleForm(obj=user if request.method == "GET" else None)
    if form.validate_on_submit():
        with attempt() as outcome:
            services.change_role(current_user.audit_name, user, Role(form.role.data), now=utcnow())
        if outcome.error is not None:
            form.role.errors.append(str(outcome.error))
        else:
            flash(_("Role saved."), "success")
            return redirect(url_for("staff_admin.users"), code=303)
    return render_template(
        "accounts/user_edit.html",
        user=user,
        form=form,
        button_form=EmptyForm(),
        sessions=staff_sessions.live_sessions(user, now=utcnow()),
        this_session=current_session(),
    )


def _user_action(user_id: int, action) -> object:
    user = db.get_or_404(StaffUser, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with attempt() as outcome:
        action(user)
    if outcome.error is not None:
        flash(str(outcome.error), "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("staff_admin.edit_user", user_id=user.id), code=303)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def deactivate_user(user_id: int):
    return _user_action(
        user_id, lambda u: services.set_active(current_user.audit_name, u, False, now=utcnow())
    )


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@role_required(Role.ADMIN)
def activate_user(user_id: int):
    return _user_action(
        user_id, lambda u: services.set_active(current_user.audit_name, u, True, now=utcnow())
    )


@bp.route("/users/<int:user_id>/reset-second-factor", methods=["POST"])
@role_required(Role.ADMIN)
def reset_second_factor(user_id: int):
    return _user_action(
        user_id, lambda u: services.reset_totp(current_user.audit_name, u, now=utcnow())
    )


@bp.route("/users/<int:user_id>/sessions/<int:session_id>/end", methods=["POST"])
@role_required(Role.ADMIN)
def end_session(user_id: int, session_id: int):
    """Sign one browser of a staff member out: it is refused at its next request."""
    user = db.get_or_404(StaffUser, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not staff_sessions.end_session(current_user.audit_name, user, session_id, now=utcnow()):
        abort(404)
    flash(_("That session is signed out."), "success")
    return redirect(url_for("staff_admin.edit_user", user_id=user.id, _anchor="sessions"), code=303)


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@role_required(Role.ADMIN)
def end_all_sessions(user_id: int):
    """Sign a staff member out of every browser (a lost laptop, a shared machine)."""
    return _user_action(
        user_id, lambda u: services.end_all_sessions(current_user.audit_name, u, now=utcnow())
    )


@bp.route("/policy", methods=["POST"])
@role_required(Role.ADMIN)
def policy():
    form = PolicyForm()
    if form.validate_on_submit():
        services.set_policy(
            current_user.audit_name, require_totp=bool(form.require_totp.data), now=utcnow()
        )
        flash(_("Policy saved."), "success")
    return redirect(url_for("staff_admin.users"), code=303)


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    """Newest first, in words, filtered as a records clerk needs, paged by id."""
    filters = audit_log_reading.parse_filters(request.args)
    before = audit_log_reading.parse_before(request.args.get("before"))
    return render_template(
        "accounts/audit.html",
        page=audit_log_reading.read_page(filters, before=before),
        filters=filters,
        before=before,
        actors=audit_log_reading.actor_choices(),
        actions=action_choices(),
        site_zone=audit_log_reading.site_zone_words(),
        export_form=EmptyForm(),
    )


@bp.route("/audit/export", methods=["POST"])
@role_required(Role.ADMIN)
def audit_export():
    """The filtered log as CSV, streamed; the export is recorded in the log itself."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    filters = audit_log_reading.parse_filters(request.form)
    if filters.errors:
        for error in filters.errors:
            flash(error, "error")
        return redirect(url_for("staff_admin.audit_log", **filters.args()), code=303)
    audit_log_reading.record_export(current_user.audit_name, filters, now=utcnow())
    # The rows are read after this view's transaction has ended, while the answer is sent.
    lines = stream_with_context(_reading(audit_log_reading.csv_lines(filters)))
    response = Response(lines, content_type="text/csv; charset=utf-8")
    name = f"audit-log-{utcnow():%Y%m%d-%H%M%S}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _reading(chunks):
    """As reads: on SQLite a long download never holds the write lock."""
    with reading():
        yield from chunks
