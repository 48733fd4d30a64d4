"""The measure form's translations: a title and summary in each other interface language,
typed by the clerk, shown back, changed, removed, and checked like the original's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.hearings.measure_texts import translations_of
from app.hearings.models import Measure
from app.platform.audit import AuditEvent
from tests.factories import field_value, log_in, make_committee, make_staff_user, post_form

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")

TITLE_ES = "Ordenanza que prohíbe la vigilancia facial en Boston"
SUMMARY_ES = "Prohíbe que la Ciudad use tecnología de vigilancia facial."


@pytest.fixture
def browser(app, db):
    clerk = make_staff_user(Role.CLERK)
    db.session.commit()
    client = app.test_client()
    assert log_in(client, clerk).status_code == 303
    return client


def fields(**overrides) -> dict:
    values = {
        "kind": "ordinance",
        "number": "Docket #0683",
        "title": "Ordinance banning face surveillance in Boston",
        "summary": "Prohibits city use of face surveillance.",
        "official_url": "https://www.boston.gov/departments/city-council",
        "session": "2020",
        "title_es": TITLE_ES,
        "summary_es": SUMMARY_ES,
    }
    return values | overrides


def stored(db) -> Measure:
    db.session.expire_all()
    return db.session.scalars(select(Measure)).one()


def translated_events(db) -> list[AuditEvent]:
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "measure.translated"))
    )


def test_the_form_offers_each_other_language_marked_with_its_language(db, browser):
    committee = make_committee()
    db.session.commit()
    page = browser.get(f"/staff/manage/committees/{committee.id}/measures/new").text
    assert "In Spanish (optional)" in page
    assert 'id="title_es"' in page and 'lang="es"' in page
    assert "Summary in Spanish</label>" in page


def test_a_clerk_adds_changes_and_removes_a_translation(db, browser):
    committee = make_committee()
    db.session.commit()
    new = f"/staff/manage/committees/{committee.id}/measures/new"
    assert post_form(browser, new, fields()).status_code == 303
    measure = stored(db)
    assert translations_of(measure)["es"].title == TITLE_ES
    edit = f"/staff/manage/measures/{measure.id}"
    page = browser.get(edit).text
    assert field_value(page, "title_es") == TITLE_ES

    assert post_form(browser, edit, fields(title_es="Otro título")).status_code == 303
    assert translations_of(stored(db))["es"].title == "Otro título"
    assert post_form(browser, edit, fields(title_es="", summary_es="")).status_code == 303
    assert translations_of(stored(db)) == {}
    assert [event.data["languages"] for event in translated_events(db)] == [["es"]] * 3


def test_saving_the_same_translation_again_records_no_translation_change(db, browser):
    committee = make_committee()
    db.session.commit()
    new = f"/staff/manage/committees/{committee.id}/measures/new"
    post_form(browser, new, fields())
    post_form(browser, f"/staff/manage/measures/{stored(db).id}", fields())
    assert len(translated_events(db)) == 1


def test_a_summary_without_its_title_is_refused_and_nothing_is_saved(db, browser):
    committee = make_committee()
    db.session.commit()
    new = f"/staff/manage/committees/{committee.id}/measures/new"
    response = post_form(browser, new, fields(title_es=""))
    assert response.status_code == 200
    assert "Enter the title in this language too, or leave its summary empty." in response.text
    assert 'href="#title_es"' in response.text
    assert db.session.scalars(select(Measure)).all() == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title_es", "x" * 301, "Use 300 characters or fewer."),
        ("summary_es", "x" * 5001, "Use 5000 characters or fewer."),
        ("title_es", "Título\x00", "Remove the control characters (such as NUL) from this field."),
    ],
)
def test_translations_are_checked_like_the_original(db, browser, field, value, message):
    committee = make_committee()
    db.session.commit()
    new = f"/staff/manage/committees/{committee.id}/measures/new"
    response = post_form(browser, new, fields(**{field: value}))
    assert message in response.text
    assert db.session.scalars(select(Measure)).all() == []


def test_hostile_text_in_a_translation_is_shown_as_text(db, browser):
    committee = make_committee()
    db.session.commit()
    hostile = "<script>alert(1)</script>{{ 7*191 }}"
    post_form(
        browser, f"/staff/manage/committees/{committee.id}/measures/new", fields(title_es=hostile)
    )
    page = browser.get(f"/staff/manage/measures/{stored(db).id}").text
    assert "<script>alert(1)" not in page and "1337" not in page
