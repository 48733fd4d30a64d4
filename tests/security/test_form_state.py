"""Attacks on what one form remembers between requests.

A form must start from the same state on every request: nothing one request does may leak
into the next (piled-up checks), and a file kept for one resident's form must never reach
another's.
"""

from __future__ import annotations

from tests.factories import make_hearing, make_testimony
from tests.testimony.test_form_validation import field_error, submit, summary_errors

OVER_LENGTH = "Keep your testimony to 10,000 characters or fewer."


def test_building_the_form_a_thousand_times_still_shows_the_length_error_once(app, client, db):
    """A flood of requests must not pile the length check up: after 1,000 forms an
    over-length testimony is told so once, not a thousand times."""
    from app.testimony.forms import AmendmentForm, TestimonyForm

    hearing = make_hearing()
    receipt = make_testimony(hearing)
    db.session.commit()
    for _ in range(1_000):
        with app.test_request_context("/", method="GET"):
            TestimonyForm(hearing=hearing, allow_speaking=True)
            AmendmentForm(
                hearing=hearing,
                allow_speaking=True,
                existing_attachments=0,
                current_speaking=receipt.testimony.speaking_request,
            )

    page = submit(client, hearing, body="x" * 10_001).text

    assert field_error(page, "body") == f"Error: {OVER_LENGTH}"
    assert summary_errors(page).count(OVER_LENGTH) == 1
    with app.test_request_context("/", method="GET"):
        form = TestimonyForm(hearing=hearing, allow_speaking=True)
        assert sum(1 for v in form.body.validators if type(v).__name__ == "Length") == 1
