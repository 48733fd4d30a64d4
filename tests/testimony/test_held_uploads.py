"""A PDF attached to a form that comes back with an error is kept for that form: listed on the
page with a "remove" button, sent with the form's next try, forgotten after a few hours."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.platform.storage import file_store
from app.platform.timezones import utcnow
from app.testimony import held_uploads
from app.testimony.held_uploads import HeldUpload
from app.testimony.models import Attachment, Testimony
from tests.factories import csrf_token_from, form_fields, make_hearing, make_pdf
from tests.form_pages import (
    field_error,
    form_url,
    form_values,
    pdf_file,
    summary_errors,
)

RECEIPT_PREFIX = "/receipts/"


def open_hearing(db):
    hearing = make_hearing()
    db.session.commit()
    return hearing


def post(client, hearing, page_html: str, *, files=None, **overrides):
    data = form_fields(hearing, page_html, **overrides)
    if files is not None:
        data["attachments"] = files
    return client.post(form_url(hearing), data=data, content_type="multipart/form-data")


def resend(client, url: str, page_html: str, *, files=None, **changes):
    """Send the re-shown form again as a browser would: what it shows, plus the changes."""
    data = {**form_values(page_html), **changes}
    if files is not None:
        data["attachments"] = files
    return client.post(url, data=data, content_type="multipart/form-data")


def kept_files(page_html: str) -> list[str]:
    """The names listed under "Files already attached", as a resident reads them."""
    match = re.search(r'<div class="field held-files".*?</ul>', page_html, re.S)
    if not match:
        return []
    return re.findall(r"<li>\s*<bdi>([^<]+)</bdi> \(", match.group(0))


def remove_button(page_html: str, name: str) -> str:
    match = re.search(
        rf'value="(\d+)" formnovalidate class="link-button">Remove<span class="visually-hidden"> '
        rf"{re.escape(name)}</span>",
        page_html,
    )
    assert match, f"no remove button for {name}"
    return match.group(1)


def count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def held_digest(db, name: str) -> str:
    """Where the kept file's bytes are stored (the checked copy, which may differ from the
    bytes sent)."""
    row = db.session.scalars(select(HeldUpload).where(HeldUpload.original_name == name)).one()
    assert file_store().exists(row.sha256)
    return row.sha256


def receipt_page(client, response) -> str:
    assert response.status_code == 303, summary_errors(response.text)
    location = response.headers["Location"]
    assert location.startswith(RECEIPT_PREFIX)
    return client.get(location).text


def test_an_attachment_survives_a_form_sent_back_and_appears_on_the_receipt(client, db):
    hearing = open_hearing(db)
    pdf = make_pdf(2)
    page = client.get(form_url(hearing)).text

    sent_back = post(client, hearing, page, files=[pdf_file(pdf, "statement.pdf")], full_name="")

    assert sent_back.status_code == 200
    assert field_error(sent_back.text, "full_name") == "Error: Enter your full name."
    assert kept_files(sent_back.text) == ["statement.pdf"]
    assert "you do not need to attach them again" in sent_back.text
    assert count(db, Testimony) == 0 and count(db, Attachment) == 0

    receipt = receipt_page(
        client, resend(client, form_url(hearing), sent_back.text, full_name="Denise Okafor")
    )

    assert "statement.pdf</bdi> (2 pages" in receipt
    [attachment] = db.session.scalars(select(Attachment)).all()
    assert attachment.original_name == "statement.pdf"
    assert attachment.page_count == 2
    assert file_store().exists(attachment.sha256)
    assert count(db, HeldUpload) == 0  # taken by the submission, not kept twice


def test_a_good_file_is_kept_when_another_is_refused(client, db):
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text

    sent_back = post(
        client,
        hearing,
        page,
        files=[pdf_file(make_pdf(), "good.pdf"), pdf_file(b"not a pdf at all", "bad.pdf")],
    )

    assert sent_back.status_code == 200
    assert "bad.pdf: The file is not a PDF." in field_error(sent_back.text, "attachments")
    assert kept_files(sent_back.text) == ["good.pdf"]
    receipt = receipt_page(client, resend(client, form_url(hearing), sent_back.text))
    assert "good.pdf" in receipt and "bad.pdf" not in receipt


def test_kept_files_and_new_ones_together_stay_within_the_limit(client, db):
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    two = [pdf_file(make_pdf(), "one.pdf"), pdf_file(make_pdf(2), "two.pdf")]
    sent_back = post(client, hearing, page, files=two, full_name="")
    assert kept_files(sent_back.text) == ["one.pdf", "two.pdf"]

    too_many = resend(
        client,
        form_url(hearing),
        sent_back.text,
        full_name="Denise Okafor",
        files=[pdf_file(make_pdf(3), "three.pdf"), pdf_file(make_pdf(4), "four.pdf")],
    )

    assert too_many.status_code == 200
    assert "Attach at most 3 files in all." in field_error(too_many.text, "attachments")
    assert count(db, Testimony) == 0
    assert kept_files(too_many.text) == ["one.pdf", "two.pdf"]
    receipt = receipt_page(
        client,
        resend(
            client,
            form_url(hearing),
            too_many.text,
            files=[pdf_file(make_pdf(3), "three.pdf")],
        ),
    )
    for name in ("one.pdf", "two.pdf", "three.pdf"):
        assert name in receipt


def test_remove_takes_a_kept_file_off_the_form_and_deletes_it(client, db):
    hearing = open_hearing(db)
    pdf = make_pdf(3)
    page = client.get(form_url(hearing)).text
    sent_back = post(
        client,
        hearing,
        page,
        files=[pdf_file(pdf, "wrong.pdf"), pdf_file(make_pdf(), "right.pdf")],
        full_name="",
        body="My words stay.",
    )
    stored_as = held_digest(db, "wrong.pdf")

    removed = resend(
        client,
        form_url(hearing),
        sent_back.text,
        remove_attachment=remove_button(sent_back.text, "wrong.pdf"),
    )

    assert removed.status_code == 200
    assert kept_files(removed.text) == ["right.pdf"]
    assert "There is a problem" not in removed.text  # only the file went; nothing was checked
    assert "My words stay." in removed.text
    assert not file_store().exists(stored_as)
    assert count(db, Testimony) == 0
    receipt = receipt_page(
        client, resend(client, form_url(hearing), removed.text, full_name="Denise Okafor")
    )
    assert "right.pdf" in receipt and "wrong.pdf" not in receipt


def test_remove_without_a_valid_form_token_removes_nothing(client, db):
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    sent_back = post(client, hearing, page, files=[pdf_file(make_pdf(), "kept.pdf")], full_name="")
    forged = resend(
        client,
        form_url(hearing),
        sent_back.text,
        csrf_token="forged",
        remove_attachment=remove_button(sent_back.text, "kept.pdf"),
    )
    assert forged.status_code == 200
    assert kept_files(forged.text) == ["kept.pdf"]
    assert count(db, HeldUpload) == 1


def test_a_removed_file_still_used_by_a_testimony_stays_stored(client, db):
    hearing = open_hearing(db)
    pdf = make_pdf(2)
    first = client.get(form_url(hearing)).text
    receipt_page(client, post(client, hearing, first, files=[pdf_file(pdf, "shared.pdf")]))

    page = client.get(form_url(hearing)).text
    sent_back = post(client, hearing, page, files=[pdf_file(pdf, "same.pdf")], full_name="")
    stored_as = held_digest(db, "same.pdf")
    assert db.session.scalars(select(Attachment.sha256)).all() == [stored_as]
    resend(
        client,
        form_url(hearing),
        sent_back.text,
        remove_attachment=remove_button(sent_back.text, "same.pdf"),
    )

    assert count(db, HeldUpload) == 0
    assert file_store().exists(stored_as)


def test_an_expired_kept_file_is_not_sent_and_the_sweep_deletes_it(app, client, db):
    hearing = open_hearing(db)
    pdf = make_pdf()
    page = client.get(form_url(hearing)).text
    sent_back = post(client, hearing, page, files=[pdf_file(pdf, "old.pdf")], full_name="")
    assert kept_files(sent_back.text) == ["old.pdf"]
    stored_as = held_digest(db, "old.pdf")
    long_ago = utcnow() - held_uploads.HOLD_FOR - timedelta(minutes=1)
    db.session.execute(update(HeldUpload).values(created_at=long_ago))
    db.session.commit()

    later = resend(client, form_url(hearing), sent_back.text, full_name="")
    assert kept_files(later.text) == []

    result = app.test_cli_runner().invoke(args=["files", "forget-held"])
    assert result.exit_code == 0, result.output
    assert "Forgot 1 expired kept file(s); deleted 1 stored file(s)." in result.output
    assert count(db, HeldUpload) == 0
    assert not file_store().exists(stored_as)
    receipt = receipt_page(
        client, resend(client, form_url(hearing), later.text, full_name="Denise Okafor")
    )
    assert "old.pdf" not in receipt
    assert count(db, Attachment) == 0


def test_the_periodic_sweep_deletes_expired_kept_files(app, client, db):
    from app.platform import jobs

    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    sent_back = post(client, hearing, page, files=[pdf_file(make_pdf(), "old.pdf")], full_name="")
    assert kept_files(sent_back.text) == ["old.pdf"]
    stored_as = held_digest(db, "old.pdf")
    jobs.sweep(app)
    assert count(db, HeldUpload) == 1  # not expired yet: kept

    long_ago = utcnow() - held_uploads.HOLD_FOR - timedelta(minutes=1)
    db.session.execute(update(HeldUpload).values(created_at=long_ago))
    db.session.commit()
    jobs.sweep(app)

    assert count(db, HeldUpload) == 0
    assert not file_store().exists(stored_as)


def test_a_form_sent_back_forgets_expired_files_in_passing(client, db):
    hearing = open_hearing(db)
    old_pdf = make_pdf(5)
    page = client.get(form_url(hearing)).text
    post(client, hearing, page, files=[pdf_file(old_pdf, "abandoned.pdf")], full_name="")
    stored_as = held_digest(db, "abandoned.pdf")
    db.session.execute(
        update(HeldUpload).values(created_at=utcnow() - held_uploads.HOLD_FOR - timedelta(hours=1))
    )
    db.session.commit()

    page = client.get(form_url(hearing)).text
    post(client, hearing, page, files=[pdf_file(make_pdf(), "new.pdf")], full_name="")

    names = [row.original_name for row in db.session.scalars(select(HeldUpload))]
    assert names == ["new.pdf"]
    assert not file_store().exists(stored_as)


# Amendments


def amend_data(page_html: str, testimony: Testimony, **overrides) -> dict:
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page_html)
    data = {
        "csrf_token": csrf_token_from(page_html),
        "form_key": key.group(1),
        "measure_id": str(testimony.measure_id),
        "position": testimony.position.value,
        "body": testimony.body,
        "speaking_request": testimony.speaking_request.value,
        "reason": "Adding my study.",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_an_amendment_keeps_its_attachment_when_sent_back(client, db):
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    receipt_url = post(client, hearing, page).headers["Location"]
    amend_url = f"{receipt_url}/amend"
    testimony = db.session.scalars(select(Testimony)).one()

    amend_page = client.get(amend_url).text
    sent_back = client.post(
        amend_url,
        data={
            **amend_data(amend_page, testimony, reason=""),
            "attachments": [pdf_file(make_pdf(4), "study.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert sent_back.status_code == 200
    assert "Say briefly why you are changing your testimony." in sent_back.text
    assert kept_files(sent_back.text) == ["study.pdf"]
    assert count(db, Attachment) == 0

    # Another amendment form of the same testimony (another tab) does not see it.
    assert kept_files(client.get(amend_url).text) == []

    done = resend(client, amend_url, sent_back.text, reason="Adding my study.")
    assert done.status_code == 303, summary_errors(done.text)
    receipt = client.get(done.headers["Location"]).text
    assert "study.pdf</bdi> (4 pages" in receipt
    assert count(db, HeldUpload) == 0


def test_an_amendment_can_remove_a_kept_file(client, db):
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    receipt_url = post(client, hearing, page).headers["Location"]
    amend_url = f"{receipt_url}/amend"
    testimony = db.session.scalars(select(Testimony)).one()
    amend_page = client.get(amend_url).text
    sent_back = client.post(
        amend_url,
        data={
            **amend_data(amend_page, testimony, reason=""),
            "attachments": [pdf_file(make_pdf(), "draft.pdf")],
        },
        content_type="multipart/form-data",
    )

    removed = resend(
        client,
        amend_url,
        sent_back.text,
        remove_attachment=remove_button(sent_back.text, "draft.pdf"),
    )

    assert removed.status_code == 200
    assert kept_files(removed.text) == []
    done = resend(client, amend_url, removed.text, body="New words.", reason="Rewrote it.")
    assert done.status_code == 303
    assert "draft.pdf" not in client.get(done.headers["Location"]).text
    assert count(db, Attachment) == 0


def test_a_file_chosen_before_switching_language_is_kept(client, db):
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text

    switched = post(
        client, hearing, page, files=[pdf_file(make_pdf(2), "informe.pdf")], switch_language="es"
    )

    assert switched.status_code == 200
    assert '<html lang="es">' in switched.text
    assert "informe.pdf" in switched.text
    assert "There is a problem" not in switched.text
    assert count(db, HeldUpload) == 1
    receipt = receipt_page(client, resend(client, form_url(hearing), switched.text))
    assert "informe.pdf" in receipt


def test_with_files_in_the_database_a_removed_kept_file_is_deleted_there(client, db, config):
    from app.platform.database_store import FileChunk, StoredFile

    config["FILE_STORE"] = "database"
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    sent_back = post(
        client, hearing, page, files=[pdf_file(make_pdf(2), "draft.pdf")], full_name=""
    )
    stored_as = held_digest(db, "draft.pdf")
    assert db.session.get(StoredFile, stored_as) is not None

    resend(
        client,
        form_url(hearing),
        sent_back.text,
        remove_attachment=remove_button(sent_back.text, "draft.pdf"),
    )

    db.session.expire_all()
    assert db.session.get(StoredFile, stored_as) is None
    chunks = select(func.count()).select_from(FileChunk).where(FileChunk.sha256 == stored_as)
    assert db.session.scalar(chunks) == 0


def test_an_amendment_over_the_address_limit_reads_no_file(client, db, config):
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "1 per minute"  # the submission below uses it up
    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    receipt_url = post(client, hearing, page).headers["Location"]
    amend_url = f"{receipt_url}/amend"
    testimony = db.session.scalars(select(Testimony)).one()
    amend_page = client.get(amend_url).text
    limited = client.post(
        amend_url,
        data={
            **amend_data(amend_page, testimony, body="New words."),
            "attachments": [pdf_file(make_pdf(), "late.pdf")],
        },
        content_type="multipart/form-data",
    )

    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert "nothing was changed this time" in limited.text
    assert "New words." in limited.text
    assert count(db, HeldUpload) == 0
    assert db.session.scalars(select(Testimony)).one().version == 1


def test_an_amendment_checks_its_files_without_holding_up_other_writers(
    app, client, db, monkeypatch
):
    """A slow PDF on an amendment must not keep SQLite's write lock while it is checked: another
    resident's write goes through during the check (on PostgreSQL writers never share a lock)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL writers lock only the rows they change")
    import sqlite3

    from app.testimony import forms

    hearing = open_hearing(db)
    page = client.get(form_url(hearing)).text
    receipt_url = post(client, hearing, page).headers["Location"]
    amend_url = f"{receipt_url}/amend"
    testimony = db.session.scalars(select(Testimony)).one()
    amend_page = client.get(amend_url).text
    path = db.engine.url.database
    writes_during_check = []
    real_check = forms.check_pdf

    def slow_check(*args, **kwargs):
        # Another process writing, with no patience for a lock: it fails if the lock is held.
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            writes_during_check.append("written")
        except sqlite3.OperationalError as error:
            writes_during_check.append(str(error))
        finally:
            other.close()
        return real_check(*args, **kwargs)

    monkeypatch.setattr(forms, "check_pdf", slow_check)
    fields = amend_data(amend_page, testimony)
    db.session.rollback()  # the test's own reading is over: only the request holds anything
    done = client.post(
        amend_url,
        data={**fields, "attachments": [pdf_file(make_pdf(2), "study.pdf")]},
        content_type="multipart/form-data",
    )
    assert done.status_code == 303, summary_errors(done.text)
    assert writes_during_check == ["written"]
