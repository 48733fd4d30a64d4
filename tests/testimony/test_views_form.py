"""The testimony form, driven through the test client as a resident (or a bot) would use it.

Every refusal must say what is wrong, next to the field and in the error summary, keep what
the resident typed, and store nothing: no testimony, no attachment, no e-mail in the outbox.
"""

from __future__ import annotations

import hashlib
import io
import random
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.platform.outbox import OutboxMessage
from app.platform.storage import file_store
from app.platform.timezones import utcnow
from app.testimony.models import Attachment, Testimony
from tests.factories import form_fields, make_pdf
from tests.form_pages import (
    field_error,
    form_url,
    form_values,
    open_form,
    open_hearing,
    pdf_file,
    receipt_fact,
    receipt_testimony,
    submit,
    summary_errors,
)

CONTROL_CHARACTERS = "Remove the control characters (such as NUL) from this field."
BAD_EMAIL = "Enter an e-mail address like name@example.org."
BAD_ZIP = "Enter a 5-digit ZIP code, like 02108."
NOT_OFFERED = "Choose one of the options shown."
NOT_A_PDF = "The file is not a PDF. Only PDF files can be attached."
DAMAGED = "This form was damaged. Check your answers and submit it again."
SIGNUP_CLOSED = (
    "Sign-up to speak at this hearing has closed. You can still submit written testimony."
)
FORM_EXPIRED = "Your form expired before it was sent, so nothing was submitted yet."
NO_MEASURE_CHOSEN = "Choose at least one measure your testimony is about, and your position on it."

LONG_TESTIMONY = "\n\n".join(
    f"Paragraph {number}: I have lived on this street for twenty years." for number in range(100)
)


# --- What was stored --------------------------------------------------------------------------


def stored(db) -> dict[str, int]:
    count = db.session.scalar
    return {
        "testimonies": count(select(func.count(Testimony.id))),
        "attachments": count(select(func.count(Attachment.id))),
        "outbox": count(select(func.count(OutboxMessage.id))),
    }


def assert_nothing_stored(db) -> None:
    assert stored(db) == {"testimonies": 0, "attachments": 0, "outbox": 0}


def the_testimony(db) -> Testimony:
    rows = db.session.scalars(select(Testimony)).all()
    assert len(rows) == 1
    return rows[0]


def assert_refused(response, db, *, field_id: str, message: str) -> None:
    """The form came back with the message in the summary and next to the field; nothing kept."""
    assert response.status_code == 200, response.status_code
    assert "There is a problem" in response.text
    assert any(item.endswith(message) for item in summary_errors(response.text)), summary_errors(
        response.text
    )
    assert message in field_error(response.text, field_id)
    assert_nothing_stored(db)


def assert_accepted(response, db) -> Testimony:
    assert response.status_code == 303, summary_errors(response.text)
    assert response.headers["Location"].startswith("/receipts/")
    return the_testimony(db)


# --- Required fields --------------------------------------------------------------------------

REQUIRED_FIELDS = [
    # (what the browser sends, field id, message)
    ({"full_name": ""}, "full_name", "Enter your full name."),
    ({"email": ""}, "email", "Enter your e-mail address."),
    ({"street_address": ""}, "street_address", "Enter your street address."),
    ({"city": ""}, "city", "Enter your city or town."),
    ({"zip_code": ""}, "zip_code", "Enter your ZIP code."),
    ({"position": None}, "position", "Choose support, oppose or neutral."),
    ({"body": ""}, "body", "Write your testimony."),
    (
        {"public_record_acknowledged": None},
        "public_record_acknowledged",
        "Confirm that you understand your testimony becomes public record.",
    ),
]


@pytest.mark.parametrize(
    ("missing", "field_id", "message"),
    REQUIRED_FIELDS,
    ids=[field_id for _, field_id, _ in REQUIRED_FIELDS],
)
def test_each_missing_required_field_gets_its_own_message(client, db, missing, field_id, message):
    hearing = open_hearing(db)

    response = submit(client, hearing, **missing)

    assert_refused(response, db, field_id=field_id, message=message)
    assert len(summary_errors(response.text)) == 1
    assert response.text.count('class="field-error"') == 1
    assert "<title>Error:" in response.text


def test_an_empty_form_lists_every_missing_field_with_a_link_to_it(client, db):
    hearing = open_hearing(db, measures=2)
    blank = {field: "" for field in ("full_name", "email", "street_address", "city", "zip_code")}

    response = submit(
        client,
        hearing,
        **blank,
        body="",
        measure_id=None,
        position=None,
        public_record_acknowledged=None,
    )

    assert response.status_code == 200
    errors = summary_errors(response.text)
    # Two measures: the position is asked measure by measure, so it is one message.
    for _, field_id, message in REQUIRED_FIELDS:
        if field_id != "position":
            assert any(item.endswith(message) for item in errors), message
    assert any(item.endswith(NO_MEASURE_CHOSEN) for item in errors)
    assert len(errors) == len(REQUIRED_FIELDS)
    first = hearing.measures[0].id
    for target in ("#full_name", "#email", "#body", f"#measures-{first}-0"):
        assert f'href="{target}"' in response.text
    assert_nothing_stored(db)


def test_a_hearing_with_two_measures_asks_for_a_position_on_at_least_one(client, db):
    hearing = open_hearing(db, measures=2)

    response = submit(client, hearing, measure_id=None, position=None)

    assert_refused(response, db, field_id="measures", message=NO_MEASURE_CHOSEN)
    assert "measure_id" not in form_values(response.text)


def test_a_hearing_with_one_measure_needs_no_choice(client, db):
    hearing = open_hearing(db)

    response = submit(client, hearing, measure_id=None)

    assert assert_accepted(response, db).measure_id == hearing.measures[0].id


@pytest.mark.parametrize(
    "email", ["denise", "denise@", "@example.org", "denise at example.org", "denise@@example.org"]
)
def test_a_malformed_email_address_is_refused(client, db, email):
    hearing = open_hearing(db)

    response = submit(client, hearing, email=email)

    assert_refused(response, db, field_id="email", message=BAD_EMAIL)
    assert form_values(response.text)["email"] == email


@pytest.mark.parametrize(
    "zip_code",
    [
        "2124",
        "021245",
        "ABCDE",
        "02124-12",
        "02124 1234",
        "O2124",
        "\u0660\u0662\u0661\u0660\u0668",
    ],
)
def test_a_malformed_zip_code_is_refused(client, db, zip_code):
    hearing = open_hearing(db)

    response = submit(client, hearing, zip_code=zip_code)

    assert_refused(response, db, field_id="zip_code", message=BAD_ZIP)
    assert form_values(response.text)["zip_code"] == zip_code


def test_a_zip_plus_four_code_is_accepted(client, db):
    hearing = open_hearing(db)

    response = submit(client, hearing, zip_code=" 02124-1234 ")

    assert assert_accepted(response, db).zip_code == "02124-1234"


@pytest.mark.parametrize("organization", ["", "   "])
def test_speaking_for_an_organization_needs_its_name(client, db, organization):
    hearing = open_hearing(db)

    response = submit(client, hearing, speaks_for_organization="y", organization=organization)

    assert_refused(
        response,
        db,
        field_id="speaks_for_organization",
        message="Name the organization you are testifying for.",
    )
    assert form_values(response.text)["speaks_for_organization"] == "y"


def test_speaking_for_a_named_organization_is_recorded(client, db):
    hearing = open_hearing(db)

    response = submit(
        client, hearing, speaks_for_organization="y", organization="Dorchester Tenants Union"
    )

    testimony = assert_accepted(response, db)
    assert testimony.organization == "Dorchester Tenants Union"
    assert testimony.speaks_for_organization is True


# --- Lengths ----------------------------------------------------------------------------------

LENGTH_LIMITS = [
    ("full_name", 200),
    ("street_address", 200),
    ("city", 100),
    ("organization", 200),
    ("accessibility_need", 500),
]


@pytest.mark.parametrize(("field", "limit"), LENGTH_LIMITS)
def test_a_field_one_character_over_its_limit_is_refused(client, db, field, limit):
    hearing = open_hearing(db)
    typed = "a" * (limit + 1)

    response = submit(client, hearing, **{field: typed})

    assert_refused(response, db, field_id=field, message=f"Use {limit} characters or fewer.")
    assert form_values(response.text)[field] == typed


def test_fields_at_their_limits_are_accepted_and_stored_whole(client, db):
    hearing = open_hearing(db)
    typed = {field: "b" * limit for field, limit in LENGTH_LIMITS}
    email = "d" * 64 + "@" + "e" * 63 + "." + "f" * 63 + "." + "g" * 57 + ".org"
    assert len(email) == 254

    response = submit(client, hearing, email=email, **typed)

    testimony = assert_accepted(response, db)
    assert testimony.email == email
    for field, value in typed.items():
        assert getattr(testimony, field) == value


def test_an_email_address_over_254_characters_is_refused(client, db):
    hearing = open_hearing(db)
    email = "d" * 64 + "@" + "e" * 63 + "." + "f" * 63 + "." + "g" * 58 + ".org"

    response = submit(client, hearing, email=email)

    assert_refused(response, db, field_id="email", message="Use 254 characters or fewer.")


def test_testimony_of_exactly_10000_characters_is_accepted(client, db):
    hearing = open_hearing(db)
    body = ("Surveillance harms us. " * 500)[:9_999] + "!"
    assert len(body) == 10_000

    response = submit(client, hearing, body=body)

    assert assert_accepted(response, db).body == body


def test_testimony_of_10001_characters_is_refused_and_kept_in_the_form(client, db):
    hearing = open_hearing(db)
    body = ("Surveillance harms us. " * 500)[:10_000] + "!"

    response = submit(client, hearing, body=body)

    assert_refused(
        response,
        db,
        field_id="body",
        message="Keep your testimony to 10,000 characters or fewer.",
    )
    assert form_values(response.text)["body"] == body


def test_the_character_limit_is_written_the_way_the_reader_writes_numbers(client, db):
    hearing = open_hearing(db)
    body = "x" * 10_001

    english = submit(client, hearing, body=body)
    client.set_cookie("lang", "es")
    spanish = submit(client, hearing, body=body)

    assert "Up to 10,000 characters." in english.text
    assert "Limite su testimonio a 10.000 caracteres o menos." in spanish.text
    assert "10.000 caracteres" in spanish.text.split('id="body-hint"')[1][:200]


def test_a_windows_line_break_counts_as_one_character(client, db):
    hearing = open_hearing(db)
    lines = ["x" * 99] * 100
    typed = "\r\n".join(lines)  # 10,098 characters as sent, 9,999 once line breaks are one
    assert len(typed) > 10_000

    response = submit(client, hearing, body=typed)

    assert assert_accepted(response, db).body == "\n".join(lines)


def test_what_the_resident_typed_comes_back_in_the_refused_form(client, db):
    hearing = open_hearing(db, measures=2)
    typed = {
        "full_name": "María José Núñez",
        "email": "maria@example.org",
        "street_address": "7 Talbot Avenue, Apt 3",
        "city": "Dorchester",
        "zip_code": "02124",
        "organization": "Talbot Avenue Neighbors",
        "speaks_for_organization": "y",
        "measure_id": str(hearing.measures[1].id),
        "position": "oppose",
        "body": "First paragraph.\n\n  Indented second paragraph & more.",
        "speaking_request": "in_person",
        "interpreter_other": "Kriolu (Fogo)",
        "accessibility_need": "Wheelchair access\nand captions",
    }
    page = open_form(client, hearing)
    data = form_fields(hearing, page, public_record_acknowledged=None, **typed)

    response = client.post(form_url(hearing), data=data, content_type="multipart/form-data")

    assert response.status_code == 200
    values = form_values(response.text)
    for field, value in typed.items():
        assert values[field] == value, field
    assert "public_record_acknowledged" not in values
    # The same key comes back, so submitting twice still makes one testimony.
    assert values["submission_key"] == data["submission_key"]
    assert_nothing_stored(db)


# --- Hostile and unusual text -----------------------------------------------------------------

TEXT_FIELDS = [
    ("full_name", CONTROL_CHARACTERS),
    ("email", BAD_EMAIL),
    ("street_address", CONTROL_CHARACTERS),
    ("city", CONTROL_CHARACTERS),
    ("zip_code", BAD_ZIP),
    ("organization", CONTROL_CHARACTERS),
    ("body", CONTROL_CHARACTERS),
    ("accessibility_need", CONTROL_CHARACTERS),
]


@pytest.mark.parametrize(("field", "message"), TEXT_FIELDS)
def test_a_nul_byte_is_refused_with_a_specific_message(client, db, field, message):
    """PostgreSQL cannot store NUL: the form must refuse it before the database sees it."""
    hearing = open_hearing(db)
    clean = form_fields(hearing, open_form(client, hearing))[field] or "text"
    typed = clean[:2] + "\x00" + clean[2:]

    response = submit(client, hearing, **{field: typed})

    assert_refused(response, db, field_id=field, message=message)
    assert form_values(response.text)[field] == typed


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("measure_id", NOT_OFFERED),
        ("position", NOT_OFFERED),
        ("speaking_request", NOT_OFFERED),
        ("submission_key", DAMAGED),
        ("csrf_token", FORM_EXPIRED),
    ],
)
def test_a_nul_byte_in_a_hidden_or_choice_field_is_refused_with_a_message(
    client, db, field, message
):
    hearing = open_hearing(db, measures=2)
    data = form_fields(hearing, open_form(client, hearing))
    data[field] += "\x00"

    response = client.post(form_url(hearing), data=data, content_type="multipart/form-data")

    assert response.status_code == 200
    assert message in response.text
    assert_nothing_stored(db)


@pytest.mark.parametrize(
    "key", ["short", "../../etc/passwd", "k" * 65, "key with spaces!!!", "k" * 64 + "\n"]
)
def test_a_damaged_submission_key_is_reported_and_the_form_can_be_sent_again(client, db, key):
    hearing = open_hearing(db)
    data = form_fields(hearing, open_form(client, hearing), submission_key=key)

    response = client.post(form_url(hearing), data=data, content_type="multipart/form-data")

    assert response.status_code == 200
    assert summary_errors(response.text) == [DAMAGED]
    assert_nothing_stored(db)
    values = form_values(response.text)
    assert values["body"] == data["body"]
    again = client.post(form_url(hearing), data=values, content_type="multipart/form-data")
    assert assert_accepted(again, db).submission_key == values["submission_key"]


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("full_name", "Denise\x07 Okafor"),
        ("city", "\x1b[31mDorchester"),
        ("street_address", "12 Example\x7f Street"),
        ("full_name", "Denise\tOkafor"),
        ("body", "Vertical\x0btab"),
        ("body", "Next line\x85 (C1 control)"),
        ("body", "Form\x0cfeed"),
    ],
)
def test_other_control_characters_are_refused(client, db, field, typed):
    hearing = open_hearing(db)

    response = submit(client, hearing, **{field: typed})

    assert_refused(response, db, field_id=field, message=CONTROL_CHARACTERS)
    assert form_values(response.text)[field] == typed


def test_right_to_left_marks_zero_width_characters_and_emoji_are_kept_as_typed(client, db):
    hearing = open_hearing(db)
    typed = {
        "full_name": "\u202bنور الهدى\u202c Okafor\u200d",
        "city": "Dorchester \u200f(دورشستر)",
        "street_address": "12 Example\u00a0Street",
        "organization": "Coalition 🏳️\u200d🌈 for Privacy",
        "body": (
            "I support this 👍🏽.\n\tTab-indented line.\n"
            "\u2066isolated\u2069 zero\u200bwidth 👩\u200d👩\u200d👧"
        ),
    }

    response = submit(client, hearing, **typed)

    testimony = assert_accepted(response, db)
    for field, value in typed.items():
        assert getattr(testimony, field) == value, field
    receipt = client.get(response.headers["Location"]).text
    assert receipt_fact(receipt, "Name") == typed["full_name"]
    assert receipt_fact(receipt, "City or town") == typed["city"]
    assert receipt_testimony(receipt) == typed["body"]


def test_a_name_of_only_emoji_is_refused(client, db):
    hearing = open_hearing(db)

    response = submit(client, hearing, full_name="🎉🎉")

    assert_refused(response, db, field_id="full_name", message="Enter letters or numbers here.")


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("full_name", "\u200b\u200b\u200b"),
        ("full_name", "\u200e\u200f"),
        ("street_address", "\ufeff"),
        ("city", "--- ..."),
    ],
)
def test_a_value_of_only_invisible_characters_or_punctuation_is_refused(client, db, field, typed):
    hearing = open_hearing(db)

    response = submit(client, hearing, **{field: typed})

    assert_refused(response, db, field_id=field, message="Enter letters or numbers here.")


def test_values_of_only_whitespace_count_as_missing(client, db):
    hearing = open_hearing(db)

    response = submit(
        client,
        hearing,
        full_name="   ",
        email="\t",
        street_address="\u00a0\u00a0",
        city="\u3000",
        zip_code=" ",
        body=" \r\n\r\n \t ",
    )

    assert response.status_code == 200
    errors = summary_errors(response.text)
    assert errors == [
        "Enter your full name.",
        "Enter your e-mail address.",
        "Enter your street address.",
        "Enter your city or town.",
        "Enter your ZIP code.",
        "Write your testimony.",
    ]
    assert_nothing_stored(db)


def test_whitespace_around_values_is_trimmed(client, db):
    hearing = open_hearing(db)

    response = submit(
        client,
        hearing,
        full_name="  Denise Okafor \t",
        email=" denise@example.org ",
        body="\r\n  Keep the inner  spacing.  \r\n",
        organization="   ",
    )

    testimony = assert_accepted(response, db)
    assert testimony.full_name == "Denise Okafor"
    assert testimony.email == "denise@example.org"
    assert testimony.body == "Keep the inner  spacing."
    assert testimony.organization is None


SCRIPT = "<script>alert(1)</script>"


def test_html_and_scripts_are_stored_as_typed_and_shown_as_text(client, db):
    hearing = open_hearing(db)
    body = f'{SCRIPT}\n<img src=x onerror="alert(2)"> & <b>bold</b>'

    response = submit(client, hearing, full_name=f"Denise {SCRIPT}", body=body)

    testimony = assert_accepted(response, db)
    assert testimony.full_name == f"Denise {SCRIPT}"
    assert testimony.body == body
    receipt = client.get(response.headers["Location"]).text
    assert SCRIPT not in receipt
    assert "<img src=x" not in receipt
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in receipt
    assert receipt_fact(receipt, "Name") == f"Denise {SCRIPT}"
    assert receipt_testimony(receipt) == body


def test_html_and_scripts_are_escaped_in_the_refused_form(client, db):
    hearing = open_hearing(db)
    typed = {
        "full_name": f'Denise "{SCRIPT}',
        "city": "'><svg onload=alert(1)>",
        "body": f"</textarea>{SCRIPT}",
    }

    response = submit(client, hearing, public_record_acknowledged=None, **typed)

    assert response.status_code == 200
    assert SCRIPT not in response.text
    assert "<svg" not in response.text
    values = form_values(response.text)
    for field, value in typed.items():
        assert values[field] == value, field
    assert_nothing_stored(db)


TEMPLATE_SYNTAX = {
    "full_name": "{{ 7*7 }}",
    "city": "{% raw %}",
    "organization": "{{ config.SECRET_KEY }}",
    "body": "{{ 7*7 }}\n{% raw %}{{ 7*7 }}{% endraw %}\n{% if true %}yes{% endif %} ${7*7} #{7*7}",
}


def test_template_syntax_is_stored_and_shown_but_never_evaluated(client, db, app):
    hearing = open_hearing(db)

    response = submit(client, hearing, **TEMPLATE_SYNTAX)

    testimony = assert_accepted(response, db)
    for field, value in TEMPLATE_SYNTAX.items():
        assert getattr(testimony, field) == value, field
    receipt = client.get(response.headers["Location"]).text
    assert receipt_fact(receipt, "Name") == "{{ 7*7 }}"
    assert receipt_fact(receipt, "City or town") == "{% raw %}"
    assert receipt_fact(receipt, "Organization") == "{{ config.SECRET_KEY }}"
    assert receipt_testimony(receipt) == TEMPLATE_SYNTAX["body"]
    assert app.config["SECRET_KEY"] not in receipt
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert app.config["SECRET_KEY"] not in mail.body_text


def test_template_syntax_is_not_evaluated_in_the_refused_form(client, db, app):
    hearing = open_hearing(db)

    response = submit(client, hearing, public_record_acknowledged=None, **TEMPLATE_SYNTAX)

    assert response.status_code == 200
    values = form_values(response.text)
    for field, value in TEMPLATE_SYNTAX.items():
        assert values[field] == value, field
    assert app.config["SECRET_KEY"] not in response.text
    assert_nothing_stored(db)


def raw_multipart(fields: dict[str, str | bytes]) -> tuple[bytes, str]:
    """Encode a form by hand, so a value can be bytes that are not UTF-8."""
    boundary = "opentestimony-test-boundary"
    body = b""
    for name, value in fields.items():
        raw = value if isinstance(value, bytes) else value.encode()
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        body += head.encode() + raw + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_bytes_that_are_not_utf8_are_read_as_replacement_characters(client, db):
    hearing = open_hearing(db)
    data = form_fields(hearing, open_form(client, hearing))
    data["full_name"] = b"Ren\xe9e Okafor"  # Latin-1 from an old client
    data["body"] = b"bad \xff\xfe bytes, an encoded surrogate \xed\xa0\x80, overlong \xc0\x80."
    body, content_type = raw_multipart(data)

    response = client.post(form_url(hearing), data=body, content_type=content_type)

    testimony = assert_accepted(response, db)
    assert testimony.full_name == "Ren\ufffde Okafor"
    assert testimony.body.startswith("bad \ufffd\ufffd bytes")
    assert "\x00" not in testimony.body


# --- Attachments ------------------------------------------------------------------------------


def test_a_valid_pdf_is_attached_with_its_details(client, db):
    hearing = open_hearing(db)
    pdf = make_pdf(3)

    response = submit(client, hearing, files=[pdf_file(pdf, "My statement (final).pdf")])

    testimony = assert_accepted(response, db)
    [attachment] = testimony.attachments
    assert attachment.original_name == "My statement (final).pdf"
    # What is stored is the cleaned copy of the resident's pages (see tests/security).
    stored = file_store().get(attachment.sha256)
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
    assert attachment.size_bytes == len(stored)
    assert attachment.page_count == 3
    assert attachment.content_type == "application/pdf"
    assert len(PdfReader(io.BytesIO(stored)).pages) == 3
    receipt = client.get(response.headers["Location"]).text
    assert "My statement (final).pdf</bdi> (3 pages" in receipt


def test_three_pdfs_are_accepted(client, db):
    hearing = open_hearing(db)
    files = [pdf_file(make_pdf(pages), f"part-{pages}.pdf") for pages in (1, 2, 3)]

    response = submit(client, hearing, files=files)

    testimony = assert_accepted(response, db)
    assert [(a.original_name, a.page_count) for a in testimony.attachments] == [
        ("part-1.pdf", 1),
        ("part-2.pdf", 2),
        ("part-3.pdf", 3),
    ]


def test_a_fourth_file_is_refused(client, db):
    hearing = open_hearing(db)
    files = [pdf_file(make_pdf(), f"part-{number}.pdf") for number in range(1, 5)]

    response = submit(client, hearing, files=files)

    assert_refused(response, db, field_id="attachments", message="Attach at most 3 files in all.")


def _random_bytes(size: int) -> bytes:
    return random.Random(size).randbytes(size)


REJECTED_FILES = [
    ("fake", "x.pdf", _random_bytes(4096), f"x.pdf: {NOT_A_PDF}"),
    (
        "html",
        "page.pdf",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        f"page.pdf: {NOT_A_PDF}",
    ),
    (
        "garbage-after-header",
        "broken.pdf",
        b"%PDF-1.7\n" + _random_bytes(4096),
        "broken.pdf: The PDF could not be opened; it may be damaged.",
    ),
    (
        "encrypted",
        "locked.pdf",
        make_pdf(password="secret"),
        "locked.pdf: The PDF is password-protected. Please attach a copy without a password.",
    ),
    ("101-pages", "long.pdf", make_pdf(101), "long.pdf: The PDF has more than 100 pages."),
    ("no-pages", "blank.pdf", make_pdf(0), "blank.pdf: The PDF has no pages."),
    ("empty", "empty.pdf", b"", "empty.pdf: The file is empty."),
    (
        "path-in-name",
        "../../etc/passwd.pdf",
        b"root:x:0:0:root:/root:/bin/bash\n",
        f"passwd.pdf: {NOT_A_PDF}",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [case[1:] for case in REJECTED_FILES],
    ids=[case[0] for case in REJECTED_FILES],
)
def test_an_unacceptable_file_is_refused_with_a_message_naming_it(
    client, db, name, content, message
):
    hearing = open_hearing(db)

    response = submit(client, hearing, files=[pdf_file(content, name)], body="My long testimony.")

    assert_refused(response, db, field_id="attachments", message=message.split(": ", 1)[1])
    assert any(item.endswith(message) for item in summary_errors(response.text))
    assert "../" not in field_error(response.text, "attachments")
    assert form_values(response.text)["body"] == "My long testimony."
    if content:
        assert not file_store().exists(hashlib.sha256(content).hexdigest())


def test_one_bad_file_means_none_of_the_files_are_kept(client, db):
    hearing = open_hearing(db)
    good = make_pdf(2)
    files = [pdf_file(good, "good.pdf"), pdf_file(b"not a pdf", "bad.pdf")]

    response = submit(client, hearing, files=files)

    assert_refused(response, db, field_id="attachments", message=f"bad.pdf: {NOT_A_PDF}")
    assert "good.pdf" not in field_error(response.text, "attachments")


def test_a_file_over_the_size_limit_is_refused(client, db, config):
    assert config["ATTACHMENT_MAX_BYTES"] == 10_000_000
    hearing = open_hearing(db)
    big = b"%PDF-1.7\n" + b"0" * (10_000_001 - 9)

    response = submit(client, hearing, files=[pdf_file(big, "big.pdf")])

    assert_refused(
        response, db, field_id="attachments", message="big.pdf: The file is larger than 10 MB."
    )


@pytest.mark.parametrize(
    ("sent_name", "shown_name"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("/etc/cron.d/job.pdf", "job.pdf"),
        ("uploads/../../../app.pdf", "app.pdf"),
        ("..", ".."),
        # A right-to-left override would let "\u202efdp.exe" pass for "exe.pdf": it is dropped.
        ("\u202efdp.exe", "fdp.exe"),
    ],
)
def test_a_path_in_the_file_name_is_kept_only_as_a_display_name(client, db, sent_name, shown_name):
    hearing = open_hearing(db)
    pdf = make_pdf()

    response = submit(client, hearing, files=[pdf_file(pdf, sent_name)])

    [attachment] = assert_accepted(response, db).attachments
    assert attachment.original_name == shown_name
    # The file (its cleaned copy) lives under its hash, wherever the name pointed.
    stored = file_store().get(attachment.sha256)
    assert hashlib.sha256(stored).hexdigest() == attachment.sha256
    assert len(PdfReader(io.BytesIO(stored)).pages) == 1


@pytest.mark.parametrize(
    "sent_name", ["..\\..\\Windows\\win.ini.pdf", "C:\\Users\\denise\\Documents\\statement.pdf"]
)
def test_a_windows_path_in_the_file_name_leaves_no_separator(client, db, sent_name):
    hearing = open_hearing(db)

    response = submit(client, hearing, files=[pdf_file(make_pdf(), sent_name)])

    # Old browsers send the whole path; the multipart parser reads backslashes as escapes.
    [attachment] = assert_accepted(response, db).attachments
    assert "\\" not in attachment.original_name
    assert "/" not in attachment.original_name
    assert attachment.original_name.endswith(".pdf")


def test_a_30_mib_request_gets_the_friendly_too_large_page(client, db):
    hearing = open_hearing(db)
    huge = b"%PDF-1.7\n" + b"0" * (30 * 1024 * 1024)

    response = submit(client, hearing, files=[pdf_file(huge, "scan.pdf")])

    assert response.status_code == 413
    assert "Your files are too large" in response.text
    assert "Nothing was submitted." in response.text
    assert_nothing_stored(db)


# --- Tampered values --------------------------------------------------------------------------


def test_a_measure_of_another_hearing_is_refused(client, db):
    hearing = open_hearing(db, measures=2)
    other = open_hearing(db)

    response = submit(client, hearing, measure_id=str(other.measures[0].id))

    assert_refused(response, db, field_id="measure_id", message=NOT_OFFERED)


UNKNOWN_MEASURE_IDS = ["999999", "-1", "0", "abc", "1.5", "9" * 40]


@pytest.mark.parametrize("measure_id", UNKNOWN_MEASURE_IDS)
def test_an_unknown_measure_id_is_refused(client, db, measure_id):
    hearing = open_hearing(db, measures=2)

    response = submit(client, hearing, measure_id=measure_id)

    assert_refused(response, db, field_id="measure_id", message=NOT_OFFERED)
    assert summary_errors(response.text) == [NOT_OFFERED]


@pytest.mark.parametrize("measure_id", UNKNOWN_MEASURE_IDS)
def test_an_unknown_measure_id_is_refused_when_the_only_measure_is_preset(client, db, measure_id):
    hearing = open_hearing(db)

    response = submit(client, hearing, measure_id=measure_id)

    assert response.status_code == 200
    assert summary_errors(response.text) == [NOT_OFFERED]
    assert_nothing_stored(db)


@pytest.mark.parametrize("position", ["maybe", "SUPPORT", "support ", ""])
def test_a_position_that_was_not_offered_is_refused(client, db, position):
    hearing = open_hearing(db)

    response = submit(client, hearing, position=position)

    message = NOT_OFFERED if position else "Choose support, oppose or neutral."
    assert_refused(response, db, field_id="position", message=message)


def test_asking_to_speak_in_person_after_the_sign_up_cut_off_is_refused(client, db):
    now = utcnow()
    hearing = open_hearing(db, speaker_signup_closes_at=now - timedelta(hours=1))
    page = open_form(client, hearing)
    assert 'value="in_person"' not in page
    assert "Sign-up to speak has closed. Written testimony is still welcome." in page

    response = submit(client, hearing, speaking_request="in_person")

    assert_refused(response, db, field_id="speaking_request", message=SIGNUP_CLOSED)


def test_a_form_opened_before_the_sign_up_cut_off_and_sent_after_it_explains_why(client, db):
    hearing = open_hearing(db)
    data = form_fields(
        hearing, open_form(client, hearing), speaking_request="in_person", body=LONG_TESTIMONY
    )
    hearing.speaker_signup_closes_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = client.post(form_url(hearing), data=data, content_type="multipart/form-data")

    assert_refused(response, db, field_id="speaking_request", message=SIGNUP_CLOSED)
    assert form_values(response.text)["body"] == LONG_TESTIMONY


def test_written_testimony_is_still_accepted_after_the_sign_up_cut_off(client, db):
    hearing = open_hearing(db, speaker_signup_closes_at=utcnow() - timedelta(hours=1))

    response = submit(client, hearing, speaking_request="none")

    assert assert_accepted(response, db).speaking_request.value == "none"


def test_asking_to_speak_remotely_without_a_remote_option_is_refused(client, db):
    hearing = open_hearing(db, remote_url=None)
    assert 'value="remote"' not in open_form(client, hearing)

    response = submit(client, hearing, speaking_request="remote")

    assert_refused(response, db, field_id="speaking_request", message=NOT_OFFERED)


# --- Expired or missing CSRF token ------------------------------------------------------------


def _assert_expired_form_keeps_everything(response, db, data) -> None:
    assert response.status_code == 200
    assert FORM_EXPIRED in response.text
    assert "We kept what you wrote." in response.text
    values = form_values(response.text)
    for field in ("full_name", "email", "street_address", "city", "zip_code", "body"):
        assert values[field] == data[field], field
    assert values["submission_key"] == data["submission_key"]
    assert values["csrf_token"]
    assert_nothing_stored(db)


@pytest.mark.parametrize("token", [None, "", "bogus-token-from-an-expired-session"])
def test_a_missing_or_bogus_csrf_token_keeps_the_testimony_and_asks_to_submit_again(
    client, db, token
):
    hearing = open_hearing(db)
    data = form_fields(hearing, open_form(client, hearing), body=LONG_TESTIMONY, csrf_token=token)

    response = client.post(form_url(hearing), data=data, content_type="multipart/form-data")

    _assert_expired_form_keeps_everything(response, db, data)
    # Pressing "Submit" again on the refilled form now works.
    again = client.post(
        form_url(hearing), data=form_values(response.text), content_type="multipart/form-data"
    )
    assert assert_accepted(again, db).body == LONG_TESTIMONY


def test_a_form_left_open_past_the_token_lifetime_keeps_the_testimony(client, db, config):
    hearing = open_hearing(db)
    data = form_fields(hearing, open_form(client, hearing), body=LONG_TESTIMONY)
    config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is already too old

    response = client.post(form_url(hearing), data=data, content_type="multipart/form-data")

    _assert_expired_form_keeps_everything(response, db, data)


def test_a_token_from_another_browser_session_keeps_the_testimony(client, db, app):
    hearing = open_hearing(db)
    data = form_fields(hearing, open_form(client, hearing), body=LONG_TESTIMONY)
    new_browser = app.test_client()  # the session cookie was lost, e.g. the browser restarted

    response = new_browser.post(form_url(hearing), data=data, content_type="multipart/form-data")

    _assert_expired_form_keeps_everything(response, db, data)
