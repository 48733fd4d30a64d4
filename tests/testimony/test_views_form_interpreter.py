"""The interpreter question on the testimony form and the amendment: a choice among the
hearing's body's languages (named in the page's language), "Other (say which)" with the
language in the resident's words, or none; and what the receipt and the moderator show."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from app.hearings.languages import DEFAULT_LANGUAGES
from app.testimony.models import Testimony
from tests.factories import (
    csrf_token_from,
    listed_language,
    make_body,
    make_committee,
    make_hearing,
    signed_in_client,
)
from tests.form_pages import (
    field_error,
    form_values,
    open_form,
    receipt_fact,
    submit,
    summary_errors,
)

NOT_OFFERED = "Choose one of the options shown."
SAY_WHICH = "Say which language you need an interpreter for."


@pytest.fixture
def hearing(db):
    hearing = make_hearing()
    db.session.commit()
    return hearing


def body_of(hearing):
    return hearing.committee.body


def options(page: str) -> list[tuple[str, str, bool]]:
    """The interpreter choices as the page offers them: (value, label, selected)."""
    select_html = re.search(
        r'<select[^>]*name="interpreter_language"[^>]*>(.*?)</select>', page, re.S
    )
    assert select_html, "no interpreter choice on the page"
    found = []
    for attributes, label in re.findall(r"<option([^>]*)>(.*?)</option>", select_html.group(1)):
        value = re.search(r'value="([^"]*)"', attributes).group(1)
        found.append((value, html.unescape(label).strip(), " selected" in attributes))
    return found


def selected(page: str) -> str:
    chosen = [value for value, _label, is_selected in options(page) if is_selected]
    return chosen[0] if chosen else ""


def stored(db) -> Testimony:
    db.session.expire_all()
    return db.session.scalars(select(Testimony)).one()


def nothing_stored(db) -> bool:
    return db.session.scalar(select(func.count(Testimony.id))) == 0


def receipt_of(client, response) -> str:
    assert response.status_code == 303, response.text
    return client.get(response.headers["Location"]).text


def test_the_form_offers_none_each_listed_language_and_other(client, hearing):
    choices = options(open_form(client, hearing))
    labels = [label for _value, label, _selected in choices]
    assert labels == [
        "No interpreter needed",
        *(english for _code, english, _spanish in DEFAULT_LANGUAGES),
        "Other (say which)",
    ]
    assert choices[0][0] == "" and choices[-1][0] == "other"
    assert choices[1][0] == str(listed_language(body_of(hearing), "es").id)
    assert selected(open_form(client, hearing)) == ""


def test_the_languages_are_named_in_the_pages_language(client, hearing):
    client.set_cookie("lang", "es")
    labels = [label for _value, label, _selected in options(open_form(client, hearing))]
    assert labels[1:-1] == [spanish for _code, _english, spanish in DEFAULT_LANGUAGES]


def test_a_listed_language_is_stored_and_named_on_the_receipt_in_each_language(client, db, hearing):
    haitian = listed_language(body_of(hearing), "ht")
    response = submit(
        client, hearing, interpreter_language=str(haitian.id), interpreter_other="ignored"
    )
    receipt = receipt_of(client, response)

    testimony = stored(db)
    assert testimony.interpreter_language_id == haitian.id
    assert testimony.interpreter_language is None  # "Which language?" is read only with Other
    assert receipt_fact(receipt, "Interpreter") == "Haitian Creole"
    client.set_cookie("lang", "es")
    spanish = client.get(response.headers["Location"]).text
    assert "Criollo haitiano" in spanish
    assert "Haitian Creole" not in spanish


def test_other_stores_the_language_as_the_resident_wrote_it(client, db, hearing):
    response = submit(
        client, hearing, interpreter_language="other", interpreter_other="  Kriolu (Fogo) "
    )
    receipt = receipt_of(client, response)
    testimony = stored(db)
    assert testimony.interpreter_language_id is None
    assert testimony.interpreter_language == "Kriolu (Fogo)"
    assert receipt_fact(receipt, "Interpreter") == "Kriolu (Fogo)"


def test_no_interpreter_stores_nothing_and_the_receipt_says_nothing(client, db, hearing):
    response = submit(client, hearing, interpreter_language="", interpreter_other="Klingon")
    receipt = receipt_of(client, response)
    testimony = stored(db)
    assert (testimony.interpreter_language_id, testimony.interpreter_language) == (None, None)
    assert "<dt>Interpreter</dt>" not in receipt


def test_a_form_without_the_question_asks_for_no_interpreter(client, db, hearing):
    response = submit(client, hearing, interpreter_language=None)
    receipt_of(client, response)
    assert stored(db).interpreter_language_id is None


def test_other_without_saying_which_is_refused_and_keeps_the_choice(client, db, hearing):
    response = submit(client, hearing, interpreter_language="other", interpreter_other="  ")
    assert response.status_code == 200
    assert SAY_WHICH in summary_errors(response.text)
    assert SAY_WHICH in field_error(response.text, "interpreter_other")
    assert selected(response.text) == "other"
    assert nothing_stored(db)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * 101, "Use 100 characters or fewer."),
        ("Kri\x00olu", "Remove the control characters (such as NUL) from this field."),
        ("...", "Enter letters or numbers here."),
    ],
)
def test_a_bad_other_language_is_refused(client, db, hearing, typed, message):
    response = submit(client, hearing, interpreter_language="other", interpreter_other=typed)
    assert response.status_code == 200
    assert message in field_error(response.text, "interpreter_other")
    assert form_values(response.text)["interpreter_other"] == typed
    assert nothing_stored(db)


def test_what_is_typed_under_which_language_is_ignored_without_other(client, db, hearing):
    response = submit(client, hearing, interpreter_other="\x00" * 200)
    receipt_of(client, response)
    assert stored(db).interpreter_language is None


def test_a_language_of_another_body_is_refused(client, db, hearing):
    elsewhere = make_hearing(committee=make_committee(make_body(name="Cambridge")))
    foreign = listed_language(body_of(elsewhere), "es")
    db.session.commit()
    response = submit(client, hearing, interpreter_language=str(foreign.id))
    assert response.status_code == 200
    assert NOT_OFFERED in field_error(response.text, "interpreter_language")
    assert nothing_stored(db)


@pytest.mark.parametrize("value", ["Spanish", "999999", "-1", "1.0", "other ", "\x00"])
def test_a_tampered_choice_is_refused(client, db, hearing, value):
    response = submit(client, hearing, interpreter_language=value)
    assert response.status_code == 200
    assert NOT_OFFERED in field_error(response.text, "interpreter_language")
    assert nothing_stored(db)


# The amendment


def amend_page(client, token: str) -> str:
    page = client.get(f"/receipts/{token}/amend")
    assert page.status_code == 200
    return page.text


def amend(client, token: str, page: str, testimony: Testimony, **fields):
    data = {
        "csrf_token": csrf_token_from(page),
        "form_key": form_values(page)["form_key"],
        "version": form_values(page)["version"],
        "measure_id": str(testimony.measure_id),
        "position": testimony.position.value,
        "body": testimony.body,
        "speaking_request": testimony.speaking_request.value,
        "reason": "I need another interpreter.",
    } | fields
    return client.post(
        f"/receipts/{token}/amend",
        data={key: value for key, value in data.items() if value is not None},
    )


def token_of(response) -> str:
    assert response.status_code == 303, response.text
    return response.headers["Location"].removeprefix("/receipts/")


def test_the_amendment_shows_and_changes_the_interpreter(client, db, hearing):
    spanish = listed_language(body_of(hearing), "es")
    token = token_of(submit(client, hearing, interpreter_language=str(spanish.id)))
    page = amend_page(client, token)
    assert selected(page) == str(spanish.id)

    response = amend(
        client,
        token,
        page,
        stored(db),
        interpreter_language="other",
        interpreter_other="Kriolu",
    )
    assert response.status_code == 303, response.text
    testimony = stored(db)
    assert (testimony.interpreter_language_id, testimony.interpreter_language) == (
        None,
        "Kriolu",
    )
    assert testimony.version == 2
    page = amend_page(client, token)
    assert selected(page) == "other"
    assert form_values(page)["interpreter_other"] == "Kriolu"

    french = listed_language(body_of(hearing), "fr")
    response = amend(client, token, page, testimony, interpreter_language=str(french.id))
    assert response.status_code == 303, response.text
    testimony = stored(db)
    assert (testimony.interpreter_language_id, testimony.interpreter_language) == (french.id, None)
    assert receipt_fact(client.get(f"/receipts/{token}").text, "Interpreter") == "French"


def test_an_amendment_form_without_the_question_keeps_the_interpreter(client, db, hearing):
    arabic = listed_language(body_of(hearing), "ar")
    token = token_of(submit(client, hearing, interpreter_language=str(arabic.id)))
    page = amend_page(client, token)
    response = amend(client, token, page, stored(db), body="Changed words.")
    assert response.status_code == 303
    assert stored(db).interpreter_language_id == arabic.id


def test_an_amendment_with_other_and_no_language_is_refused(client, db, hearing):
    token = token_of(submit(client, hearing))
    page = amend_page(client, token)
    response = amend(client, token, page, stored(db), interpreter_language="other")
    assert response.status_code == 200
    assert SAY_WHICH in field_error(response.text, "interpreter_other")
    assert stored(db).version == 1


def test_the_moderator_sees_the_language_by_name(app, client, db, hearing):
    vietnamese = listed_language(body_of(hearing), "vi")
    submit(client, hearing, interpreter_language=str(vietnamese.id))
    testimony = stored(db)
    page = signed_in_client(app).get(f"/staff/testimony/{testimony.id}")
    assert page.status_code == 200
    assert "<dt>Interpreter</dt><dd>Vietnamese</dd>" in page.text


def test_the_form_page_is_the_same_without_javascript(client, hearing):
    """Both questions are in the page as sent: nothing depends on a script to appear."""
    page = open_form(client, hearing)
    assert 'name="interpreter_other"' in page
    assert "hidden" not in re.search(r'<input[^>]*name="interpreter_other"[^>]*>', page).group(0)
