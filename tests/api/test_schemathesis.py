"""Property-based requests against the running app, generated from its own OpenAPI document:
no answer is a server error, and every answer matches the document."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.helpers import publish
from tests.factories import make_committee_action, make_hearing, make_sign_in

EXAMPLES_PER_OPERATION = 30


def test_no_request_gets_a_server_error_or_an_answer_outside_the_document(app, db, config):
    config["API_LIMIT_PER_ADDRESS"] = "1000000 per minute"
    hearing = make_hearing(measures=2)
    publish(hearing, body="A letter with ‏עברית and 🙂 in it.")
    make_sign_in(hearing)
    make_committee_action(hearing.measures[0])
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Every operation, the writing ones without a key (test_submission_views_schemathesis.py
    # sends the submissions with a working key).
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation, mode in [(op, m) for op in operations for m in GenerationMode]:
        # Valid requests, and invalid ones (bad types, out-of-range numbers, overlong strings).
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # A cursor is opaque: any string fits its schema, but one the API did not hand out
            # is rightly refused with 400, so "schema-valid input must be accepted" cannot hold.
            # Every other check runs (no 5xx, status codes, content types, bodies, headers).
            case.call_and_validate(excluded_checks=[positive_data_acceptance])

        check()
