"""A submission costs the same on its thousandth request in a process as on its first few.

A cost that rises with every request served is a leak, not a limit: a form that appended a
validator to a list its class shares made each POST a little dearer than the one before, and
a benchmark with long-lived workers measured the leak. Time is no measure in a test, so this
counts the Python function calls one submission makes (its POST, then its receipt page):
the same code path makes the same calls, give or take the few that random draws and the
cyclic garbage collector add, and anything that grows per request grows this count.

bench/submissions.py --flat reports the same in CPU milliseconds, from 1,000 to 100,000
requests in one process.
"""

from __future__ import annotations

import gc
import statistics
import sys

import pytest

from app.testimony.forms import AmendmentForm, TestimonyForm
from app.testimony.models import SpeakingRequest
from tests.factories import form_fields
from tests.form_pages import form_url, open_hearing

# Requests made before the first count (caches, compiled statements and templates warmed
# up), between the counts, and counted at each point (their median taken).
WARM_UP, BETWEEN, SAMPLES = 30, 150, 5
# Random draws (tracking numbers, tokens) move the count by a few dozen calls at most; one
# more validator run per request adds more than that within BETWEEN requests.
TOLERANCE = 0.01


def calls_made(action) -> int:
    """The Python and C function calls `action` makes in this thread."""
    calls = 0

    def count(_frame, event, _arg) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    gc.collect()
    gc.disable()  # a collection would run finalisers inside one request and not another
    sys.setprofile(count)
    try:
        action()
    finally:
        sys.setprofile(None)
        gc.enable()
    return calls


@pytest.fixture
def residents(app, db, client):
    """A hearing taking testimony from many residents at one address, limits out of the way."""
    app.config["SUBMIT_LIMIT_PER_ADDRESS"] = "1000000 per minute"
    app.config["SUBMIT_LIMIT_PER_EMAIL"] = "1000000 per minute"
    hearing = open_hearing(db)
    sent = 0

    def submit_one(count: bool = False) -> int:
        nonlocal sent
        sent += 1
        page = client.get(form_url(hearing)).text
        fields = form_fields(
            hearing,
            page,
            full_name=f"Resident {sent}",
            email=f"resident{sent}@example.org",
            body=f"Testimony number {sent}: I ask the committee to adopt the ordinance.",
        )

        def post_and_read_receipt() -> None:
            posted = client.post(form_url(hearing), data=fields)
            assert posted.status_code == 303
            assert client.get(posted.headers["Location"]).status_code == 200

        if not count:
            post_and_read_receipt()
            return 0
        return calls_made(post_and_read_receipt)

    return submit_one


def median_cost(submit_one) -> float:
    return statistics.median(submit_one(count=True) for _ in range(SAMPLES))


def test_a_submission_costs_the_same_after_hundreds_more(residents):
    for _ in range(WARM_UP):
        residents()
    early = median_cost(residents)
    for _ in range(BETWEEN):
        residents()
    later = median_cost(residents)

    assert later <= early * (1 + TOLERANCE), (
        f"one submission made {early:.0f} calls after {WARM_UP} requests and {later:.0f} "
        f"after {WARM_UP + SAMPLES + BETWEEN}: something grows with every request"
    )


@pytest.mark.parametrize("form_class", [TestimonyForm, AmendmentForm])
def test_building_a_form_leaves_its_class_unchanged(app, db, form_class):
    """The shared lists a form class holds (each field's validators) do not grow."""
    hearing = open_hearing(db)
    before = {
        name: len(field.kwargs.get("validators") or ()) for name, field in _fields(form_class)
    }
    extra = (
        {"existing_attachments": 0, "current_speaking": SpeakingRequest.NONE}
        if form_class is AmendmentForm
        else {}
    )
    with app.test_request_context(method="POST"):
        for _ in range(3):
            form_class(hearing=hearing, allow_speaking=True, **extra)
    after = {name: len(field.kwargs.get("validators") or ()) for name, field in _fields(form_class)}
    assert after == before


def _fields(form_class):
    return [
        (name, value)
        for name in dir(form_class)
        if hasattr(value := getattr(form_class, name), "field_class")
    ]
