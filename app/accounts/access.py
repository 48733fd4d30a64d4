"""Who may do what: the role check every staff route goes through, and session upkeep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from app.accounts import staff_sessions
from app.accounts.models import Role, StaffSession, StaffUser
from app.platform.database import begin_writing
from app.platform.extensions import db, login_manager
from app.platform.timezones import utcnow
from app.platform.transaction import after_commit

LAST_SEEN = "_staff_last_seen"
SIGNED_IN = "_staff_signed_in"


def role_required(role: Role) -> Callable:
    """Refuse anyone below `role`: anonymous users go to the login page, others get 403."""

    def decorate(view: Callable) -> Callable:
        view.required_role = role  # read by the tests' role-by-route matrix

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role
        return wrapped

    return decorate


@login_manager.user_loader
def load_user(identifier: str) -> StaffUser | None:
    """Accept the session only while the user is active, its session version is current and
    the browser's session token names a live session of theirs (app/accounts/staff_sessions.py).
    """
    user_id, _, version = identifier.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    if not has_request_context():
        return None
    token = session.get(staff_sessions.SESSION_KEY)
    row = staff_sessions.find_session(user.id, token, now=utcnow())
    if row is None:
        return None
    g.staff_session = row
    return user


def current_session() -> StaffSession | None:
    """The session row of the signed-in browser making this request."""
    return g.get("staff_session") if current_user.is_authenticated else None


def _note_activity(now: datetime) -> None:
    """Write the session's last-seen time, at most once per TOUCH_INTERVAL, after the request's
    own transaction has committed: a page that only reads does not write while it is drawn."""
    row = current_session()
    if row is None or not staff_sessions.needs_touch(row, now):
        return
    session_id = row.id

    def touch() -> None:
        begin_writing()
        staff_sessions.touch(session_id, now=now)

    after_commit(touch)


def is_idle(last_seen: float | None, now: datetime, limit: timedelta) -> bool:
    return last_seen is None or now.timestamp() - last_seen > limit.total_seconds()


SETUP_ENDPOINTS = {"accounts.totp_setup", "accounts.logout", "static"}
# Polled by open pages every second or so: not a person's activity, so they neither keep a
# session from its idle timeout nor rewrite its cookie.
POLLING_ENDPOINTS = {"speaking_console.floor_json", "speaking_display.now_speaking_json"}


def _second_factor_setup_if_required():
    """When admins require a second factor, a user without one can only set it up."""
    from app.accounts.services import staff_policy

    if current_user.uses_totp or request.endpoint in SETUP_ENDPOINTS:
        return None
    if request.blueprint and staff_policy().require_totp:
        return redirect(url_for("accounts.totp_setup"))
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"

    @app.before_request
    def _expire_idle_sessions():
        if not current_user.is_authenticated:
            return None
        now = utcnow()
        idle = is_idle(session.get(LAST_SEEN), now, current_app.config["STAFF_IDLE_TIMEOUT"])
        # The absolute limit: a session kept busy still ends this long after sign-in.
        too_old = is_idle(
            session.get(SIGNED_IN), now, current_app.config["PERMANENT_SESSION_LIFETIME"]
        )
        if idle or too_old:
            logout_user()
            session.clear()
            return redirect(url_for("accounts.login", expired=1))
        if request.endpoint not in POLLING_ENDPOINTS:
            session[LAST_SEEN] = now.timestamp()
            _note_activity(now)
        return _second_factor_setup_if_required()

    @app.after_request
    def _staff_pages_are_private(response):
        if request.path.startswith("/staff"):
            response.headers["Cache-Control"] = "no-store"
        return response
