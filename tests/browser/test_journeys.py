"""Whole journeys in real Chromium, driven the way people use the pages: a resident submits
testimony with a PDF and amends it (and meets the error summary when the text is missing), a
moderator approves, rejects and redacts, and a clerk makes and downloads the hearing packet and
a spreadsheet. Each checks what the person sees and what landed in the database."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import func, select

from app.accounts.models import Role
from app.moderation.models import Redaction
from app.platform.extensions import db
from app.testimony.models import RejectionReason, ReviewStatus, Testimony
from tests.browser.conftest import commit, sign_in
from tests.factories import (
    make_hearing,
    make_pdf,
    make_staff_user,
    make_testimony,
    set_review_status,
)

TITLE = "Hearing on library opening hours"
TRACKING = re.compile(r"OT-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}")


def flash(page):
    """The status message a page opens with (what a screen reader announces on arrival)."""
    return page.locator(".flash-list[role=status]")


def count_testimony() -> int:
    count = db.session.scalar(select(func.count()).select_from(Testimony))
    db.session.rollback()  # release SQLite's lock before the browser goes on
    return count


@pytest.fixture
def open_hearing(db):
    hearing = make_hearing(title=TITLE)
    hearing_id = hearing.id  # plain value: no attribute loads once the browser is working
    commit()
    return hearing_id


def fill_testimony_form(page, body: str) -> None:
    # exact=True: a label's words may also appear in another field's hint.
    page.get_by_label("Full name", exact=True).fill("Rosa Delgado")
    page.get_by_label("E-mail address", exact=True).fill("rosa.delgado@example.org")
    page.get_by_label("Street address", exact=True).fill("41 Dudley Street")
    page.get_by_label("City or town", exact=True).fill("Roxbury")
    page.get_by_label("ZIP code", exact=True).fill("02119")
    page.get_by_role("radio", name="Support").check()
    page.get_by_label("Your written testimony").fill(body)
    page.get_by_label("I understand that my testimony").check()


def submit_testimony(page) -> None:
    # The language-switch and "remove" buttons are submit buttons too: pick this one by name.
    page.get_by_role("button", name="Submit testimony", exact=True).click()


def test_resident_submits_with_a_pdf_and_amends(page, open_hearing, tmp_path: Path):
    statement = tmp_path / "statement.pdf"
    statement.write_bytes(make_pdf(pages=2))

    page.goto("/")
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/hearings/{open_hearing}")
    page.get_by_role("link", name="Submit testimony").click()
    page.wait_for_url(f"**/hearings/{open_hearing}/testimony/new")

    fill_testimony_form(page, "Please keep the Dudley branch open on Sundays.")
    page.get_by_label("Attach PDF files (optional)").set_input_files(statement)
    submit_testimony(page)

    page.wait_for_url("**/receipts/**")
    expect(flash(page)).to_contain_text("your testimony was received")
    expect(page.get_by_test_id("tracking-number")).to_have_text(TRACKING)
    tracking = page.get_by_test_id("tracking-number").inner_text()
    expect(page.get_by_role("listitem").filter(has_text="statement.pdf")).to_contain_text("2 pages")

    page.get_by_role("link", name="Amend testimony").click()
    page.wait_for_url("**/amend")
    amended = "Please keep the Dudley branch open on Sundays and on holidays."
    page.get_by_label("Your written testimony").fill(amended)
    page.get_by_label("Why are you changing your testimony?").fill("I forgot holidays.")
    page.get_by_role("button", name="Save amendment").click()

    page.wait_for_url(re.compile(r"/receipts/[^/]+$"))
    expect(flash(page)).to_contain_text("Your testimony was amended.")
    # The current text comes first; the earlier version is kept further down the page.
    expect(page.locator(".testimony-text").first).to_have_text(amended)
    expect(page.get_by_test_id("tracking-number")).to_have_text(tracking)

    stored = db.session.scalars(select(Testimony)).all()
    assert len(stored) == 1, "amending must change the testimony, not add another"
    assert stored[0].tracking_number == tracking
    assert stored[0].body == amended
    assert stored[0].version == 2
    assert [a.original_name for a in stored[0].attachments] == ["statement.pdf"]
    assert stored[0].attachments[0].page_count == 2
    db.session.rollback()


def test_resident_without_testimony_text_is_sent_to_the_error_summary(page, open_hearing):
    page.goto(f"/hearings/{open_hearing}/testimony/new")
    fill_testimony_form(page, "")
    submit_testimony(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Write your testimony.")).to_have_attribute(
        "href", "#body"
    )
    # Focus moves to the summary so keyboard and screen-reader users land on what to fix.
    expect(summary).to_be_focused()
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    # What was typed is kept.
    expect(page.get_by_label("Full name", exact=True)).to_have_value("Rosa Delgado")
    assert count_testimony() == 0


@pytest.fixture
def review_scene(db):
    hearing = make_hearing(title=TITLE)
    bodies = {
        "approve": "The library is where my children do their homework.",
        "reject": "Buy my discount watches at cheap-watches.example.",
        "redact": "Longer hours would help. Call me at 617-555-0142 to talk more.",
    }
    made = {
        key: make_testimony(
            hearing, full_name=f"Resident {key}", email=f"{key}@example.org", body=body
        ).testimony
        for key, body in bodies.items()
    }
    values = {
        "hearing": hearing.id,
        "moderator": make_staff_user(Role.MODERATOR).email,
        "ids": {key: t.id for key, t in made.items()},
        "numbers": {key: t.tracking_number for key, t in made.items()},
        "bodies": bodies,
    }
    commit()
    return values


def decide(page, action: str, *, reason: str | None = None) -> None:
    page.get_by_role("radio", name=action, exact=True).check()
    if reason:
        page.get_by_label("Reason (when rejecting)").select_option(label=reason)
    page.get_by_role("button", name="Save decision").click()
    expect(flash(page)).to_have_text("Decision saved.")


def test_moderator_approves_rejects_and_redacts(page, review_scene):
    scene, numbers = review_scene, review_scene["numbers"]
    phrase = "617-555-0142"
    sign_in(page, scene["moderator"])

    def open_from_queue(key: str) -> None:
        page.get_by_role("link", name=numbers[key], exact=True).click()
        page.wait_for_url(f"**/staff/testimony/{scene['ids'][key]}")

    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(f"**/staff/hearings/{scene['hearing']}/queue")
    open_from_queue("approve")
    decide(page, "Approve")
    expect(page.locator("main .meta").first).to_contain_text("Approved")

    page.get_by_role("link", name="Back to the queue").click()
    open_from_queue("reject")
    decide(page, "Reject", reason="Off-topic")

    page.get_by_role("link", name="Back to the queue").click()
    open_from_queue("redact")
    page.get_by_label("Text to hide from the public (copy it exactly)").fill(phrase)
    page.get_by_role("button", name="Hide this text").click()
    expect(flash(page)).to_have_text("1 passage hidden.")
    # Staff still see the original, marked as hidden from the public.
    expect(page.locator("mark.mark-redacted")).to_have_text(phrase)
    decide(page, "Approve")  # only approved testimony reaches the public page

    ids = scene["ids"]
    approved, rejected, redacted = (db.session.get(Testimony, ids[k]) for k in ids)
    assert approved.status is ReviewStatus.APPROVED
    assert rejected.status is ReviewStatus.REJECTED
    assert rejected.rejection_reason is RejectionReason.OFF_TOPIC
    assert redacted.status is ReviewStatus.APPROVED
    redactions = db.session.scalars(select(Redaction)).all()
    assert [(r.testimony_id, r.removed_at) for r in redactions] == [(ids["redact"], None)]
    assert redacted.body[redactions[0].start_offset : redactions[0].end_offset] == phrase
    db.session.rollback()

    page.goto(f"/hearings/{scene['hearing']}")
    published = page.locator("article.published")
    expect(published).to_have_count(2)
    expect(published.filter(has_text=numbers["approve"])).to_contain_text(
        scene["bodies"]["approve"]
    )
    expect(published.filter(has_text=numbers["redact"])).to_contain_text(
        "Call me at [redacted] to talk more."
    )
    expect(page.locator("main")).not_to_contain_text(phrase)
    expect(page.locator("main")).not_to_contain_text(scene["bodies"]["reject"])


@pytest.fixture
def export_scene(db):
    hearing = make_hearing(title=TITLE)
    text = "Evening hours let shift workers borrow books."
    testimony = make_testimony(hearing, full_name="Denise Okafor", body=text).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    values = {
        "hearing": hearing.id,
        "clerk": make_staff_user(Role.CLERK).email,
        "number": testimony.tracking_number,
        "text": text,
    }
    commit()
    return values


def download_newest(page):
    """Click the newest export's download link (history lists newest first)."""
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"^Download")).first.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def test_clerk_makes_and_downloads_the_packet_and_a_spreadsheet(page, export_scene):
    scene = export_scene
    sign_in(page, scene["clerk"])
    page.get_by_role("link", name="Manage hearings").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Exports", exact=True).click()
    page.wait_for_url(f"**/staff/hearings/{scene['hearing']}/exports")
    expect(page.locator("main table")).to_contain_text("Nothing exported yet.")

    page.get_by_role("button", name="Make the hearing packet (PDF)").click()
    # Making an export leads to its own page, which says when it is ready and offers the file.
    # Tests run exports inline, so the packet is ready when the page comes back.
    expect(flash(page)).to_contain_text("The export has started.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hearing packet, PDF")
    expect(page.locator("main")).to_contain_text("Ready: 1 item.")
    name, data = download_newest(page)
    assert name.endswith(".pdf"), name
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    words = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert TITLE in words
    assert scene["text"] in words

    page.get_by_role("link", name="All exports of this hearing").click()
    expect(page.locator("main tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Make a CSV spreadsheet").click()
    expect(page.locator("main")).to_contain_text("Ready: 1 item.")
    name, data = download_newest(page)
    assert name.endswith(".csv"), name
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [(r["Tracking number"], r["Status"], r["Text"]) for r in rows] == [
        (scene["number"], "approved", scene["text"])
    ]
