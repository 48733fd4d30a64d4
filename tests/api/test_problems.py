"""Problem documents (RFC 9457)."""

from __future__ import annotations

import json

from werkzeug.exceptions import MethodNotAllowed

from app.api.problems import FieldError, Problem, from_http_error


def test_a_problem_names_its_type_status_and_the_refused_values(app):
    with app.test_request_context("/api/v1/hearings"):
        answer = Problem(
            422, "The request body is not valid.", errors=[FieldError("/items/3/email", "Bad")]
        ).response()

    document = json.loads(answer.get_data())
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.headers["Cache-Control"] == "no-store"
    assert document == {
        "type": "/api/v1/docs#problem-invalid-input",
        "title": "Unprocessable content",
        "status": 422,
        "detail": "The request body is not valid.",
        "instance": "/api/v1/hearings",
        "errors": [{"pointer": "/items/3/email", "detail": "Bad"}],
    }


def test_an_http_error_keeps_its_headers(app):
    with app.test_request_context("/api/v1/bodies", method="DELETE"):
        answer = from_http_error(MethodNotAllowed(valid_methods=["GET", "HEAD"]))

    assert answer.status_code == 405
    assert answer.headers["Allow"] == "GET, HEAD"
    assert answer.mimetype == "application/problem+json"
