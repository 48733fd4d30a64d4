"""Each body's list of interpreter languages on its page: clerks add, rename, reorder and remove
languages through plain forms (no JavaScript), and a language someone asks for stays."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings.languages import DEFAULT_LANGUAGES, body_languages
from app.hearings.models import InterpreterLanguage
from app.platform.audit import AuditEvent
from tests.factories import (
    csrf_token_from,
    listed_language,
    log_in,
    make_body,
    make_committee,
    make_hearing,
    make_staff_user,
    make_testimony,
    post_form,
    snapshot,
    text_of,
)

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


@pytest.fixture
def browser(client, db):
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk", email="clerk@example.gov")
    db.session.commit()
    assert log_in(client, clerk).status_code == 303
    return client


@pytest.fixture
def body(db):
    body = make_body(name="Boston City Council")
    db.session.commit()
    return body


def body_url(body) -> str:
    return f"/staff/manage/bodies/{body.id}"


def codes(db, body) -> list[str]:
    db.session.expire_all()
    return [language.code for language in body_languages(body.id)]


def listed(db) -> list[tuple]:
    db.session.expire_all()
    return [
        (item.id, item.code, item.names, item.position)
        for item in db.session.scalars(select(InterpreterLanguage).order_by(InterpreterLanguage.id))
    ]


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def press(browser, body, path: str, **data):
    """Press a button of the list on the body's page (it carries the page's CSRF token)."""
    page = browser.get(body_url(body))
    return browser.post(path, data={"csrf_token": csrf_token_from(page.text)} | data)


def add(browser, body, **fields):
    data = {"language-code": "tlh", "language-name_en": "Klingon", "language-name_es": "Klingon"}
    data |= {f"language-{name}": value for name, value in fields.items()}
    page = browser.get(body_url(body)).text
    token = page.split('name="language-csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    return browser.post(
        f"/staff/manage/bodies/{body.id}/languages", data=data | {"language-csrf_token": token}
    )


def test_the_body_page_lists_its_languages_in_order(db, browser, body):
    page = text_of(browser.get(body_url(body)))
    assert "Interpreter languages" in page
    positions = [page.index(english) for _code, english, _spanish in DEFAULT_LANGUAGES]
    assert positions == sorted(positions)
    assert "Criollo haitiano" in page
    # Each button says which language it acts on, for a screen reader.
    assert '<span class="visually-hidden"> Spanish</span>' in browser.get(body_url(body)).text


def test_a_new_body_starts_with_the_default_list(db, browser):
    response = post_form(
        browser,
        "/staff/manage/bodies/new",
        {"name": "Cambridge City Council", "jurisdiction": "Cambridge", "timezone": "UTC"},
    )
    assert response.status_code == 303
    (body,) = [b for b in db.session.scalars(select(InterpreterLanguage.body_id).distinct())]
    assert len(body_languages(body)) == len(DEFAULT_LANGUAGES)


def test_clerk_adds_a_language_at_the_end(db, browser, body):
    response = add(browser, body, code=" Tlh ", name_en="Klingon", name_es="Klingon (es)")
    assert response.status_code == 303
    assert response.location.endswith(f"{body_url(body)}#languages")
    assert codes(db, body)[-1] == "tlh"
    added = listed_language(body, "tlh")
    assert added.names == {"en": "Klingon", "es": "Klingon (es)"}
    (event,) = events(db, "interpreter_language.added")
    assert (event.subject_type, event.subject_id) == ("bodies", body.id)
    assert event.data["code"] == "tlh"
    assert "Added Klingon." in text_of(browser.get(body_url(body)))


def test_a_duplicate_code_is_refused_with_what_was_typed_kept(db, browser, body):
    before = snapshot(db)
    response = add(browser, body, code="ES", name_en="Spanish again", name_es="Otra vez")
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "This body's list already has a language with the code “es”." in page
    assert 'value="Spanish again"' in page
    assert snapshot(db) == before


def test_the_same_code_in_another_body_is_fine(db, browser, body):
    other = make_body(name="Massachusetts General Court", languages=False)
    db.session.commit()
    assert add(browser, other, code="es", name_en="Spanish", name_es="Español").status_code == 303
    assert codes(db, other) == ["es"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": ""}, "Enter the language's code, such as es or zh-yue."),
        ({"code": "x" * 17}, "Use 1 to 16 letters, digits and hyphens for the code"),
        ({"code": "es_MX"}, "Use 1 to 16 letters, digits and hyphens for the code"),
        ({"code": "<script>"}, "Use 1 to 16 letters, digits and hyphens for the code"),
        ({"code": "ñ"}, "Use 1 to 16 letters, digits and hyphens for the code"),
        ({"name_en": ""}, "Enter the language's name in English."),
        ({"name_es": "  "}, "Enter the language's name in Spanish."),
        ({"name_en": "x" * 101}, "Use 100 characters or fewer."),
        ({"name_en": "Kling\x00on"}, "Remove the control characters"),
    ],
)
def test_bad_languages_are_refused_and_change_nothing(db, browser, body, fields, message):
    before = snapshot(db)
    response = add(browser, body, **fields)
    assert response.status_code == 200
    page = text_of(response)
    assert "<title>Error:" in page
    assert message in page
    assert snapshot(db) == before


def test_clerk_renames_a_language_and_testimony_shows_the_new_name(db, browser, body):
    hearing = make_hearing(committee=make_committee(body))
    haitian = listed_language(body, "ht")
    receipt = make_testimony(hearing, interpreter_language_id=haitian.id)
    db.session.commit()
    page = browser.get(f"/staff/manage/languages/{haitian.id}")
    assert 'value="Haitian Creole"' in page.text
    assert 'value="Criollo haitiano"' in page.text
    response = post_form(
        browser,
        f"/staff/manage/languages/{haitian.id}",
        {"name_en": "Haitian Creole (Kreyòl)", "name_es": "Criollo haitiano (kreyòl)"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert haitian.code == "ht"
    assert haitian.names == {"en": "Haitian Creole (Kreyòl)", "es": "Criollo haitiano (kreyòl)"}
    (event,) = events(db, "interpreter_language.renamed")
    assert event.data["before"]["en"] == "Haitian Creole"
    assert "Haitian Creole (Kreyòl)" in text_of(browser.get(f"/receipts/{receipt.token}"))


def test_a_rename_needs_both_names(db, browser, body):
    spanish = listed_language(body, "es")
    db.session.commit()
    before = snapshot(db)
    response = post_form(
        browser, f"/staff/manage/languages/{spanish.id}", {"name_en": "", "name_es": "Español"}
    )
    assert response.status_code == 200
    assert "Enter the language's name in English." in text_of(response)
    assert snapshot(db) == before


def test_clerk_moves_languages_up_and_down(db, browser, body):
    start = [code for code, _english, _spanish in DEFAULT_LANGUAGES]
    haitian = listed_language(body, "ht")
    spanish = listed_language(body, "es")
    db.session.commit()

    response = press(browser, body, f"/staff/manage/languages/{haitian.id}/up")
    assert response.status_code == 303
    assert codes(db, body) == ["ht", "es", *start[2:]]
    assert events(db, "interpreter_language.moved")[0].data == {"code": "ht", "position": 0}

    press(browser, body, f"/staff/manage/languages/{spanish.id}/down")
    assert codes(db, body) == ["ht", start[2], "es", *start[3:]]
    # At either end, the button is not shown and pressing it anyway changes nothing.
    press(browser, body, f"/staff/manage/languages/{haitian.id}/up")
    assert codes(db, body)[0] == "ht"
    page = browser.get(body_url(body)).text
    assert f"/staff/manage/languages/{haitian.id}/up" not in page
    assert f"/staff/manage/languages/{haitian.id}/down" in page


def test_clerk_removes_a_language_nobody_asks_for(db, browser, body):
    somali = listed_language(body, "so")
    db.session.commit()
    response = press(browser, body, f"/staff/manage/languages/{somali.id}/remove")
    assert response.status_code == 303
    assert "so" not in codes(db, body)
    (event,) = events(db, "interpreter_language.removed")
    assert event.data == {"code": "so", "name": "Somali"}
    assert "Removed Somali." in text_of(browser.get(body_url(body)))


def test_a_language_testimony_asks_for_is_not_removed(db, browser, body):
    hearing = make_hearing(committee=make_committee(body))
    spanish = listed_language(body, "es")
    make_testimony(hearing, interpreter_language_id=spanish.id)
    db.session.commit()
    before = snapshot(db)
    response = press(browser, body, f"/staff/manage/languages/{spanish.id}/remove")
    assert response.status_code == 303
    assert snapshot(db) == before
    page = text_of(browser.get(body_url(body)))
    assert "“Spanish” stays on the list: testimony or a speaker asks for an interpreter" in page


def test_a_language_a_speaker_asks_for_is_not_removed(db, browser, body):
    from app.speaking.models import Speaker, SpeakerMode
    from app.testimony.models import Position

    hearing = make_hearing(committee=make_committee(body))
    arabic = listed_language(body, "ar")
    db.session.add(
        Speaker(
            hearing=hearing,
            full_name="Walk-in Speaker",
            measure=hearing.measures[0],
            position=Position.SUPPORT,
            mode=SpeakerMode.IN_PERSON,
            interpreter_language_id=arabic.id,
            signed_up_at=hearing.testimony_opens_at,
        )
    )
    db.session.commit()
    before = snapshot(db)
    press(browser, body, f"/staff/manage/languages/{arabic.id}/remove")
    assert snapshot(db) == before
    assert "“Arabic” stays on the list" in text_of(browser.get(body_url(body)))


def test_the_list_changes_need_a_csrf_token(db, browser, body):
    spanish = listed_language(body, "es")
    db.session.commit()
    before = snapshot(db)
    attempts = [
        (f"/staff/manage/bodies/{body.id}/languages", {"language-code": "tlh"}),
        (f"/staff/manage/languages/{spanish.id}", {"name_en": "X", "name_es": "X"}),
        (f"/staff/manage/languages/{spanish.id}/up", {}),
        (f"/staff/manage/languages/{spanish.id}/down", {}),
        (f"/staff/manage/languages/{spanish.id}/remove", {}),
    ]
    for path, data in attempts:
        for token in ({}, {"csrf_token": "not-a-real-token"}):
            assert browser.post(path, data=data | token).status_code == 400, path
    assert snapshot(db) == before


def test_only_clerks_change_the_list(db, app, body):
    spanish = listed_language(body, "es")
    moderator = make_staff_user(Role.MODERATOR)
    db.session.commit()
    before = listed(db)
    client = app.test_client()
    assert log_in(client, moderator).status_code == 303
    token = csrf_token_from(client.get("/staff/manage/").text)  # the sign-out form's
    for path in (
        f"/staff/manage/languages/{spanish.id}/remove",
        f"/staff/manage/languages/{spanish.id}/down",
        f"/staff/manage/bodies/{body.id}/languages",
    ):
        assert client.post(path, data={"csrf_token": token}).status_code == 403
    assert client.get(f"/staff/manage/languages/{spanish.id}").status_code == 403
    assert listed(db) == before


@pytest.mark.parametrize(
    "path",
    [
        "/staff/manage/languages/999999",
        "/staff/manage/languages/999999/up",
        "/staff/manage/languages/999999/remove",
        "/staff/manage/bodies/999999/languages",
    ],
)
def test_unknown_languages_are_404(db, browser, path, body):
    page = browser.get(body_url(body))
    token = csrf_token_from(page.text)
    response = (
        browser.get(path)
        if path.endswith("999999")
        else browser.post(path, data={"csrf_token": token})
    )
    assert response.status_code == 404
