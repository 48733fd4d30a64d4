"""Amending from the receipt: accessibility needs, interpreter and speaking request (within the
hearing's sign-up cut-off), removing attachments (their files deleted, the removal in the
history moderators read); and a withdrawn receipt that no longer offers or accepts changes."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select

from app.platform.extensions import db
from app.platform.storage import file_store
from app.platform.timezones import utcnow
from app.speaking.models import Speaker, SpeakerMode, SpeakerStatus
from app.testimony.models import Attachment, ReviewStatus, SpeakingRequest, Testimony
from tests.factories import (
    csrf_token_from,
    listed_language,
    make_hearing,
    make_pdf,
    signed_in_client,
)
from tests.testimony.test_views_receipt import (
    RECEIPT_PREFIX,
    amend_fields,
    only_testimony,
    pdf_file,
    submitted_token,
)


def amend(client, token, **fields):
    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    assert page.status_code == 200
    testimony = only_testimony(db)
    return client.post(
        f"{RECEIPT_PREFIX}{token}/amend", data=amend_fields(page.text, testimony, **fields)
    )


def test_accessibility_needs_and_interpreter_are_amended_and_shown(client, db):
    hearing = make_hearing()
    db.session.commit()
    spanish = listed_language(hearing.committee.body, "es")
    db.session.commit()
    token = submitted_token(client, hearing, accessibility_need="A wheelchair space.")
    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    assert "A wheelchair space.</textarea>" in page.text

    response = amend(
        client,
        token,
        accessibility_need="Captions, please.",
        interpreter_language=str(spanish.id),
        reason="I need captions and an interpreter.",
    )

    assert response.status_code == 303, response.text
    testimony = only_testimony(db)
    assert (testimony.accessibility_need, testimony.interpreter_language_id, testimony.version) == (
        "Captions, please.",
        spanish.id,
        2,
    )
    receipt = client.get(f"{RECEIPT_PREFIX}{token}").text
    assert "Captions, please." in receipt

    # Emptied, the need is gone.
    assert amend(client, token, accessibility_need="", reason="Not needed.").status_code == 303
    assert only_testimony(db).accessibility_need is None


def test_removing_an_attachment_deletes_its_file_and_is_in_the_history(app, client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(
        client, hearing, attachments=[pdf_file("first.pdf"), pdf_file("map.pdf", pages=2)]
    )
    first, kept = only_testimony(db).attachments
    first_sha, kept_sha = first.sha256, kept.sha256
    assert file_store().exists(first_sha)

    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    assert f'value="{first.id}"' in page.text and "Remove <bdi>first.pdf</bdi>" in page.text
    response = amend(
        client, token, remove_attachments=[str(first.id)], reason="The first file was wrong."
    )

    assert response.status_code == 303, response.text
    testimony = only_testimony(db)
    assert [a.original_name for a in testimony.attachments] == ["map.pdf"]
    assert not file_store().exists(first_sha), "its file is deleted"
    assert file_store().exists(kept_sha)
    (version,) = testimony.versions
    assert version.attachments_removed == [
        {"name": "first.pdf", "pages": 1, "size": first.size_bytes}
    ]
    receipt = client.get(f"{RECEIPT_PREFIX}{token}").text
    assert "Attachments you removed in this amendment: <bdi>first.pdf</bdi>" in receipt
    staff = signed_in_client(app)
    review = staff.get(f"/staff/testimony/{testimony.id}").text
    assert "Attachments the resident removed in this amendment:" in review
    assert "<bdi>first.pdf</bdi> (1 page)" in review
    assert testimony.status is ReviewStatus.PENDING


def test_a_file_another_testimony_also_attached_is_kept(client, db):
    hearing = make_hearing()
    db.session.commit()
    same = make_pdf(2)
    token = submitted_token(
        client, hearing, attachments=[(io.BytesIO(same), "shared.pdf", "application/pdf")]
    )
    other = submitted_token(
        client,
        hearing,
        email="rosa@example.org",
        attachments=[(io.BytesIO(same), "shared.pdf", "application/pdf")],
    )
    assert other
    mine = db.session.scalars(
        select(Testimony).where(Testimony.email == "denise@example.org")
    ).one()
    attachment = mine.attachments[0]
    page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    fields = {
        "csrf_token": csrf_token_from(page.text),
        "measure_id": str(mine.measure_id),
        "position": mine.position.value,
        "body": mine.body,
        "speaking_request": "none",
        "reason": "Removing the file.",
        "remove_attachments": [str(attachment.id)],
    }
    assert client.post(f"{RECEIPT_PREFIX}{token}/amend", data=fields).status_code == 303

    assert db.session.scalar(select(Attachment.id).where(Attachment.id == attachment.id)) is None
    assert file_store().exists(attachment.sha256), "still attached to the other testimony"


def test_a_removed_attachment_makes_room_for_a_new_one(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(
        client, hearing, attachments=[pdf_file("a.pdf"), pdf_file("b.pdf"), pdf_file("c.pdf")]
    )
    a = only_testimony(db).attachments[0]
    response = amend(
        client,
        token,
        remove_attachments=[str(a.id)],
        attachments=[pdf_file("d.pdf")],
        reason="Replacing a.",
    )
    assert response.status_code == 303, response.text
    assert [x.original_name for x in only_testimony(db).attachments] == ["b.pdf", "c.pdf", "d.pdf"]


def test_an_attachment_not_on_the_testimony_is_refused_and_nothing_changes(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, attachments=[pdf_file("first.pdf")])
    for tampered in ("999999", "not-a-number"):
        response = amend(client, token, remove_attachments=[tampered], reason="Tampered.")
        assert response.status_code == 200
        assert "That attachment is no longer on your testimony." in response.text
    testimony = only_testimony(db)
    assert (testimony.version, len(testimony.attachments)) == (1, 1)


def past_signup_cutoff(db, hearing) -> None:
    hearing.speaker_signup_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_after_the_signup_cutoff_a_speaker_cannot_switch_but_can_give_up(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, speaking_request="in_person")
    past_signup_cutoff(db, hearing)

    response = amend(client, token, speaking_request="remote", reason="I cannot come.")

    assert response.status_code == 200
    assert (
        "Sign-up to speak at this hearing has closed, so you can no longer change how you take "
        "part. You can keep your request to speak as it is, or choose not to speak."
    ) in response.text
    assert only_testimony(db).speaking_request is SpeakingRequest.IN_PERSON

    response = amend(client, token, speaking_request="none", reason="I cannot come.")
    assert response.status_code == 303
    assert only_testimony(db).speaking_request is SpeakingRequest.NONE
    # Asking again after the cut-off is a new sign-up: refused in plain words.
    response = amend(client, token, speaking_request="in_person", reason="I can come after all.")
    assert response.status_code == 200
    assert "Sign-up to speak at this hearing has closed." in response.text


# A withdrawn receipt


def test_a_withdrawn_receipt_offers_no_changes_and_its_links_say_why(client, db):
    hearing = make_hearing()
    db.session.commit()
    token = submitted_token(client, hearing, speaking_request="in_person")
    testimony = only_testimony(db)
    # On the speaker list, waiting, when it is withdrawn.
    db.session.add(
        Speaker(
            hearing_id=hearing.id,
            testimony_id=testimony.id,
            full_name=testimony.full_name,
            measure_id=testimony.measure_id,
            position=testimony.position,
            mode=SpeakerMode.IN_PERSON,
            status=SpeakerStatus.WAITING,
            signed_up_at=testimony.received_at,
            is_official=False,
        )
    )
    db.session.commit()
    amend_page = client.get(f"{RECEIPT_PREFIX}{token}/amend")
    assert "Cancel my place" in client.get(f"{RECEIPT_PREFIX}{token}").text
    confirm = client.get(f"{RECEIPT_PREFIX}{token}/withdraw")
    withdraw = {"csrf_token": csrf_token_from(confirm.text)}
    assert client.post(f"{RECEIPT_PREFIX}{token}/withdraw", data=withdraw).status_code == 303

    receipt = client.get(f"{RECEIPT_PREFIX}{token}").text
    assert "You withdrew this testimony." in receipt
    for offer in ("/amend", "/withdraw", "Cancel my place", "Confirm I will speak"):
        assert offer not in receipt, offer
    assert "it is the only way to see, amend or withdraw" not in receipt

    message = "You withdrew this testimony, so it can no longer be amended or withdrawn."
    fields = amend_fields(amend_page.text, testimony, body="Changed after withdrawing.")
    for send in (
        lambda: client.get(f"{RECEIPT_PREFIX}{token}/amend"),
        lambda: client.post(f"{RECEIPT_PREFIX}{token}/amend", data=fields),
        lambda: client.get(f"{RECEIPT_PREFIX}{token}/withdraw"),
    ):
        response = send()
        assert response.status_code == 303
        assert response.headers["Location"] == f"{RECEIPT_PREFIX}{token}"
        assert message in client.get(response.headers["Location"]).text
    # The same withdrawal sent twice (a double click) is simply done.
    again = client.post(f"{RECEIPT_PREFIX}{token}/withdraw", data=withdraw)
    assert "Your testimony was withdrawn." in client.get(again.headers["Location"]).text
    testimony = only_testimony(db)
    assert (testimony.status, testimony.version, testimony.body) == (
        ReviewStatus.WITHDRAWN,
        1,
        "I support the ban on face surveillance.",
    )
