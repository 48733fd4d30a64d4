"""Who may do what: the role check every staff route goes through, and session upkeep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from flask import Flask, abort, current_app, redirect, request, session, url_for
from flask_login import current_user, logout_user

from app.accounts.models import Role, StaffUser
from app.platform.extensions import db, login_manager
from app.platform.timezones import utcnow

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
    """Accept the session only while the user is active and its session version is current."""
    user_id, _, version = identifier.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


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
        return _second_factor_setup_if_required()

    @app.after_request
    def _staff_pages_are_private(response):
        if request.path.startswith("/staff"):
            response.headers["Cache-Control"] = "no-store"
        return response
