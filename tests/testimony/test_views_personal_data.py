"""The testimony form asks before publishing what looks like personal data.

A resident whose published text (testimony, name, city, organization, endorsing organizations)
holds what looks like a phone number, e-mail or street address or an ID number gets the form
back with a warning listing it, everything typed and every file kept, and nothing stored or
counted; "Send it as it is" sends exactly that text (and once only), a changed text is asked
about again, and the bot defence's clock is not reset by the round trip.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta

from sqlalchemy import func, select

from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony.bot_defence import opened_stamp
from app.testimony.models import Attachment, Testimony
from tests.factories import make_pdf
from tests.form_pages import form_url, form_values, open_hearing, pdf_file, submit
from tests.testimony.test_views_amend import amend
from tests.testimony.test_views_receipt import RECEIPT_PREFIX, only_testimony, submitted_token

PHONE_TEXT = "Call me at 617-555-0143 if the committee has questions about the cameras."


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def warning(page: str) -> str:
    """The warning box, as text a resident reads."""
    match = re.search(
        r'<div class="notice notice-warning personal-data-warning".*?</div>', page, re.S
    )
    assert match, "no personal data warning on the page"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()))


def has_warning(page: str) -> bool:
    return "personal-data-warning" in page


def send_as_is(client, url: str, page: str, **changes):
    """Press "Send it as it is" on the page that came back: every field as the page holds it."""
    data = form_values(page)
    digest = re.search(r'name="send_as_is" value="([0-9a-f]+)"', page).group(1)
    data.update(changes)
    data["send_as_is"] = digest
    return client.post(url, data=data, content_type="multipart/form-data")


def test_a_phone_number_in_the_testimony_is_shown_back_with_a_warning_and_nothing_stored(
    client, db
):
    hearing = open_hearing(db)

    response = submit(client, hearing, body=PHONE_TEXT, organization="Parents for Parks")

    assert response.status_code == 200
    said = warning(response.text)
    assert "Before you send: your testimony will be public" in said
    assert "What looks like a phone number: 617-555-0143" in said
    assert "with your name and city or town" in said
    assert 'role="alert"' in response.text and 'id="error-summary"' in response.text
    assert '<a class="button button-secondary" href="#body"' in response.text
    assert "Send it as it is" in said
    assert '<div class="error-summary"' not in response.text  # nothing is wrong, just asked
    kept = form_values(response.text)
    assert kept["body"] == PHONE_TEXT
    assert kept["full_name"] == "Denise Okafor"
    assert kept["organization"] == "Parents for Parks"
    assert kept["street_address"] == "12 Example Street"
    assert kept["public_record_acknowledged"] == "y"
    assert count(db, Testimony) == 0
    assert count(db, OutboxMessage) == 0


def test_send_it_as_it_is_stores_exactly_that_text_once(client, db):
    hearing = open_hearing(db)
    url = form_url(hearing)
    asked = submit(client, hearing, body=PHONE_TEXT)

    sent = send_as_is(client, url, asked.text)
    again = send_as_is(client, url, asked.text)  # a double click, or the network resending

    assert sent.status_code == 303, warning(sent.text)
    assert again.status_code == 303
    assert again.headers["Location"] == sent.headers["Location"]
    assert count(db, Testimony) == 1
    assert only_testimony(db).body == PHONE_TEXT


def test_a_changed_text_is_asked_about_again(client, db):
    hearing = open_hearing(db)
    url = form_url(hearing)
    asked = submit(client, hearing, body=PHONE_TEXT)

    changed = send_as_is(client, url, asked.text, body=PHONE_TEXT + " Or write to me@example.org.")

    assert changed.status_code == 200
    said = warning(changed.text)
    assert "What looks like a phone number: 617-555-0143" in said
    assert "What looks like an e-mail address: me@example.org" in said
    assert count(db, Testimony) == 0


def test_a_text_edited_to_take_the_number_out_is_sent_without_asking(client, db):
    hearing = open_hearing(db)
    url = form_url(hearing)
    asked = submit(client, hearing, body=PHONE_TEXT)
    data = form_values(asked.text)
    data["body"] = "Please contact me through the committee if you have questions."

    response = client.post(url, data=data, content_type="multipart/form-data")

    assert response.status_code == 303
    assert only_testimony(db).body == data["body"]


def test_a_made_up_confirmation_does_not_send(client, db):
    hearing = open_hearing(db)

    response = submit(client, hearing, body=PHONE_TEXT, send_as_is="0" * 32, personal_data_ok="x")

    assert has_warning(response.text)
    assert count(db, Testimony) == 0


def test_the_round_trip_keeps_the_opening_time_so_the_resident_is_not_marked_automated(
    client, db, app, config
):
    config["SUBMIT_MIN_SECONDS"] = 3
    hearing = open_hearing(db)
    url = form_url(hearing)
    with app.test_request_context():
        opened = opened_stamp(utcnow() - timedelta(minutes=5))

    asked = submit(client, hearing, body=PHONE_TEXT, opened=opened)
    assert form_values(asked.text)["opened"] == opened
    sent = send_as_is(client, url, asked.text)

    assert sent.status_code == 303
    assert only_testimony(db).quarantine_reason is None


def test_attached_files_are_kept_through_the_warning_and_sent_with_the_testimony(client, db):
    hearing = open_hearing(db)
    url = form_url(hearing)
    asked = submit(
        client, hearing, body=PHONE_TEXT, files=[pdf_file(make_pdf(pages=2), "petition.pdf")]
    )
    assert has_warning(asked.text)
    assert "Files already attached" in asked.text and "petition.pdf" in asked.text

    sent = send_as_is(client, url, asked.text)

    assert sent.status_code == 303
    attachments = db.session.scalars(select(Attachment)).all()
    assert [a.original_name for a in attachments] == ["petition.pdf"]
    assert count(db, Testimony) == 1


def test_each_kind_is_named_and_the_matched_text_is_escaped(client, db):
    hearing = open_hearing(db)
    body = (
        "I live at 12 O'Brien Street, Apt 4. My SSN is 123-45-6789 and my card is "
        "4111 1111 1111 1111; write to ana.lopez@example.org."
    )

    response = submit(client, hearing, body=body)

    said = warning(response.text)
    assert "What looks like a street address: 12 O'Brien Street, Apt 4" in said
    assert "What looks like a Social Security number: 123-45-6789" in said
    assert "What looks like a payment card number: 4111 1111 1111 1111" in said
    assert "What looks like an e-mail address: ana.lopez@example.org" in said
    assert "O&#39;Brien Street" in response.text or "O&#x27;Brien" in response.text
    assert "O'Brien Street, Apt 4</bdi>" not in response.text


def test_right_to_left_text_is_shown_in_its_own_direction(client, db):
    hearing = open_hearing(db)
    body = "أرجو الاتصال بي على 617-555-0143 بخصوص الكاميرات. אפשר גם במייל dana@example.org"

    response = submit(client, hearing, body=body)

    assert '<bdi dir="auto" class="found-text">617-555-0143</bdi>' in response.text
    assert '<bdi dir="auto" class="found-text">dana@example.org</bdi>' in response.text


def test_the_resident_s_own_email_and_street_address_fields_are_not_findings(client, db):
    hearing = open_hearing(db)

    response = submit(
        client,
        hearing,
        email="denise.okafor@example.org",
        street_address="221 Dudley Street, Apt 3",
        body="My neighbour John Smith and I oppose the cameras on Dudley Street.",
    )

    # Not published, so not asked about; and names of people are left to moderators.
    assert response.status_code == 303


def test_an_organization_field_with_a_phone_number_says_which_field(client, db):
    hearing = open_hearing(db)

    response = submit(client, hearing, organization="Tenants Union 617-555-0199")

    said = warning(response.text)
    assert "What looks like a phone number: 617-555-0199 (in “Organization (optional)”)" in said
    assert '<a class="button button-secondary" href="#organization"' in response.text


def test_many_numbers_are_listed_five_at_a_time(client, db):
    hearing = open_hearing(db)
    body = " ".join(f"Call 617-555-01{n:02d}." for n in range(8))

    response = submit(client, hearing, body=body)

    said = warning(response.text)
    assert "617-555-0104" in said and "617-555-0105" not in said
    assert "and 3 more" in said


def test_a_form_with_another_problem_shows_that_first(client, db):
    hearing = open_hearing(db)

    response = submit(client, hearing, body=PHONE_TEXT, full_name="")

    assert '<div class="error-summary"' in response.text
    assert not has_warning(response.text)


def test_the_warning_is_in_spanish_for_a_spanish_reader(client, db):
    hearing = open_hearing(db)
    client.set_cookie("lang", "es")

    response = submit(client, hearing, body=PHONE_TEXT)

    assert has_warning(response.text)
    assert 'lang="es"' in response.text


def test_the_text_never_reaches_the_log_or_the_address(client, db, caplog):
    hearing = open_hearing(db)
    url = form_url(hearing)
    caplog.set_level(logging.DEBUG)

    asked = submit(client, hearing, body=PHONE_TEXT)
    sent = send_as_is(client, url, asked.text)

    assert "617-555-0143" not in caplog.text
    assert "617" not in sent.headers["Location"]
    assert "617-555-0143" not in re.search(r'value="([0-9a-f]+)"', asked.text).group(1)


# --- Amending ---------------------------------------------------------------------------------


def test_an_amendment_adding_a_phone_number_is_asked_about_then_saved(client, db):
    hearing = open_hearing(db)
    token = submitted_token(client, hearing)
    url = f"{RECEIPT_PREFIX}{token}/amend"

    asked = amend(client, token, body=PHONE_TEXT)

    assert asked.status_code == 200
    assert "What looks like a phone number: 617-555-0143" in warning(asked.text)
    assert "Save it as it is" in asked.text
    assert form_values(asked.text)["reason"] == "I want to add a point."
    assert only_testimony(db).body == "I support the ban on face surveillance."

    saved = send_as_is(client, url, asked.text)

    assert saved.status_code == 303
    assert only_testimony(db).body == PHONE_TEXT


def test_an_amendment_leaving_the_text_as_it_was_is_not_asked_again(client, db):
    hearing = open_hearing(db)
    url = form_url(hearing)
    asked = submit(client, hearing, body=PHONE_TEXT)
    token = send_as_is(client, url, asked.text).headers["Location"].removeprefix(RECEIPT_PREFIX)

    response = amend(client, token, position="oppose", reason="I changed my mind.")

    assert response.status_code == 303
    assert only_testimony(db).position.value == "oppose"
