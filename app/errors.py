"""Domain errors raised by services, and the error pages people see."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the request; str(error) is for the person who made it."""


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        template = (
            f"errors/{code}.html" if code in {400, 404, 405, 413, 429} else "errors/generic.html"
        )
        return render_template(template, error=error, next_path="/"), code

    @app.errorhandler(CSRFError)
    def _expired_form(error: CSRFError):
        return render_template("errors/expired_form.html"), 400

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Logged with the traceback by Flask; the person sees a calm page with no details.
        app.logger.exception("unhandled error")
        return render_template("errors/500.html", next_path="/"), 500
