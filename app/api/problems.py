"""Errors as RFC 9457 problem details (`application/problem+json`).

Every refusal the API gives, from a bad cursor to a rate limit, is one of these: a `type` a
client can switch on (a stable URI under the API docs), a `title` for people, the HTTP `status`,
a `detail` about this request, and, for refused input, `errors`: one entry per field, each with
a JSON Pointer to the value it is about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import Response, request
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"
# Problem types are documented on the API's docs page, one anchor each.
TYPE_BASE = "/api/v1/docs#problem-"

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}
SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    412: "precondition-failed",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid-input",
    429: "rate-limited",
    500: "server-error",
    503: "unavailable",
}


@dataclass(frozen=True)
class FieldError:
    """One refused value: where it is (a JSON Pointer such as `/items/3/email`, or a query
    parameter's name as `?limit`), and what is wrong with it."""

    pointer: str
    detail: str

    def as_dict(self) -> dict:
        return {"pointer": self.pointer, "detail": self.detail}


@dataclass
class Problem(Exception):
    """Raised anywhere in the API to answer with a problem document."""

    status: int
    detail: str
    slug: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def response(self) -> Response:
        return problem_response(
            self.status, self.detail, slug=self.slug, errors=self.errors, headers=self.headers
        )


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    document = {
        "type": TYPE_BASE + (slug or SLUGS.get(status, "error")),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors:
        document["errors"] = [error.as_dict() for error in errors]
    response = Response(
        json.dumps(document, ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE
    )
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_error(error: HTTPException) -> Response:
    """A Werkzeug error (404, 405, 413, 429 from the limiter, ...) as a problem document,
    keeping the headers it carries (Allow, Retry-After)."""
    status = error.code or 500
    detail = {
        404: "There is nothing at this address. See /api/v1/docs for the endpoints.",
        405: "This address does not answer to that method.",
        413: "The request is larger than the API accepts.",
        429: "Too many requests from this address. Wait for the time in Retry-After.",
    }.get(status) or (error.description or TITLES.get(status, "Error"))
    response = problem_response(status, detail)
    for name, value in error.get_headers():
        if name.lower() not in {"content-type", "content-length"}:
            response.headers[name] = value
    return response
