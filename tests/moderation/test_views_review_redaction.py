"""Redaction beside the text on the review page: the suggestions named by their kind (any kind
the detector adds), "Edit first" that puts a suggestion in the redaction box without hiding
anything, and the order the page reads in without styles: text first, then redaction, then the
decision."""

from __future__ import annotations

import enum
import html
import re

from sqlalchemy import func, select

from app.moderation.models import Redaction
from app.moderation.views import Suggestion, _suggested_redactions, kind_label
from tests.factories import csrf_token_from, make_testimony, signed_in_client

BODY = "Call me on 617-555-0100 or write to denise.o@example.org about the ban."


def review_url(testimony) -> str:
    return f"/staff/testimony/{testimony.id}"


def redactions(db) -> int:
    return db.session.scalar(select(func.count(Redaction.id)))


def test_each_suggestion_carries_its_kind_and_its_words(app, db):
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    kinds = re.findall(r'<li data-kind="([^"]+)"><span id="suggestion-\d+">([^<]+)</span>', page)
    assert [(kind, html.unescape(words)) for kind, words in kinds] == [
        ("phone", "Phone number: “617-555-0100”"),
        ("email", "E-mail address: “denise.o@example.org”"),
    ]


def test_a_kind_without_words_of_ours_is_still_named():
    class Found(enum.StrEnum):
        PERSON_NAME = "person_name"

    class Labelled:
        value = "person_name"
        label = "Name of a person"

    assert kind_label(Found.PERSON_NAME) == "Person name"
    assert kind_label(Labelled()) == "Name of a person"
    assert kind_label("phone") == "Phone number"


def test_suggestions_list_each_finding_not_yet_hidden():
    assert [s.kind for s in _suggested_redactions(BODY, [])] == ["phone", "email"]
    spans = [(BODY.index("617"), BODY.index("617") + len("617-555-0100"))]
    assert _suggested_redactions(BODY, spans) == [
        Suggestion("email", "E-mail address", "denise.o@example.org")
    ]


def edit_first_fields(page_html: str, phrase: str) -> dict:
    return {
        "csrf_token": csrf_token_from(page_html),
        "phrase": phrase,
        "seen_version": "1",
        "then": "edit",
    }


def test_edit_first_puts_the_suggestion_in_the_box_and_hides_nothing(app, db):
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony)).text
    assert 'name="then" value="edit"' in page

    response = browser.post(
        f"/staff/testimony/{testimony.id}/redactions",
        data=edit_first_fields(page, "denise.o@example.org"),
    )

    assert response.status_code == 200
    assert redactions(db) == 0
    box = re.search(r'<input[^>]*id="phrase"[^>]*>', response.text).group(0)
    assert 'value="denise.o@example.org"' in box
    assert "passage hidden" not in response.text
    # The moderator shortens it and hides the rest with the ordinary button.
    done = browser.post(
        f"/staff/testimony/{testimony.id}/redactions",
        data=edit_first_fields(response.text, "denise.o") | {"then": ""},
    )
    assert done.status_code == 303
    assert redactions(db) == 1


def test_edit_first_without_the_form_token_fills_in_nothing(app, db):
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app)
    browser.get(review_url(testimony))

    response = browser.post(
        f"/staff/testimony/{testimony.id}/redactions",
        data={"phrase": "denise.o@example.org", "seen_version": "1", "then": "edit"},
    )

    assert response.status_code == 400
    assert redactions(db) == 0
    assert "denise.o@example.org" not in response.text


def test_edit_first_still_checks_what_is_put_in_the_box(app, db):
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony)).text

    response = browser.post(
        f"/staff/testimony/{testimony.id}/redactions",
        data=edit_first_fields(page, "x" * 501),
    )

    assert "Use 500 characters or fewer." in response.text
    assert redactions(db) == 0


def test_the_page_reads_text_then_redaction_then_decision(app, db):
    testimony = make_testimony(body=BODY).testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text

    workspace = page.split('<div class="review-workspace">', 1)[1]
    order = [
        workspace.index('id="text-heading"'),
        workspace.index('id="redactions-heading"'),
        workspace.index('id="suggestions-heading"'),
        workspace.index('id="decide-heading"'),
    ]
    assert order == sorted(order)
    # History and notes are a link away from the top of the page.
    for target in (
        "text-heading",
        "redactions-heading",
        "decide-heading",
        "history-heading",
        "notes-heading",
    ):
        assert f'<a href="#{target}">' in page
        assert f'id="{target}"' in page
