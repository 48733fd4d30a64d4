"""Names of private third parties on the review page: offered as suggested redactions with
their own label, never hidden on their own, and never the author's or an official's name."""

from __future__ import annotations

from sqlalchemy import func, select

from app.moderation.models import Redaction
from app.moderation.services import active_spans
from app.testimony.models import ReviewStatus
from tests.factories import (
    OwnContextClient,
    make_hearing,
    make_testimony,
    set_review_status,
    signed_in_client,
)
from tests.moderation.test_pii import redact_url, review_url, suggestions_on

BODY = (
    "My name is Denise Okafor. Councilor Wu was right, and so was Ricardo Arroyo. "
    "My neighbour Tom Lee at 12 Elm Street was filmed every day, and Mrs. O'Brien down the "
    "hall too. Tom Lee has asked them to stop. Call me at 617-555-0100.\n\nDenise Okafor"
)


def make_named_testimony():
    hearing = make_hearing(description="Sponsored by Councilors Michelle Wu and Ricardo Arroyo.")
    testimony = make_testimony(hearing, full_name="Denise Okafor", body=BODY).testimony
    return hearing, testimony


def test_names_of_third_parties_are_suggested_with_their_own_label(app, db):
    _, testimony = make_named_testimony()
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    assert "Name of a person: “Tom Lee”" in page
    assert "Name of a person: “O&#39;Brien”" in page, "escaped as Jinja does"
    # In text order, each once; the author and the officials are not offered.
    assert list(suggestions_on(page)) == ["Tom Lee", "12 Elm Street", "O'Brien", "617-555-0100"]
    assert {form["url"] for form in suggestions_on(page).values()} == {redact_url(testimony)}
    assert 'data-kind="person_name"' in page


def test_names_are_only_suggested_never_hidden_on_their_own(app, db):
    hearing, testimony = make_named_testimony()
    set_review_status(testimony, ReviewStatus.APPROVED)
    signed_in_client(app).get(review_url(testimony))

    visitor = OwnContextClient(app, app.response_class, use_cookies=True)
    public = visitor.get(f"/hearings/{hearing.id}").text

    assert "Tom Lee" in public
    assert db.session.scalar(select(func.count(Redaction.id))) == 0


def test_pressing_a_name_hides_every_occurrence_and_the_suggestion_goes(app, db):
    hearing, testimony = make_named_testimony()
    set_review_status(testimony, ReviewStatus.APPROVED)
    browser = signed_in_client(app)
    form = suggestions_on(browser.get(review_url(testimony)).text)["Tom Lee"]

    response = browser.post(form["url"], data=form["data"])

    assert response.status_code == 303
    assert [BODY[s:e] for s, e in active_spans(testimony)] == ["Tom Lee", "Tom Lee"]
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)
    public = visitor.get(f"/hearings/{hearing.id}").text
    assert "Tom Lee" not in public
    remaining = suggestions_on(browser.get(review_url(testimony)).text)
    assert "Tom Lee" not in remaining
    assert "O'Brien" in remaining


def test_a_testimony_naming_only_its_author_and_officials_has_no_suggestions(app, db):
    hearing = make_hearing(description="Sponsored by Councilor Ricardo Arroyo.")
    body = "I am Jane Roe. Mayor Wu and Chair Arroyo agree; Ricardo Arroyo wrote it.\nJane Roe"
    testimony = make_testimony(hearing, full_name="Jane Roe", body=body).testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    assert "Suggested redactions" not in page
    assert suggestions_on(page) == {}
