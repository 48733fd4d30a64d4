"""How the API sits in the app: its blueprints, its error format, its limits and CORS.

Everything under /api/ answers errors as problem documents (the platform hands those paths to
us), may be read from any web page (CORS for GET and HEAD; writing needs a key and is made by
servers, so it is not offered to browsers), and is limited per address.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from app.api import problems
from app.platform.errors import BUSY_RETRY_SECONDS, add_error_responder
from app.platform.extensions import limiter

PREFIX = "/api/"
# What a page's script may read of an answer besides the simple headers.
EXPOSED = "ETag, Last-Modified, Retry-After, RateLimit-Limit, RateLimit-Remaining, " + (
    "RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Link"
)
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def _limit() -> str:
    return current_app.config["API_LIMIT_PER_ADDRESS"]


def _error(status: int, error) -> object:
    if error is not None:
        return problems.from_http_error(error)
    if status == 503:
        return problems.problem_response(
            503,
            "The service is busy. Nothing was stored; try again shortly.",
            headers={"Retry-After": str(BUSY_RETRY_SECONDS)},
        )
    return problems.problem_response(status, "Something went wrong on our side.")


def init_app(app: Flask, blueprints) -> None:
    """Register the API's blueprints (the factory hands them over) and its rules."""
    for blueprint in blueprints:
        limiter.limit(_limit)(blueprint)
        app.register_blueprint(blueprint)
    add_error_responder(app, PREFIX, _error)
    app.register_error_handler(problems.Problem, lambda problem: problem.response())

    @app.after_request
    def _cross_origin(response):
        if request.path.startswith(PREFIX) and request.method in READ_METHODS:
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = EXPOSED
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = (
                    "If-None-Match, If-Modified-Since"
                )
                response.headers["Access-Control-Max-Age"] = "86400"
        return response
