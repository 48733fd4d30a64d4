"""Property-based requests to the four submission endpoints, generated from the OpenAPI
document and sent with a working key: no answer is a server error, and every answer is one the
document gives (status, content type, body)."""

from __future__ import annotations

import uuid

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.api.submitting import key_for
from tests.factories import make_hearing

EXAMPLES_PER_OPERATION = 30


def test_no_submission_gets_a_server_error_or_an_answer_outside_the_document(app, db, config):
    config["API_LIMIT_PER_ADDRESS"] = "1000000 per minute"
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1000000 per minute"
    hearing = make_hearing(measures=2)
    key = key_for(hearing, items_per_hour=100_000)
    hearing_id = hearing.id
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [
        operation
        for operation in (result.ok() for result in schema.get_all_operations())
        if operation.method.upper() == "POST" and "submitting" in (operation.tags or [])
    ]
    assert len(operations) == 4

    for operation, mode in [(op, m) for op in operations for m in GenerationMode]:
        _checks(operation, mode, key.plaintext, hearing_id)()


def _checks(operation, mode: GenerationMode, key: str, hearing_id: int):
    # Not "schema-valid input is accepted": a valid shape may still break the web form's rules
    # (a measure not on the agenda). And for a batch, not "schema-invalid input is refused":
    # an item that does not fit its schema is refused on its own, inside a 200 that stores the
    # others.
    excluded = [positive_data_acceptance]
    if operation.path.endswith("/batch"):
        excluded.append(negative_data_rejection)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.headers = {"Authorization": f"Bearer {key}", **(case.headers or {})}
        if mode is GenerationMode.POSITIVE and "Idempotency-Key" in case.headers:
            # A fresh key each time: a key met again would (rightly) replay or be refused.
            case.headers["Idempotency-Key"] = uuid.uuid4().hex
        if mode is GenerationMode.POSITIVE:
            case.path_parameters["hearing_id"] = hearing_id
        case.call_and_validate(excluded_checks=excluded)

    return check
