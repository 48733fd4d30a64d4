"""The resident's journey through the web pages: submit, receipt, amend, withdraw."""

from __future__ import annotations

import io
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony.models import Attachment, ReviewStatus, Testimony, TestimonyVersion
from tests.factories import csrf_token_from, form_fields, make_hearing, make_pdf

RECEIPT_PREFIX = "/receipts/"


def count(db, model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def form_url(hearing) -> str:
    return f"/hearings/{hearing.id}/testimony/new"


def submit(client, hearing, **overrides):
    """Load the form and post it; returns (form page, response to the post)."""
    page = client.get(form_url(hearing))
    assert page.status_code == 200
    response = client.post(form_url(hearing), data=form_fields(hearing, page.text, **overrides))
    return page, response


def submitted_token(client, hearing, **overrides) -> str:
    _page, response = submit(client, hearing, **overrides)
    assert response.status_code == 303, response.text
    location = response.headers["Location"]
    assert location.startswith(RECEIPT_PREFIX)
    return location.removeprefix(RECEIPT_PREFIX)


def close_window(db, hearing) -> None:
    """Move the hearing's deadline into the past, as if the resident had waited too long."""
    now = utcnow()
    hearing.testimony_opens_at = now - timedelta(days=10)
    hearing.speaker_signup_closes_at = now - timedelta(days=2)
    hearing.testimony_closes_at = now - timedelta(minutes=1)
    db.session.commit()


def pdf_file(name: str, pages: int = 1):
    return (io.BytesIO(make_pdf(pages)), name, "application/pdf")


def amend_fields(page_html: str, testimony: Testimony, **overrides) -> dict:
    fields = {
        "csrf_token": csrf_token_from(page_html),
        "measure_id": str(testimony.measure_id),
        "position": testimony.position.value,
        "body": testimony.body,
        "speaking_request": testimony.speaking_request.value,
        "reason": "I want to add a point.",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def only_testimony(db) -> Testimony:
    db.session.expire_all()
    return db.session.scalars(select(Testimony)).one()


# Submitting and the receipt


def test_submit_redirects_to_receipt_showing_what_was_received(client, db):
    hearing = make_hearing()
    db.session.commit()
    page, response = submit(client, hearing, body="Cameras do not belong in our parks.")

    assert page.headers["Cache-Control"] == "no-store"
    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "no-store"
    token = response.headers["Location"].removeprefix(RECEIPT_PREFIX)
    assert len(token) >= 32

    receipt = client.get(f"{RECEIPT_PREFIX}{token}")
    assert receipt.status_code == 200
    assert receipt.headers["Cache-Control"] == "no-store"
    testimony = only_testimony(db)
    html = receipt.text
    assert "Testimony received" in html
    assert testimony.tracking_number in html
    assert "Received, awaiting review" in html
    assert "Cameras do not belong in our parks." in html
    assert hearing.title in html
    assert hearing.measures[0].number in html
    assert "Denise Okafor" in html
    assert "Dorchester" in html
    assert "Support" in html
    # The street address and e-mail address are not repeated on the page.
    assert "12 Example Street" not in html
    assert "denise@example.org" not in html
    assert f"{RECEIPT_PREFIX}{token}/amend" in html
    assert f"{RECEIPT_PREFIX}{token}/withdraw" in html


def test_form_with_errors_is_not_cached_and_stores_nothing(client, db):
    hearing = make_hearing()
    db.session.commit()
    _page, response = submit(client, hearing, body="", full_name="Denise Okafor")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Write your testimony." in response.text
    assert 'value="Denise Okafor"' in response.text
    assert count(db, Testimony) == 0


def test_wrong_receipt_token_is_404(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing)
    for wrong in (secrets.token_hex(20), token[:-2], token[:12], token + "00"):
        for suffix in ("", "/amend", "/withdraw"):
            response = client.get(f"{RECEIPT_PREFIX}{wrong}{suffix}")
            assert response.status_code == 404, (wrong, suffix)
            assert response.headers["Cache-Control"] == "no-store"
            assert "Denise" not in response.text
    response = client.post(f"{RECEIPT_PREFIX}{secrets.token_hex(20)}/withdraw")
    assert response.status_code == 404
    assert only_testimony(db).status is ReviewStatus.PENDING


def test_posting_the_same_form_twice_stores_one_testimony(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(form_url(hearing))
    fields = form_fields(hearing, page.text)

    first = client.post(form_url(hearing), data=dict(fields))
    second = client.post(form_url(hearing), data=dict(fields))

    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(db, Testimony) == 1
    assert count(db, OutboxMessage) == 1
    assert client.get(second.headers["Location"]).status_code == 200


def test_form_posted_after_the_deadline_is_refused_and_text_kept(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(form_url(hearing))
    assert page.status_code == 200

    close_window(db, hearing)
    body = "My long testimony about the cameras on Blue Hill Avenue, written over an hour."
    response = client.post(form_url(hearing), data=form_fields(hearing, page.text, body=body))

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "The deadline for testimony on this hearing has passed" in response.text
    assert body in response.text
    assert 'value="Denise Okafor"' in response.text
    assert count(db, Testimony) == 0
    assert count(db, OutboxMessage) == 0


def test_retry_after_deadline_of_a_form_stored_in_time_gets_its_receipt(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(form_url(hearing))
    fields = form_fields(hearing, page.text)
    first = client.post(form_url(hearing), data=dict(fields))
    assert first.status_code == 303

    # The browser retries (the first response was lost) just after the deadline.
    close_window(db, hearing)
    retry = client.post(form_url(hearing), data=dict(fields))

    assert retry.status_code == 303, "a stored testimony must not be reported as refused"
    assert retry.headers["Location"] == first.headers["Location"]
    assert count(db, Testimony) == 1


def test_form_page_after_deadline_says_it_is_closed(client, db):
    hearing = make_hearing()
    db.session.commit()
    close_window(db, hearing)
    response = client.get(form_url(hearing))
    assert response.status_code == 200
    assert "This hearing is not taking testimony" in response.text
    assert 'name="submission_key"' not in response.text


# Amending


def test_amend_form_is_prefilled(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, position="oppose", body="First words.")

    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "First words.</textarea>" in page.text
    checked = re.findall(r'<input checked[^>]*name="position"[^>]*value="(\w+)"', page.text)
    assert checked == ["oppose"]
    assert 'name="reason"' in page.text


def test_amend_with_reason_shows_new_text_and_earlier_version(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, body="First words.")
    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    testimony = only_testimony(db)

    response = client.post(
        f"{RECEIPT_PREFIX}{token}/amend",
        data=amend_fields(page.text, testimony, body="Better words.", reason="I left out a point."),
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"{RECEIPT_PREFIX}{token}"
    receipt = client.get(response.headers["Location"])
    html = receipt.text
    assert "Your testimony was amended." in html
    assert "Better words." in html
    assert "Earlier versions" in html
    assert "First words." in html
    assert "I left out a point." in html
    assert "Last amended" in html
    testimony = only_testimony(db)
    assert testimony.version == 2
    assert testimony.versions[0].amendment_reason == "I left out a point."


def test_amend_without_reason_is_refused_and_changes_nothing(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, body="First words.")
    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    testimony = only_testimony(db)

    response = client.post(
        f"{RECEIPT_PREFIX}{token}/amend",
        data=amend_fields(page.text, testimony, body="Changed words.", reason="  "),
    )

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Say briefly why you are changing your testimony." in response.text
    assert "Changed words." in response.text  # what they typed is kept
    testimony = only_testimony(db)
    assert testimony.body == "First words."
    assert testimony.version == 1
    assert count(db, TestimonyVersion) == 0


def test_unchanged_amendment_says_nothing_changed(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing)
    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    response = client.post(
        f"{RECEIPT_PREFIX}{token}/amend",
        data=amend_fields(page.text, only_testimony(db)),
        follow_redirects=True,
    )
    assert "Nothing was changed." in response.text
    assert only_testimony(db).version == 1


def test_amend_adds_pdf_attachments_up_to_three_in_all(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, attachments=[pdf_file("first.pdf")])
    assert [a.original_name for a in only_testimony(db).attachments] == ["first.pdf"]

    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    assert "first.pdf" in page.text
    response = client.post(
        f"{RECEIPT_PREFIX}{token}/amend",
        data=amend_fields(
            page.text,
            only_testimony(db),
            reason="Adding the study and a map.",
            attachments=[pdf_file("study.pdf", pages=3), pdf_file("map.pdf")],
        ),
    )
    assert response.status_code == 303, response.text
    receipt = client.get(response.headers["Location"])
    for name in ("first.pdf", "study.pdf", "map.pdf"):
        assert name in receipt.text
    assert "3 pages" in receipt.text
    testimony = only_testimony(db)
    assert testimony.version == 2
    assert len(testimony.attachments) == 3

    # A fourth file is one too many.
    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    response = client.post(
        f"{RECEIPT_PREFIX}{token}/amend",
        data=amend_fields(
            page.text,
            testimony,
            body="Also new text.",
            reason="One more file.",
            attachments=[pdf_file("fourth.pdf")],
        ),
    )
    assert response.status_code == 200
    assert "Attach at most 3 files in all." in response.text
    testimony = only_testimony(db)
    assert len(testimony.attachments) == 3
    assert testimony.version == 2
    assert count(db, Attachment) == 3


# Withdrawing


def test_withdraw_after_confirmation(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing)

    confirm = client.get(f"{RECEIPT_PREFIX}{token}/withdraw")
    assert confirm.status_code == 200
    assert confirm.headers["Cache-Control"] == "no-store"
    assert "Yes, withdraw my testimony" in confirm.text
    assert only_testimony(db).status is ReviewStatus.PENDING  # a GET changes nothing

    response = client.post(
        f"{RECEIPT_PREFIX}{token}/withdraw", data={"csrf_token": csrf_token_from(confirm.text)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"{RECEIPT_PREFIX}{token}"

    receipt = client.get(response.headers["Location"])
    assert "Your testimony was withdrawn." in receipt.text
    assert "Testimony withdrawn" in receipt.text
    assert "<dd>Withdrawn</dd>" in receipt.text
    assert f"{token}/amend" not in receipt.text
    assert f"{token}/withdraw" not in receipt.text
    testimony = only_testimony(db)
    assert testimony.status is ReviewStatus.WITHDRAWN
    assert testimony.withdrawn_at is not None

    # The old links now lead back to the receipt, saying why.
    withdrawn_message = "You withdrew this testimony, so it can no longer be amended or withdrawn."
    again = client.get(f"{RECEIPT_PREFIX}{token}/withdraw")
    assert again.status_code == 303
    assert again.headers["Location"] == f"{RECEIPT_PREFIX}{token}"
    assert withdrawn_message in client.get(again.headers["Location"]).text
    amend = client.get(f"{RECEIPT_PREFIX}{token}/amend", follow_redirects=True)
    assert withdrawn_message in amend.text


def test_withdraw_without_csrf_token_changes_nothing(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing)
    response = client.post(f"{RECEIPT_PREFIX}{token}/withdraw", data={})
    assert response.status_code == 200
    assert only_testimony(db).status is ReviewStatus.PENDING


# After the deadline


def test_after_deadline_amend_and_withdraw_redirect_to_receipt(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, body="Submitted in time.")
    amend_page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    withdraw_page = client.get(f"{RECEIPT_PREFIX}{token}/withdraw")
    testimony = only_testimony(db)
    fields = amend_fields(amend_page.text, testimony, body="Too late.")
    close_window(db, hearing)

    for response in (
        client.get(f"{RECEIPT_PREFIX}{token}/amend"),
        client.post(f"{RECEIPT_PREFIX}{token}/amend", data=fields),
        client.get(f"{RECEIPT_PREFIX}{token}/withdraw"),
        client.post(
            f"{RECEIPT_PREFIX}{token}/withdraw",
            data={"csrf_token": csrf_token_from(withdraw_page.text)},
        ),
    ):
        assert response.status_code == 303
        assert response.headers["Location"] == f"{RECEIPT_PREFIX}{token}"

    receipt = client.get(f"{RECEIPT_PREFIX}{token}")
    assert "This testimony can no longer be changed." in receipt.text
    assert "Submitted in time." in receipt.text
    assert f"{token}/amend" not in receipt.text
    assert f"{token}/withdraw" not in receipt.text
    testimony = only_testimony(db)
    assert testimony.body == "Submitted in time."
    assert testimony.status is ReviewStatus.PENDING
    assert testimony.version == 1
