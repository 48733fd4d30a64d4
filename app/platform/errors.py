"""Domain errors raised by services, and the error pages people see."""

from __future__ import annotations

import contextlib
import sqlite3

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from app.platform.database import sqlite_locked

# How long to ask people to wait when the database is too busy to answer.
BUSY_RETRY_SECONDS = 30
# Forms whose text a resident would hate to lose: a busy database hands it back to them.
RESIDENT_FORMS = {"testimony.submit", "testimony.amend"}


class DomainError(Exception):
    """A rule of the domain refused the request; str(error) is for the person who made it."""


# Paths that answer errors in their own format (the API's problem documents), by prefix: the
# package that owns them adds its responder here, so the platform imports no domain package.
# A responder takes the status and the error (an HTTPException, or None) and gives a response.
ERROR_RESPONDERS = "error_responders"


def add_error_responder(app: Flask, prefix: str, responder) -> None:
    app.extensions.setdefault(ERROR_RESPONDERS, {})[prefix] = responder


def _responder_for_path(app: Flask):
    for prefix, responder in app.extensions.get(ERROR_RESPONDERS, {}).items():
        if request.path.startswith(prefix):
            return responder
    return None


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        responder = _responder_for_path(app)
        if responder is not None:
            return responder(code, error)
        template = (
            f"errors/{code}.html" if code in {400, 404, 405, 413, 429} else "errors/generic.html"
        )
        return render_template(template, error=error, next_path="/"), code

    @app.errorhandler(CSRFError)
    def _expired_form(error: CSRFError):
        return render_template("errors/expired_form.html"), 400

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeout)
    def _database_busy(error: Exception):
        """The database is locked by other writers, out of connections or unreachable: nothing
        was stored, so say so at once (503, never 500) and hand back what was typed."""
        if not is_busy(error):
            return _unexpected(error)  # a mistake in a query (SQLite also calls it operational)
        # Only the kind of failure: SQLAlchemy's message can carry the statement's values.
        reason = type(getattr(error, "orig", None) or error).__name__
        app.logger.warning("database busy or unreachable (%s): answered 503", reason)
        responder = _responder_for_path(app)
        if responder is not None:
            with contextlib.suppress(Exception):
                from app.platform.extensions import db

                db.session.rollback()
            return responder(503, None)
        return busy_page()

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Logged with the traceback by Flask; the person sees a calm page with no details.
        app.logger.exception("unhandled error")
        responder = _responder_for_path(app)
        if responder is not None:
            return responder(500, None)
        return render_template("errors/500.html", next_path="/"), 500


def is_busy(error: Exception) -> bool:
    """Whether the database could not take the request now, as opposed to a faulty query."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, OperationalError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    if isinstance(original, sqlite3.OperationalError):
        return sqlite_locked(original)
    # PostgreSQL: only states of the server, never faults in the query (which psycopg also
    # calls operational): lost or refused connections (08), too many clients or out of
    # resources (53), shutdowns and cancelled statements (57), serialisation and deadlock
    # (40), a lock not available (55P03). No SQLSTATE means the connection itself failed.
    state = getattr(original, "sqlstate", None)
    if state is None:
        return type(original).__module__.startswith("psycopg")
    return state[:2] in {"08", "53", "57", "40"} or state == "55P03"


def busy_page():
    """The 503 page for a busy database, drawn without touching the database."""
    from app.platform.extensions import db, login_manager

    # The connection may be gone; the page must show all the same.
    with contextlib.suppress(Exception):
        db.session.rollback()
    # The page header would load the signed-in member of staff from the database.
    g._login_user = login_manager.anonymous_user()
    resend = None
    if request.method == "POST" and request.endpoint in RESIDENT_FORMS:
        # Files cannot be carried over, and a press of a language button must not come back
        # as a submission: both get the text and a way back to the form instead of a resend.
        attached = any(upload.filename for upload in request.files.getlist("attachments"))
        resend = {
            "fields": [(k, v) for k, v in request.form.items(multi=True) if k != "switch_language"],
            "body": request.form.get("body", ""),
            "attached": attached,
            "switching": bool(request.form.get("switch_language")),
            "form_url": request.path,
        }
    page = render_template(
        "errors/busy.html", resend=resend, retry=BUSY_RETRY_SECONDS, next_path="/"
    )
    return page, 503, {"Retry-After": str(BUSY_RETRY_SECONDS)}
