"""The testimony form's list of endorsing organisations, as a resident fills it in: one name a
line, up to 10, each up to 200 characters of plain text; every refusal says which line and
stores nothing; the amendment form shows the names and changes them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.endorsements import named
from app.testimony.endorsers import names_in
from app.testimony.models import Testimony
from tests.factories import csrf_token_from, make_hearing
from tests.form_pages import field_error, form_values, open_hearing, submit, summary_errors

RECEIPT_PREFIX = "/receipts/"
RTL = "جمعية الحقوق الرقمية"


def _count(db) -> int:
    return db.session.scalar(select(func.count(Testimony.id)))


def _stored(db) -> Testimony:
    db.session.expire_all()
    return db.session.scalars(select(Testimony)).one()


def test_names_are_read_one_a_line_each_once_blank_lines_ignored():
    text = "ACLU of Massachusetts\n\n  Digital   Fourth \naclu of massachusetts\n" + RTL
    assert names_in(text) == ("ACLU of Massachusetts", "Digital Fourth", RTL)
    assert names_in(None) == ()


def test_names_typed_on_the_form_are_stored_with_the_testimony(client, db):
    hearing = open_hearing(db)
    response = submit(
        client, hearing, endorsed_by="Mass Fair Housing\r\n\r\n<script>alert(1)</script>\r\n" + RTL
    )
    assert response.status_code == 303, response.text
    testimony = _stored(db)
    assert named.names(testimony.id) == ["Mass Fair Housing", "<script>alert(1)</script>", RTL]


def test_leaving_the_box_empty_names_nobody(client, db):
    response = submit(client, open_hearing(db), endorsed_by="")
    assert response.status_code == 303
    assert named.names(_stored(db).id) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "\n".join(f"Group {n}" for n in range(11)),
            "Name at most 10 organizations (you listed 11), one a line.",
        ),
        (
            "Fine Group\n" + "x" * 201,
            "Line 2 is longer than 200 characters: keep each organization's name to 200"
            " characters or fewer.",
        ),
        (
            "Fine Group\n---\n",
            "Line 2 has no letters or numbers: write the organization's name, or leave the"
            " line empty.",
        ),
        ("Bad\x00Group", "Remove the control characters (such as NUL) from this field."),
        ("y" * 3001, "Keep the list of organizations to 3,000 characters or fewer."),
    ],
)
def test_a_list_the_form_cannot_take_says_why_and_stores_nothing(client, db, typed, message):
    hearing = open_hearing(db)
    response = submit(client, hearing, endorsed_by=typed, body="My words stay.")
    assert response.status_code == 200
    assert message in summary_errors(response.text)
    assert field_error(response.text, "endorsed_by") == f"Error: {message}"
    assert form_values(response.text)["body"] == "My words stay."
    assert _count(db) == 0


def test_eleven_lines_with_a_repeat_are_ten_names(client, db):
    typed = "\n".join(f"Group {n}" for n in range(10)) + "\nGROUP 3"
    assert submit(client, open_hearing(db), endorsed_by=typed).status_code == 303
    assert len(named.names(_stored(db).id)) == 10


def test_the_amendment_form_shows_the_names_and_changes_them(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = submit(client, hearing, endorsed_by="Group A\nGroup <B>")
    token = response.headers["Location"].removeprefix(RECEIPT_PREFIX)

    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    assert "Group A\nGroup &lt;B&gt;</textarea>" in page.text

    testimony = _stored(db)
    answer = client.post(
        f"{RECEIPT_PREFIX}{token}/amend",
        data={
            "csrf_token": csrf_token_from(page.text),
            "measure_id": str(testimony.measure_id),
            "position": testimony.position.value,
            "body": testimony.body,
            "speaking_request": "none",
            "endorsed_by": "Group C",
            "reason": "Group C joined us.",
        },
    )
    assert answer.status_code == 303, answer.text
    testimony = _stored(db)
    assert named.names(testimony.id) == ["Group C"]
    assert testimony.version == 2
