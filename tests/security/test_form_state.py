"""Attacks on what one form remembers between requests.

A form must start from the same state on every request: nothing one request does may leak
into the next (piled-up checks), and a file kept for one resident's form must never reach
another's.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.testimony.models import Attachment, Testimony
from tests.factories import (
    _KEY,
    csrf_token_from,
    form_fields,
    make_hearing,
    make_pdf,
    make_testimony,
)
from tests.form_pages import (
    field_error,
    form_url,
    form_values,
    pdf_file,
    submit,
    summary_errors,
)

OVER_LENGTH = "Keep your testimony to 10,000 characters or fewer."


def test_building_the_form_a_thousand_times_still_shows_the_length_error_once(app, client, db):
    """A flood of requests must not pile the length check up: after 1,000 forms an
    over-length testimony is told so once, not a thousand times."""
    from app.testimony.forms import AmendmentForm, TestimonyForm

    hearing = make_hearing()
    receipt = make_testimony(hearing)
    db.session.commit()
    for _ in range(1_000):
        with app.test_request_context("/", method="GET"):
            TestimonyForm(hearing=hearing, allow_speaking=True)
            AmendmentForm(
                hearing=hearing,
                allow_speaking=True,
                existing_attachments=0,
                current_speaking=receipt.testimony.speaking_request,
            )

    page = submit(client, hearing, body="x" * 10_001).text

    assert field_error(page, "body") == f"Error: {OVER_LENGTH}"
    assert summary_errors(page).count(OVER_LENGTH) == 1
    with app.test_request_context("/", method="GET"):
        form = TestimonyForm(hearing=hearing, allow_speaking=True)
        assert sum(1 for v in form.body.validators if type(v).__name__ == "Length") == 1


# --- Files kept from a form that was sent back --------------------------------------------------


def _form_page(client, hearing) -> str:
    page = client.get(form_url(hearing))
    assert page.status_code == 200
    return page.text


def _post(client, hearing, page_html: str, *, files=None, **overrides):
    data = form_fields(hearing, page_html, **overrides)
    if files is not None:
        data["attachments"] = files
    return client.post(form_url(hearing), data=data, content_type="multipart/form-data")


def _attachment_names(db) -> list[str]:
    db.session.expire_all()
    return sorted(a.original_name for a in db.session.scalars(select(Attachment)))


def test_a_file_kept_for_one_residents_form_never_reaches_another_form(app, db):
    """An attacker's own form (another key, another hearing with the same key, or an
    amendment form given the victim's key) never lists, sends or removes the victim's kept
    file; the victim's next try still carries it."""
    hearing = make_hearing()
    other_hearing = make_hearing()
    db.session.commit()
    victim, attacker = app.test_client(), app.test_client()

    victim_page = _form_page(victim, hearing)
    victim_key = _KEY.search(victim_page).group(1)
    sent_back = _post(
        victim, hearing, victim_page, files=[pdf_file(make_pdf(2), "victim.pdf")], full_name=""
    )
    assert sent_back.status_code == 200
    assert "victim.pdf" in sent_back.text
    held_id = re.search(r'name="remove_attachment" value="(\d+)"', sent_back.text).group(1)

    # Another form on the same hearing: its page and its submission know nothing of the file,
    # and its "remove" with the victim's file number removes nothing.
    attacker_page = _form_page(attacker, hearing)
    assert "victim.pdf" not in attacker_page
    removed = _post(attacker, hearing, attacker_page, remove_attachment=held_id)
    assert removed.status_code == 200 and "victim.pdf" not in removed.text
    assert _post(attacker, hearing, attacker_page, email="x@example.org").status_code == 303
    assert _attachment_names(db) == []

    # The victim's key on another hearing's form reaches nothing either.
    other_page = _form_page(attacker, other_hearing)
    stolen_key = _post(attacker, other_hearing, other_page, submission_key=victim_key, full_name="")
    assert "victim.pdf" not in stolen_key.text

    # Nor does the victim's key in an amendment form of the attacker's testimony.
    receipt = make_testimony(hearing, email="attacker@example.org")
    db.session.commit()
    amend_url = f"/receipts/{receipt.token}/amend"
    amend_page = attacker.get(amend_url).text
    amended = attacker.post(
        amend_url,
        data={
            "csrf_token": csrf_token_from(amend_page),
            "form_key": victim_key,
            "measure_id": str(hearing.measures[0].id),
            "position": "oppose",
            "body": "Changed my mind.",
            "speaking_request": "none",
            "reason": "Second thoughts.",
        },
    )
    assert amended.status_code == 303
    assert _attachment_names(db) == []

    # The victim's own next try still sends it.
    fixed = {**form_values(sent_back.text), "full_name": "Denise Okafor"}
    accepted = victim.post(form_url(hearing), data=fixed)
    assert accepted.status_code == 303, summary_errors(accepted.text)
    assert _attachment_names(db) == ["victim.pdf"]


def test_files_refused_by_the_checks_count_toward_the_address_limit(app, db, config):
    """An attacker sends forms carrying files the server must read (and refuse) over and over:
    each file read counts toward the address's limit, so they are not free."""
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "4 per minute"
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1000 per minute"
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    not_a_pdf = b"%PDF-1.7\n" + b"\x00" * 2048  # reads as broken: refused after a parse
    for attempt in range(2):
        page = _form_page(client, hearing)
        refused = _post(
            client,
            hearing,
            page,
            files=[pdf_file(not_a_pdf, f"a{attempt}.pdf"), pdf_file(not_a_pdf, f"b{attempt}.pdf")],
        )
        assert refused.status_code == 200
        assert "There is a problem" in refused.text

    page = _form_page(client, hearing)
    limited = _post(client, hearing, page, body="A real person, too late.")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert "A real person, too late." in limited.text
    assert db.session.scalar(select(func.count(Testimony.id))) == 0


def test_forms_sent_back_with_a_good_file_count_toward_the_address_limit(app, db, config):
    """Sending a good file with a field left empty, again and again, makes the server read
    the file each time: that counts toward the limit too."""
    config["SUBMIT_LIMIT_PER_ADDRESS"] = "3 per minute"
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1000 per minute"
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    for attempt in range(3):
        page = _form_page(client, hearing)
        sent_back = _post(
            client, hearing, page, files=[pdf_file(make_pdf(), f"{attempt}.pdf")], full_name=""
        )
        assert sent_back.status_code == 200
    page = _form_page(client, hearing)
    assert _post(client, hearing, page).status_code == 429


def test_over_the_limit_a_form_s_files_are_not_even_read(app, db, config, monkeypatch):
    """Once an address is over its limit, the files its forms carry are refused unread: the
    expensive check never runs for them."""
    from app.testimony import forms

    config["SUBMIT_LIMIT_PER_ADDRESS"] = "1 per minute"
    config["SUBMIT_LIMIT_PER_EMAIL"] = "1000 per minute"
    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    assert _post(client, hearing, _form_page(client, hearing)).status_code == 303

    read = []
    real_check = forms.check_pdf
    monkeypatch.setattr(
        forms, "check_pdf", lambda data, **kw: read.append(1) or real_check(data, **kw)
    )
    page = _form_page(client, hearing)
    limited = _post(client, hearing, page, files=[pdf_file(make_pdf(), "late.pdf")])
    assert limited.status_code == 429
    assert "attach any files again" in limited.text
    assert read == []


def test_a_form_never_keeps_or_sends_more_files_than_it_may_carry(app, db):
    """Two copies of one form sent at once (each checked against the files kept before
    either) must not pile up more kept files than a testimony may have."""
    from app.platform.timezones import utcnow
    from app.testimony import held_uploads
    from tests.factories import make_upload

    hearing = make_hearing()
    db.session.commit()
    now = utcnow()
    scope = held_uploads.FormScope(hearing.id, "k" * 32)
    three = tuple(make_upload(f"{n}.pdf") for n in range(3))

    held_uploads.hold(scope, three, now=now, limit=3)
    held_uploads.hold(scope, three, now=now, limit=3)  # the racing copy

    assert [row.original_name for row in held_uploads.held_for(scope, now=now)] == [
        "0.pdf",
        "1.pdf",
        "2.pdf",
    ]
    assert len(held_uploads.take(scope, now=now, limit=2)) == 2


def test_more_kept_files_than_a_form_may_carry_are_shown_and_refused_never_dropped(app, db):
    """Two copies of one form sent back at the same moment each keep their files (each saw
    none kept yet): the next send must say there are too many, not quietly send some."""
    from app.platform.timezones import utcnow
    from app.testimony import held_uploads
    from tests.factories import make_upload

    hearing = make_hearing()
    db.session.commit()
    client = app.test_client()
    page = _form_page(client, hearing)
    scope = held_uploads.FormScope(hearing.id, _KEY.search(page).group(1))
    for copy in ("a", "b"):  # what the two racing copies kept, three each
        uploads = tuple(make_upload(f"{copy}{n}.pdf") for n in range(3))
        held_uploads.hold(scope, uploads, now=utcnow(), limit=6)
    db.session.commit()

    sent = _post(client, hearing, page)

    assert sent.status_code == 200
    assert "Attach at most 3 files in all." in summary_errors(sent.text)
    assert all(f"{copy}{n}.pdf" in sent.text for copy in "ab" for n in range(3))
    assert db.session.scalar(select(func.count(Testimony.id))) == 0
