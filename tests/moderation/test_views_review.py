"""The review page of one testimony: what staff see, attachments, decisions through the form,
two moderators at once, notes, and who may use any of the moderation routes at all."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.http import parse_options_header

from app.accounts.models import Role
from app.accounts.services import end_sessions, set_active
from app.moderation.models import ModeratorNote, Redaction, ReviewDecision
from app.moderation.services import Decision, decide, redact_phrase
from app.platform.audit import AuditEvent
from app.platform.file_names import attachment_file_name
from app.platform.storage import file_store
from app.platform.timezones import utcnow
from app.testimony.models import (
    Position,
    QuarantineReason,
    RejectionReason,
    ReviewStatus,
    SpeakingRequest,
    Testimony,
)
from app.testimony.services import amend_testimony, withdraw_testimony
from app.testimony.submissions import Amendment
from app.testimony.tallies import ReviewTally
from tests.factories import (
    OwnContextClient,
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    make_upload,
    set_review_status,
    signed_in_client,
)

S = ReviewStatus
R = RejectionReason


def review_url(testimony) -> str:
    return f"/staff/testimony/{testimony.id}"


def decide_url(testimony) -> str:
    return f"/staff/testimony/{testimony.id}/decide"


def expected_status_on(page_html: str) -> str:
    match = re.search(r'name="expected_status" type="hidden" value="([^"]*)"', page_html)
    assert match, "no expected_status on the page"
    return match.group(1)


def expected_version_on(page_html: str) -> str:
    match = re.search(r'name="expected_version" type="hidden" value="([^"]*)"', page_html)
    assert match, "no expected_version on the page"
    return match.group(1)


def decision_fields(page_html: str, action: str, **extra) -> dict:
    """What the decision form posts, as the page the moderator loaded filled it in."""
    return {
        "csrf_token": csrf_token_from(page_html),
        "expected_status": expected_status_on(page_html),
        "expected_version": expected_version_on(page_html),
        "action": action,
        "reason": "",
        "note": "",
        "then": "stay",
    } | extra


def decide_through_page(browser, testimony, action: str, **extra):
    page = browser.get(review_url(testimony))
    return browser.post(decide_url(testimony), data=decision_fields(page.text, action, **extra))


def state(db) -> dict:
    """Everything a moderation request could change, to compare before and after."""
    db.session.expire_all()
    return {
        "statuses": sorted(
            db.session.execute(select(Testimony.id, Testimony.status, Testimony.rejection_reason))
        ),
        "decisions": db.session.scalar(select(func.count(ReviewDecision.id))),
        "notes": db.session.scalar(select(func.count(ModeratorNote.id))),
        "redactions": sorted(db.session.execute(select(Redaction.id, Redaction.removed_at))),
        "audit": db.session.scalar(select(func.count(AuditEvent.id))),
        "disputes kept": sorted(
            db.session.execute(select(Testimony.id, Testimony.dispute_kept_at))
        ),
        "tallies": sorted(
            db.session.execute(
                select(
                    ReviewTally.hearing_id,
                    ReviewTally.status,
                    ReviewTally.position,
                    ReviewTally.reason,
                    ReviewTally.count,
                )
            )
        ),
    }


# What the page shows


def test_review_page_shows_everything_that_was_submitted(app, db):
    hearing = make_hearing()
    testimony = make_testimony(
        hearing,
        full_name="Denise Okafor",
        email="denise@example.org",
        street_address="12 Example Street",
        city="Dorchester",
        zip_code="02124",
        organization="Digital Fourth",
        speaks_for_organization=True,
        position=Position.OPPOSE,
        body="Face surveillance chills protest.\nPlease vote no.",
        speaking_request=SpeakingRequest.IN_PERSON,
        interpreter_language="Haitian Creole",
        accessibility_need="Step-free access to the chamber",
        uploads=(make_upload("statement.pdf", pages=2),),
    ).testimony
    attachment = testimony.attachments[0]
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony))

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    for text in [
        testimony.tracking_number,
        "Denise Okafor",
        "denise@example.org",
        "12 Example Street",
        "(not to be published)",
        "Dorchester 02124",
        "Digital Fourth",
        "(on its behalf)",
        "Oppose",
        hearing.measures[0].number,
        "Yes, in person",
        "Haitian Creole",
        "Step-free access to the chamber",
        "Face surveillance chills protest.\nPlease vote no.",
        "Status: <strong>Pending</strong>",
        "Version 1",
        "No decisions yet.",
    ]:
        assert text in page.text, text
    link = f'<a href="/staff/attachments/{attachment.id}" download>'
    assert f"{link}<bdi>statement.pdf</bdi></a>" in page.text
    assert "2 pages" in page.text


def test_review_page_shows_html_in_testimony_as_text(app, db):
    testimony = make_testimony(
        body='<script>alert("x")</script> {{ 7*7 }}', full_name="<b>Bold</b>"
    ).testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony))

    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; {{ 7*7 }}" in page.text
    assert "<b>Bold</b>" not in page.text


def test_review_of_an_unknown_testimony_is_not_found(app, db):
    browser = signed_in_client(app)
    assert browser.get("/staff/testimony/999999").status_code == 404


def test_review_page_shows_earlier_versions_with_the_reason_for_each_change(app, db):
    hearing = make_hearing()
    testimony = make_testimony(hearing, body="First thoughts.").testimony
    amend_testimony(
        testimony,
        Amendment(
            measure_id=testimony.measure_id,
            position=Position.NEUTRAL,
            body="Second thoughts.",
            speaking_request=SpeakingRequest.NONE,
            reason="I read the amended draft",
        ),
        now=testimony.received_at + timedelta(minutes=5),
    )
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony))

    assert "Version 2" in page.text
    assert "Second thoughts." in page.text
    earlier = page.text.split("Earlier versions", 1)[1]
    assert "Version 1, replaced" in earlier
    assert "I read the amended draft" in earlier
    assert "First thoughts." in earlier
    assert "Support" in earlier


def test_review_page_shows_the_decision_history(app, db):
    testimony = make_testimony().testimony
    first = make_staff_user(name="Alex First")
    second = make_staff_user(name="Blair Second")
    now = utcnow()
    decide(
        first,
        testimony,
        Decision(S.FLAGGED, note="Looks like a form letter"),
        expected=S.PENDING,
        now=now,
    )
    decide(second, testimony, Decision(S.REJECTED, R.DUPLICATE), expected=S.FLAGGED, now=now)
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony))

    history = page.text.split("Decision history</h2>", 1)[1].split("Private notes</h2>", 1)[0]
    assert "Alex First · Pending → Flagged" in history
    assert "Looks like a form letter" in history
    assert "Blair Second · Flagged → Rejected (Duplicate)" in history
    assert history.index("Alex First") < history.index("Blair Second")
    assert "Status: <strong>Rejected</strong> (Duplicate)" in page.text


def test_review_page_links_to_the_next_pending_testimony(app, db):
    hearing = make_hearing()
    current = make_testimony(hearing).testimony
    next_one = make_testimony(hearing).testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(current))

    assert f'href="/staff/testimony/{next_one.id}" data-key="next"' in page.text
    assert f'href="/staff/hearings/{hearing.id}/queue" data-key="queue"' in page.text
    assert "review-shortcuts.js" in page.text


# Attachments


def attachment_of(testimony):
    return testimony.attachments[0]


def test_attachment_downloads_with_its_name_and_is_never_rendered(app, db):
    upload = make_upload("statement.pdf", pages=3)
    testimony = make_testimony(uploads=(upload,)).testimony
    browser = signed_in_client(app)

    response = browser.get(f"/staff/attachments/{attachment_of(testimony).id}")

    assert response.status_code == 200
    # The cleaned copy of the resident's pages (tests/security/test_hostile_uploads.py).
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 3
    assert response.mimetype == "application/pdf"
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert options["filename"] == "1-statement.pdf"
    policy = response.headers["Content-Security-Policy"]
    assert "sandbox" in [part.strip().split(" ")[0] for part in policy.split(";")]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


NAMES = [
    "Résumé de témoignage.pdf",
    "證詞 testimony.pdf",
    "شهادة.pdf",
    "😀.pdf",
    'a "quoted"; name.pdf',
]


def test_attachment_name_beyond_ascii_is_preserved(app, db, subtests):
    testimony = make_testimony(uploads=tuple(make_upload(name) for name in NAMES[:3])).testimony
    more = make_testimony(uploads=tuple(make_upload(name) for name in NAMES[3:])).testimony
    browser = signed_in_client(app)

    downloads = [
        (item, attachment_file_name(index, item.original_name))
        for owner in (testimony, more)
        for index, item in enumerate(owner.attachments, start=1)
    ]
    for item, name in downloads:
        with subtests.test(name=name):
            response = browser.get(f"/staff/attachments/{item.id}")

            assert response.status_code == 200
            header = response.headers["Content-Disposition"]
            # A WSGI server can only send Latin-1 header values; browsers read filename* as UTF-8.
            assert header.isascii(), header
            disposition, options = parse_options_header(header)
            assert disposition == "attachment"
            assert options["filename"] == name
            if not name.isascii():
                assert f"filename*=UTF-8''{quote(name, safe='')}" in header
    assert sorted(a.original_name for a in [*testimony.attachments, *more.attachments]) == sorted(
        NAMES
    )


def test_attachment_missing_from_storage_is_not_found(app, db):
    testimony = make_testimony(uploads=(make_upload(),)).testimony
    item = attachment_of(testimony)
    path = file_store()._path(item.sha256)
    path.unlink()
    browser = signed_in_client(app)

    assert browser.get(f"/staff/attachments/{item.id}").status_code == 404
    assert browser.get("/staff/attachments/999999").status_code == 404


# Deciding through the form


def test_moderator_approves_from_the_review_page(app, db):
    moderator = make_staff_user(name="Morgan Reviewer")
    testimony = make_testimony().testimony
    browser = signed_in_client(app, moderator)

    response = decide_through_page(browser, testimony, "approved")

    assert response.status_code == 303
    assert response.headers["Location"] == review_url(testimony)
    db.session.expire_all()
    assert testimony.status is S.APPROVED
    row = db.session.scalars(select(ReviewDecision)).one()
    assert (row.actor_id, row.from_status, row.to_status) == (moderator.id, S.PENDING, S.APPROVED)
    page = browser.get(review_url(testimony))
    assert "Decision saved." in page.text
    assert "Status: <strong>Approved</strong>" in page.text
    assert "Morgan Reviewer · Pending → Approved" in page.text


def test_save_and_next_goes_to_the_oldest_other_pending_then_back_to_the_queue(app, db):
    hearing = make_hearing()
    now = utcnow()
    first = make_testimony(hearing, now=now).testimony
    second = make_testimony(hearing, now=now + timedelta(seconds=1)).testimony
    make_testimony(now=now)  # another hearing's: never next
    browser = signed_in_client(app)

    response = decide_through_page(browser, first, "approved", then="next")
    assert response.headers["Location"] == review_url(second)

    response = decide_through_page(browser, second, "flagged", then="next")
    assert response.headers["Location"] == f"/staff/hearings/{hearing.id}/queue"


UNUSABLE_REASONS = [
    ({"reason": ""}, "Choose a reason for rejecting."),
    ({"reason": "other"}, "Add a note explaining the reason."),
    ({"reason": "other", "note": "   "}, "Add a note explaining the reason."),
    ({"reason": "because"}, "Not a valid choice"),
    ({"reason": "spam", "note": "x" * 2001}, "Field cannot be longer than 2000 characters."),
    ({"reason": "spam", "note": "bad\x00note"}, "Remove the control characters"),
]


def test_rejecting_without_a_usable_reason_is_refused_and_changes_nothing(app, db, subtests):
    testimony = make_testimony().testimony
    browser = signed_in_client(app)
    before = state(db)

    for fields, message in UNUSABLE_REASONS:
        with subtests.test(fields=fields):
            response = decide_through_page(browser, testimony, "rejected", **fields)

            assert response.status_code == 200
            assert "There is a problem" in response.text
            assert message in response.text
            assert re.search(r'<input checked [^>]*value="rejected"', response.text), "kept"
            assert state(db) == before


def test_rejecting_as_other_with_a_note_is_recorded(app, db):
    testimony = make_testimony().testimony
    browser = signed_in_client(app)

    response = decide_through_page(
        browser, testimony, "rejected", reason="other", note="Meant for the school committee"
    )

    assert response.status_code == 303
    db.session.expire_all()
    assert (testimony.status, testimony.rejection_reason) == (S.REJECTED, R.OTHER)
    row = db.session.scalars(select(ReviewDecision)).one()
    assert (row.reason, row.note) == (R.OTHER, "Meant for the school committee")
    assert "Meant for the school committee" in browser.get(review_url(testimony)).text


REASON_LABELS = [
    ("spam", "Spam"),
    ("abusive", "Abusive"),
    ("off_topic", "Off-topic"),
    ("duplicate", "Duplicate"),
    ("personal_information", "Personal information"),
]


def test_each_rejection_reason_is_offered_and_recorded(app, db, subtests):
    hearing = make_hearing()
    testimonies = [make_testimony(hearing).testimony for _ in REASON_LABELS]
    browser = signed_in_client(app)

    for testimony, (reason, label) in zip(testimonies, REASON_LABELS, strict=True):
        with subtests.test(reason=reason):
            page = browser.get(review_url(testimony))
            assert f'<option value="{reason}">{label}</option>' in page.text

            response = browser.post(
                decide_url(testimony), data=decision_fields(page.text, "rejected", reason=reason)
            )

            assert response.status_code == 303
            db.session.expire_all()
            assert testimony.rejection_reason is R(reason)
            page = browser.get(review_url(testimony))
            assert f"Status: <strong>Rejected</strong> ({label})" in page.text


OFFERED = [
    (S.PENDING, {"approved", "rejected", "flagged"}),
    (S.FLAGGED, {"approved", "rejected", "pending"}),
    (S.APPROVED, {"rejected", "flagged"}),
    (S.REJECTED, {"approved", "flagged"}),
]


def test_only_allowed_decisions_are_offered(app, db, subtests):
    hearing = make_hearing()
    testimonies = [
        set_review_status(make_testimony(hearing).testimony, status) for status, _ in OFFERED
    ]
    browser = signed_in_client(app)

    for testimony, (status, offered) in zip(testimonies, OFFERED, strict=True):
        with subtests.test(status=status.value):
            page = browser.get(review_url(testimony))

            assert set(re.findall(r'name="action"[^>]*value="(\w+)"', page.text)) == offered
            assert expected_status_on(page.text) == status.value


def test_return_to_pending_from_flagged(app, db):
    testimony = set_review_status(make_testimony().testimony, S.FLAGGED)
    browser = signed_in_client(app)

    response = decide_through_page(browser, testimony, "pending")

    assert response.status_code == 303
    db.session.expire_all()
    assert testimony.status is S.PENDING


def test_a_move_the_table_refuses_gets_a_clear_error_and_changes_nothing(app, db):
    testimony = set_review_status(make_testimony().testimony, S.APPROVED)
    browser = signed_in_client(app)
    before = state(db)

    response = decide_through_page(browser, testimony, "pending")

    assert response.status_code == 409
    assert "A testimony that is approved cannot be marked pending." in response.text
    assert state(db) == before


TAMPERED = [
    ({"action": ""}, "Choose a decision."),
    ({"expected_version": "2"}, "Someone else changed this testimony"),
    ({"expected_version": "9" * 14}, "This form is out of date. Reload the page."),
    ({"expected_version": "v1"}, "This form is out of date. Reload the page."),
    ({"action": "withdrawn"}, "Not a valid choice"),
    ({"action": "deleted"}, "Not a valid choice"),
    ({"expected_status": "gone"}, "This form is out of date. Reload the page."),
    ({"expected_status": ""}, "This field is required."),
]


def test_a_tampered_decision_form_is_refused_and_changes_nothing(app, db, subtests):
    testimony = make_testimony().testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))
    before = state(db)

    for fields, message in TAMPERED:
        with subtests.test(fields=fields):
            response = browser.post(
                decide_url(testimony), data=decision_fields(page.text, "approved") | fields
            )

            assert response.status_code in (200, 409)
            assert message in response.text
            assert state(db) == before


def test_deciding_an_unknown_testimony_is_not_found(app, db):
    testimony = make_testimony().testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))

    response = browser.post(
        "/staff/testimony/999999/decide", data=decision_fields(page.text, "approved")
    )

    assert response.status_code == 404


# Two moderators, one testimony


def test_two_moderators_decide_the_same_testimony_and_the_second_is_told(app, db):
    testimony = make_testimony().testimony
    ana = signed_in_client(app, make_staff_user(name="Ana Early"))
    ben = signed_in_client(app, make_staff_user(name="Ben Later"))
    ana_page = ana.get(review_url(testimony))
    ben_page = ben.get(review_url(testimony))

    first = ana.post(decide_url(testimony), data=decision_fields(ana_page.text, "approved"))
    second = ben.post(
        decide_url(testimony), data=decision_fields(ben_page.text, "rejected", reason="spam")
    )

    assert first.status_code == 303
    assert second.status_code == 409
    assert "Someone else changed this testimony while you were reviewing it" in second.text
    assert "it is now approved. Nothing was changed." in second.text
    assert "<title>Error:" in second.text
    assert "Status: <strong>Approved</strong>" in second.text
    assert "Ana Early · Pending → Approved" in second.text
    db.session.expire_all()
    assert (testimony.status, testimony.rejection_reason) == (S.APPROVED, None)
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 1
    decided = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "testimony.decided")
    )
    assert decided == 1
    # Ben's form now carries the status he has just been shown, so deciding again works.
    assert expected_status_on(second.text) == "approved"
    again = ben.post(
        decide_url(testimony), data=decision_fields(second.text, "rejected", reason="spam")
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert testimony.status is S.REJECTED


def test_two_moderators_making_the_same_decision_are_not_recorded_twice(app, db):
    testimony = make_testimony().testimony
    ana, ben = signed_in_client(app), signed_in_client(app)
    ana_page, ben_page = ana.get(review_url(testimony)), ben.get(review_url(testimony))

    ana.post(decide_url(testimony), data=decision_fields(ana_page.text, "flagged"))
    second = ben.post(decide_url(testimony), data=decision_fields(ben_page.text, "flagged"))

    assert second.status_code == 409
    assert "it is now flagged" in second.text
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 1


def test_a_resident_withdrawing_while_the_page_is_open_wins(app, db):
    testimony = make_testimony().testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))
    withdraw_testimony(testimony, now=utcnow())

    response = browser.post(decide_url(testimony), data=decision_fields(page.text, "approved"))

    assert response.status_code == 409
    assert "The resident withdrew this testimony while you were reviewing it" in response.text
    db.session.expire_all()
    assert testimony.status is S.WITHDRAWN
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 0


def test_an_amendment_while_the_page_is_open_makes_the_decision_stale(app, db):
    testimony = make_testimony(body="I support the ban.").testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))
    assert expected_version_on(page.text) == "1"
    amend_testimony(
        testimony,
        Amendment(
            measure_id=testimony.measure_id,
            position=Position.SUPPORT,
            body="Something the moderator has not read.",
            speaking_request=SpeakingRequest.NONE,
            reason="Changed my mind",
        ),
        now=utcnow(),
    )

    response = browser.post(decide_url(testimony), data=decision_fields(page.text, "approved"))

    assert response.status_code == 409
    assert "Nothing was changed" in response.text
    assert "Something the moderator has not read." in response.text
    db.session.expire_all()
    assert (testimony.status, testimony.version) == (S.PENDING, 2)
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 0
    # Having now been shown version 2, the moderator can decide it.
    assert expected_version_on(response.text) == "2"
    again = browser.post(decide_url(testimony), data=decision_fields(response.text, "approved"))
    assert again.status_code == 303
    db.session.expire_all()
    assert testimony.status is S.APPROVED


def test_a_withdrawn_testimony_offers_no_decision_and_refuses_a_forged_one(app, db):
    testimony = make_testimony().testimony
    withdraw_testimony(testimony, now=utcnow())
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))
    assert "This testimony was withdrawn by the resident and cannot be decided." in page.text
    assert 'id="decision-form"' not in page.text
    before = state(db)

    for claimed in ["withdrawn", "pending", "flagged"]:
        response = browser.post(
            decide_url(testimony),
            data={
                "csrf_token": csrf_token_from(page.text),
                "expected_status": claimed,
                "action": "approved",
            },
        )
        assert response.status_code == 409, claimed

    assert state(db) == before


# Notes


def note_url(testimony) -> str:
    return f"/staff/testimony/{testimony.id}/notes"


def test_moderator_leaves_a_private_note(app, db):
    testimony = make_testimony().testimony
    moderator = make_staff_user(name="Noor Notes")
    browser = signed_in_client(app, moderator)
    page = browser.get(review_url(testimony))

    response = browser.post(
        note_url(testimony),
        data={"csrf_token": csrf_token_from(page.text), "body": "Called her:\r\nshe confirmed."},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == review_url(testimony)
    note = db.session.scalars(select(ModeratorNote)).one()
    assert (note.author_id, note.body) == (moderator.id, "Called her:\nshe confirmed.")
    page = browser.get(review_url(testimony))
    assert "Note added." in page.text
    notes = page.text.split("Private notes</h2>", 1)[1]
    assert "<strong>Noor Notes</strong>" in notes
    assert "Called her:\nshe confirmed." in notes
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.note_added")
    ).one()
    assert event.actor == f"user:{moderator.id}"


BAD_NOTES = [
    ("", "Write the note."),
    ("   \n  ", "Write the note."),
    ("x" * 2001, "Use 2,000 characters or fewer."),
    ("a\x00b", "Remove the control characters"),
]


def test_an_empty_or_bad_note_is_refused_and_changes_nothing(app, db, subtests):
    testimony = make_testimony().testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))
    before = state(db)

    for body, message in BAD_NOTES:
        with subtests.test(body=body[:20]):
            response = browser.post(
                note_url(testimony), data={"csrf_token": csrf_token_from(page.text), "body": body}
            )

            assert response.status_code == 200
            assert message in response.text
            assert state(db) == before


# Who may do what


def moderation_posts(app, testimony, redaction, hearing) -> list[tuple[str, dict]]:
    """Every moderation POST, with fields that would change something if accepted."""
    return [
        (decide_url(testimony), {"action": "approved", "expected_status": "pending"}),
        (note_url(testimony), {"body": "A note"}),
        (f"/staff/testimony/{testimony.id}/redactions", {"phrase": "ban"}),
        (f"/staff/redactions/{redaction.id}/remove", {}),
        (
            f"/staff/hearings/{hearing.id}/queue/bulk",
            {"action": "approved", "ids": str(testimony.id), "confirmed": "yes"},
        ),
        (
            f"/staff/hearings/{hearing.id}/queue/bulk",
            {"action": "approved", "scope": "filter", "confirmed": "yes"},
        ),
        (f"/staff/testimony/{testimony.id}/dispute/keep", {}),
    ]


def test_every_moderation_post_route_is_covered_here(app):
    posts = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("moderation.") and "POST" in rule.methods
    }
    assert posts == {
        "moderation.decide",
        "moderation.add_note",
        "moderation.redact",
        "moderation.remove_redaction",
        "moderation.bulk",
        "moderation.keep_disputed",
    }


@pytest.fixture
def one_of_each(db):
    hearing = make_hearing()
    testimony = make_testimony(hearing, body="I support the ban. The ban is overdue.").testimony
    moderator = make_staff_user()
    (redaction,) = redact_phrase(moderator, testimony, "overdue", now=utcnow())
    testimony.disputed_at = utcnow()  # so that keeping it despite the dispute changes something
    return hearing, testimony, redaction


def test_a_moderation_post_without_a_valid_csrf_token_changes_nothing(
    app, db, config, one_of_each, subtests
):
    hearing, testimony, redaction = one_of_each
    browser = signed_in_client(app)
    mine = csrf_token_from(browser.get(review_url(testimony)).text)
    # A token from another browser's session is as good as none.
    theirs = csrf_token_from(signed_in_client(app).get(review_url(testimony)).text)
    before = state(db)

    for url, fields in moderation_posts(app, testimony, redaction, hearing):
        for label, token in [("none", None), ("empty", ""), ("junk", "x"), ("theirs", theirs)]:
            with subtests.test(url=url, token=label):
                data = fields if token is None else fields | {"csrf_token": token}
                response = browser.post(url, data=data)

                assert response.status_code == 400
                assert state(db) == before

    config["WTF_CSRF_TIME_LIMIT"] = -1  # every token is now past its time
    for url, fields in moderation_posts(app, testimony, redaction, hearing):
        with subtests.test(url=url, token="expired"):
            response = browser.post(url, data=fields | {"csrf_token": mine})

            assert response.status_code == 400
            assert "expired" in response.text.lower()
            assert state(db) == before


def test_the_same_posts_with_a_token_do_change_things(app, db, one_of_each):
    """The control for the test above: its posts are ones that would otherwise be accepted."""
    hearing, testimony, redaction = one_of_each
    browser = signed_in_client(app)
    token = csrf_token_from(browser.get(review_url(testimony)).text)
    for url, fields in moderation_posts(app, testimony, redaction, hearing)[:5]:
        before = state(db)
        response = browser.post(url, data=fields | {"csrf_token": token})
        assert response.status_code == 303, url
        assert state(db) != before, url


def test_get_requests_change_nothing(app, db, one_of_each):
    hearing, testimony, _redaction = one_of_each
    make_testimony(hearing, uploads=(make_upload(),))
    browser = signed_in_client(app)
    attachment = db.session.scalars(select(Testimony)).all()[-1].attachments[0]
    before = state(db)

    for url in [
        "/staff/",
        f"/staff/hearings/{hearing.id}/queue",
        f"/staff/hearings/{hearing.id}/queue?status=&sort=-received&q=ban",
        f"/staff/hearings/{hearing.id}/dashboard",
        review_url(testimony),
        f"/staff/attachments/{attachment.id}",
    ]:
        assert browser.get(url).status_code == 200, url
    for url in [
        decide_url(testimony) + "?action=approved&expected_status=pending",
        note_url(testimony) + "?body=x",
        f"/staff/testimony/{testimony.id}/redactions?phrase=ban",
        f"/staff/hearings/{hearing.id}/queue/bulk?action=approved&scope=filter&confirmed=yes",
    ]:
        assert browser.get(url).status_code == 405, url

    assert state(db) == before


def moderation_gets(hearing, testimony, attachment) -> list[str]:
    return [
        "/staff/",
        f"/staff/hearings/{hearing.id}/queue",
        f"/staff/hearings/{hearing.id}/dashboard",
        review_url(testimony),
        f"/staff/attachments/{attachment.id}",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(app, db):
    hearing = make_hearing()
    testimony = make_testimony(hearing, uploads=(make_upload(),)).testimony
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)

    for url in moderation_gets(hearing, testimony, testimony.attachments[0]):
        response = visitor.get(url)
        assert response.status_code in (302, 303), url
        assert response.headers["Location"] == f"/staff/login?next={quote(url, safe='/')}", url


def test_anonymous_posts_with_a_real_token_are_sent_to_sign_in_and_change_nothing(
    app, db, one_of_each
):
    hearing, testimony, redaction = one_of_each
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)
    # The public testimony form gives anyone a valid token for their own session.
    token = csrf_token_from(visitor.get(f"/hearings/{hearing.id}/testimony/new").text)
    before = state(db)

    for url, fields in moderation_posts(app, testimony, redaction, hearing):
        response = visitor.post(url, data=fields | {"csrf_token": token})
        assert response.status_code in (302, 303), url
        assert response.headers["Location"].startswith("/staff/login?next="), url

    assert state(db) == before


def test_no_role_below_moderator_exists_and_every_route_requires_one(app):
    assert min(Role, key=lambda role: role.rank) is Role.MODERATOR
    endpoints = [e for e in app.view_functions if e.startswith("moderation.")]
    assert endpoints
    for endpoint in endpoints:
        assert app.view_functions[endpoint].required_role is Role.MODERATOR, endpoint


@pytest.mark.parametrize("role", [Role.CLERK, Role.ADMIN])
def test_higher_roles_can_moderate_too(app, db, role):
    testimony = make_testimony().testimony
    browser = signed_in_client(app, make_staff_user(role))

    assert browser.get(review_url(testimony)).status_code == 200
    assert decide_through_page(browser, testimony, "approved").status_code == 303


@pytest.mark.parametrize("how", ["deactivated by an admin", "active flag only", "sessions ended"])
def test_a_deactivated_moderators_session_stops_working(app, db, how):
    hearing = make_hearing()
    testimony = make_testimony(hearing).testimony
    moderator = make_staff_user()
    browser = signed_in_client(app, moderator)
    page = browser.get(review_url(testimony))
    assert page.status_code == 200

    if how == "deactivated by an admin":
        set_active("user:0", moderator, False, now=utcnow())
    elif how == "active flag only":
        moderator.active = False
    else:
        end_sessions(moderator, now=utcnow(), reason="staff.sessions_ended")
    db.session.commit()
    before = state(db)

    queue = browser.get(f"/staff/hearings/{hearing.id}/queue")
    assert queue.status_code in (302, 303)
    assert queue.headers["Location"].startswith("/staff/login")
    response = browser.post(decide_url(testimony), data=decision_fields(page.text, "approved"))
    assert response.status_code in (302, 303, 400)
    assert response.headers.get("Location", "/staff/login").startswith("/staff/login")
    assert state(db) == before


def test_email_and_street_address_are_shown_to_staff_only(app, db):
    hearing = make_hearing()
    testimony = make_testimony(
        hearing,
        full_name="Denise Okafor",
        email="denise@example.org",
        street_address="12 Example Street",
        body="I support the ban on face surveillance.",
    ).testimony
    set_review_status(testimony, S.APPROVED)
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)
    browser = signed_in_client(app)

    public = visitor.get(f"/hearings/{hearing.id}")
    staff = browser.get(review_url(testimony))

    assert "I support the ban on face surveillance." in public.text, "it is published"
    assert "denise@example.org" not in public.text
    assert "12 Example Street" not in public.text
    assert "denise@example.org" in staff.text
    assert "12 Example Street" in staff.text


def test_the_page_has_what_the_keyboard_shortcuts_use_and_works_without_them(app, db):
    hearing = make_hearing()
    testimony = make_testimony(hearing).testimony
    make_testimony(hearing)
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony)).text
    script = browser.get("/static/js/review-shortcuts.js")

    assert script.status_code == 200
    for hook in ['getElementById("decision-form")', "[data-shortcut-help]", '[data-key="next"]']:
        assert hook in script.text
    # The help text is hidden until the script shows it; every action is a real control.
    assert '<p class="kbd-help" hidden data-shortcut-help>' in page
    assert 'id="decision-form"' in page
    assert 'id="reason"' in page
    for value in ["approved", "rejected", "flagged"]:
        assert f'data-key="{value}"' in page
    assert '<button type="submit" class="button button-secondary" name="then" value="next">' in page
    assert 'data-key="next"' in page
    assert 'data-key="queue"' in page
    assert "<script>" not in page, "no inline script: the page works without JavaScript"


# Testimony marked as possibly automated

QUARANTINE_WORDS = {
    QuarantineReason.HIDDEN_FIELD: "a field people cannot see was filled in",
    QuarantineReason.TOO_FAST: "sent faster than a person could fill in the form",
    QuarantineReason.NO_FORM: "sent without the form's opening time",
}


def test_the_review_page_says_why_testimony_was_marked_as_possibly_automated(app, db, subtests):
    assert set(QUARANTINE_WORDS) == set(QuarantineReason)
    browser = signed_in_client(app)

    for reason, words in QUARANTINE_WORDS.items():
        with subtests.test(reason=reason.value):
            testimony = make_testimony().testimony
            testimony.quarantine_reason = reason
            db.session.flush()

            page = browser.get(review_url(testimony))

            assert page.status_code == 200
            assert f"Marked as possibly automated: {words}." in page.text
            assert f'data-quarantine="{reason.value}"' in page.text
            # It can be decided like any other.
            assert 'id="decision-form"' in page.text


def test_testimony_not_marked_shows_no_automation_notice(app, db):
    testimony = make_testimony().testimony
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony))

    assert testimony.quarantine_reason is None
    assert "possibly automated" not in page.text
    assert "data-quarantine" not in page.text
