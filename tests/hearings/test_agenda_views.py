"""The clerks' import page: upload, preview table, confirm; the confirmation applies the file
previewed and only while its plan holds; errors are listed row by row and change nothing.

Who may reach the page at all is covered by tests/accounts/test_access.py."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.hearings.models import Hearing, Measure
from tests.factories import (
    agenda_csv,
    agenda_hearing,
    agenda_measure,
    csrf_token_from,
    example_agenda,
    log_in,
    make_agenda_bodies,
    make_staff_user,
    snapshot,
)

PAGE = "/staff/manage/import/"
CONFIRM = "/staff/manage/import/confirm"

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")


@pytest.fixture
def committees(db):
    committees = make_agenda_bodies()
    db.session.commit()
    return committees


@pytest.fixture
def clerk(db):
    user = make_staff_user(Role.CLERK, email="clerk@example.gov")
    db.session.commit()
    return user


@pytest.fixture
def browser(app, clerk):
    client = app.test_client()
    assert log_in(client, clerk).status_code == 303
    return client


def upload(browser, data: bytes, name: str = "agenda.csv"):
    token = csrf_token_from(browser.get(PAGE).text)
    return browser.post(
        PAGE,
        data={"csrf_token": token, "agenda": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def preview_token(page: str) -> str:
    return re.search(r'name="preview" type="hidden" value="([^"]+)"', page).group(1)


def confirm(browser, page: str):
    return browser.post(
        CONFIRM, data={"csrf_token": csrf_token_from(page), "preview": preview_token(page)}
    )


def count(db, model) -> int:
    result = db.session.scalar(select(func.count()).select_from(model))
    db.session.rollback()
    return result


def test_the_page_explains_the_format_and_asks_for_a_file(browser):
    page = browser.get(PAGE)
    assert page.status_code == 200
    assert '<label class="label" for="agenda">Agenda file (CSV or JSON)</label>' in page.text
    assert 'enctype="multipart/form-data"' in page.text
    assert "Up to 2 MB and 2,000 rows" in page.text


def test_the_manage_page_links_to_it(browser):
    assert f'href="{PAGE}"' in browser.get("/staff/manage/").text


def test_preview_then_confirm_imports_the_example(db, browser, committees):
    before = snapshot(db)
    preview = upload(browser, example_agenda("agenda.csv"))
    assert preview.status_code == 200
    page = preview.text
    assert "Preview of agenda.csv" in page
    assert "To create: 5" in page and "With errors: 0" in page
    assert '<th scope="row">Row 6</th>' in page
    assert "<code>ma-191-2019-10-22-judiciary</code>" in page
    assert snapshot(db)["measures"] == before["measures"]  # a preview imports nothing

    done = confirm(browser, page)
    assert done.status_code == 303 and done.location.endswith("/staff/manage/")
    assert (
        "The agenda is imported: 5 created, 0 changed, 0 unchanged."
        in browser.get("/staff/manage/").text
    )
    assert (count(db, Measure), count(db, Hearing)) == (3, 2)

    again = upload(browser, example_agenda("agenda.json"), "agenda.json")
    assert "Unchanged: 5" in again.text
    assert "importing it would change nothing" in again.text
    assert 'name="preview"' not in again.text


def test_a_preview_shows_each_change_old_and_new(db, browser, committees):
    confirm(browser, upload(browser, agenda_csv(agenda_measure())).text)
    page = upload(browser, agenda_csv(agenda_measure(title="<b>Face</b> surveillance ban"))).text
    assert "To change: 1" in page
    assert "<code>title</code>: <del><bdi>Ordinance banning face surveillance in Boston" in page
    assert "&lt;b&gt;Face&lt;/b&gt; surveillance ban" in page


def test_errors_are_listed_by_row_and_field_and_nothing_can_be_confirmed(db, browser, committees):
    data = agenda_csv(
        agenda_measure(kind="motion"),
        agenda_measure(external_id="fine", number="#2"),
        agenda_hearing(starts_at="soon"),
    )
    before = snapshot(db)
    response = upload(browser, data)
    assert response.status_code == 422
    page = response.text
    assert page.startswith("<!doctype html>") and "<title>Error:" in page
    assert '<a href="#row-1">Row 2</a>: 1 error' in page
    assert '<a href="#row-3">Row 4</a>: 1 error' in page
    assert '<tr id="row-3" class="has-error">' in page
    assert "Nothing is imported from a file with errors." in page
    assert "<code>kind</code>: Enter the kind: ordinance, bill, order or resolution." in page
    assert "<code>starts_at</code>: Enter a date and time" in page
    assert 'name="preview"' not in page
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "The file holds NUL bytes"),
        (b"a" * (2 * 1024 * 1024 + 1), "The file is larger than 2 MB."),
    ],
)
def test_a_file_that_is_not_an_agenda_gets_its_message(db, browser, committees, data, message):
    response = upload(browser, data)
    assert response.status_code == 422
    assert message in response.text


def test_posting_without_a_file_asks_for_one(browser):
    token = csrf_token_from(browser.get(PAGE).text)
    response = browser.post(PAGE, data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose a CSV or JSON file to import." in response.text
    assert 'href="#agenda"' in response.text


def test_a_confirmation_is_refused_if_the_plan_changed_and_shows_the_new_preview(
    db, browser, committees
):
    page = upload(browser, agenda_csv(agenda_measure())).text
    # Meanwhile another file creates the same measure with another title.
    confirm(browser, upload(browser, agenda_csv(agenda_measure(title="Typed meanwhile"))).text)
    refused = confirm(browser, page)
    assert refused.status_code == 422
    assert "changed since the preview, so nothing was imported" in refused.text
    assert "To change: 1" in refused.text
    assert db.session.scalars(select(Measure.title)).one() == "Typed meanwhile"
    db.session.rollback()
    assert confirm(browser, refused.text).status_code == 303
    assert db.session.scalars(select(Measure.title)).one() == (
        "Ordinance banning face surveillance in Boston"
    )


def test_a_preview_cannot_be_confirmed_twice_or_by_another_clerk(app, db, browser, committees):
    page = upload(browser, agenda_csv(agenda_measure())).text
    other = app.test_client()
    log_in(other, make_staff_user(Role.CLERK, email="other@example.gov"))
    token = csrf_token_from(other.get(PAGE).text)
    stolen = other.post(CONFIRM, data={"csrf_token": token, "preview": preview_token(page)})
    assert "This preview has expired (after an hour) or was not yours." in stolen.text
    assert count(db, Measure) == 0
    assert confirm(browser, page).status_code == 303
    twice = confirm(browser, page)
    assert "This preview has expired" in twice.text
    assert count(db, Measure) == 1


def test_a_tampered_preview_changes_nothing(db, browser, committees):
    page = upload(browser, agenda_csv(agenda_measure())).text
    response = browser.post(
        CONFIRM, data={"csrf_token": csrf_token_from(page), "preview": preview_token(page) + "x"}
    )
    assert "This preview has expired" in response.text
    assert count(db, Measure) == 0
