"""Redaction: the pure span functions, the services that record redactions, and the review page.

Redactions hide passages (a phone number, a neighbour's name) from anything public; staff keep
seeing the original. They belong to one version of the text, so an amendment starts afresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.moderation.models import Redaction
from app.moderation.redaction import Segment, find_phrase, merge_spans, public_text, segments
from app.moderation.services import NothingToRedact, active_spans, redact_phrase, remove_redaction
from app.platform.audit import AuditEvent
from app.testimony.models import Position, ReviewStatus, SpeakingRequest
from app.testimony.services import amend_testimony
from app.testimony.submissions import Amendment
from tests.factories import (
    OwnContextClient,
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

NOW = datetime(2025, 3, 10, 15, 0, tzinfo=UTC)
TEXT = "Call me at 617-555-0100. My neighbour Jane Roe agrees; JANE ROE signed too."


def audit_actions(db, testimony) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "testimonies", AuditEvent.subject_id == testimony.id)
            .order_by(AuditEvent.id)
        )
    )


def count_redactions(db) -> int:
    return db.session.scalar(select(func.count(Redaction.id)))


def amend(testimony, body: str, *, now=NOW + timedelta(hours=1)) -> None:
    amend_testimony(
        testimony,
        Amendment(
            measure_id=testimony.measure_id,
            position=Position.SUPPORT,
            body=body,
            speaking_request=SpeakingRequest.NONE,
            reason="Removed my phone number",
        ),
        now=now,
    )


# merge_spans


def test_merge_sorts_and_merges_overlapping_spans():
    assert merge_spans([(10, 15), (0, 3), (2, 6)], 20) == [(0, 6), (10, 15)]


def test_merge_joins_touching_spans_into_one():
    assert merge_spans([(0, 3), (3, 5), (5, 9)], 20) == [(0, 9)]


def test_merge_keeps_a_span_inside_another_as_the_outer_one():
    assert merge_spans([(0, 10), (2, 4)], 20) == [(0, 10)]


def test_merge_clamps_spans_to_the_text_and_drops_empty_ones():
    assert merge_spans([(-5, 2), (8, 50), (4, 4), (30, 40), (6, 3)], 10) == [(0, 2), (8, 10)]


def test_merge_of_nothing_is_nothing():
    assert merge_spans([], 10) == []
    assert merge_spans([(0, 5)], 0) == []


# segments and public_text


def test_segments_without_spans_is_the_whole_text():
    assert segments("Hello", []) == [Segment("Hello", False)]


def test_segments_of_empty_text_is_one_empty_kept_segment():
    assert segments("", []) == [Segment("", False)]
    assert segments("", [(0, 3)]) == [Segment("", False)]


def test_segments_split_kept_and_hidden_runs_in_order():
    assert segments("abcdefgh", [(0, 2), (5, 6)]) == [
        Segment("ab", True),
        Segment("cde", False),
        Segment("f", True),
        Segment("gh", False),
    ]


def test_segment_running_to_the_end_leaves_no_empty_tail():
    assert segments("abcdef", [(3, 6)]) == [Segment("abc", False), Segment("def", True)]


@pytest.mark.parametrize(
    "spans",
    [[], [(0, 4)], [(3, 9), (5, 12)], [(0, 1), (1, 2), (40, 99)], [(-3, 200)]],
)
def test_segments_always_add_up_to_the_original_text(spans):
    assert "".join(part.text for part in segments(TEXT, spans)) == TEXT


def test_public_text_replaces_each_hidden_run_with_one_marker():
    assert public_text("abcdefgh", [(0, 2), (2, 4), (6, 7)]) == "[redacted]ef[redacted]h"


def test_public_text_with_a_custom_marker():
    assert public_text("my number is 555", [(13, 16)], marker="█") == "my number is █"


def test_public_text_without_spans_is_unchanged():
    assert public_text(TEXT, []) == TEXT


def test_public_text_keeps_nothing_of_what_was_hidden():
    spans = find_phrase(TEXT, "jane roe") + find_phrase(TEXT, "617-555-0100")
    shown = public_text(TEXT, spans)
    assert "Jane" not in shown
    assert "JANE" not in shown
    assert "617" not in shown
    assert shown == "Call me at [redacted]. My neighbour [redacted] agrees; [redacted] signed too."


# find_phrase


def test_find_phrase_finds_every_occurrence_ignoring_case():
    spans = find_phrase(TEXT, "jane roe")
    assert [TEXT[s:e] for s, e in spans] == ["Jane Roe", "JANE ROE"]


def test_find_phrase_of_an_absent_or_empty_phrase_is_nothing():
    assert find_phrase(TEXT, "John Doe") == []
    assert find_phrase(TEXT, "") == []
    assert find_phrase("", "x") == []


def test_find_phrase_finds_adjacent_occurrences_and_they_merge_into_one_marker():
    assert find_phrase("abAB", "ab") == [(0, 2), (2, 4)]
    assert public_text("abAB!", find_phrase("abAB!", "AB")) == "[redacted]!"


def test_overlapping_occurrences_are_hidden_completely():
    # "aba" occurs at 0 and at 2; both must be hidden, so no fragment of either is shown.
    text = "ababa."
    assert find_phrase(text, "aba") == [(0, 3), (2, 5)]
    assert public_text(text, find_phrase(text, "aba")) == "[redacted]."
    assert public_text("xxxx!", find_phrase("xxxx!", "xx")) == "[redacted]!"


def test_find_phrase_ignores_case_in_other_alphabets():
    text = "Σοφία Müller, ΣΟΦΊΑ MÜLLER, софия"
    assert [text[s:e] for s, e in find_phrase(text, "σοφία müller")] == [
        "Σοφία Müller",
        "ΣΟΦΊΑ MÜLLER",
    ]
    assert [text[s:e] for s, e in find_phrase(text, "СОФИЯ")] == ["софия"]


def test_find_phrase_offsets_count_characters_with_emoji_and_right_to_left_text():
    text = "👋🏽 مرحبا، اتصل بي على 555-0100 ‏שלום"
    spans = find_phrase(text, "555-0100")
    assert [text[s:e] for s, e in spans] == ["555-0100"]
    assert "555" not in public_text(text, spans)


def test_find_phrase_still_ignores_case_when_the_text_has_letters_that_fold_longer():
    # "ß" folds to "ss": the text's folded form is longer than the text, which must not cost
    # the case-insensitive match elsewhere in it, nor shift the offsets.
    text = "Ich wohne in der Hauptstraße 5. Rufen Sie Jane Roe an, oder JANE ROE."
    spans = find_phrase(text, "jane roe")
    assert [text[s:e] for s, e in spans] == ["Jane Roe", "JANE ROE"]
    street = find_phrase(text, "HAUPTSTRASSE 5")
    assert [text[s:e] for s, e in street] == ["Hauptstraße 5"]


# The services


def test_redact_phrase_records_every_occurrence_for_the_current_version(db):
    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW, body=TEXT).testimony
    moderator = make_staff_user()

    created = redact_phrase(moderator, testimony, "Jane Roe", now=NOW)

    assert [(r.start_offset, r.end_offset) for r in created] == find_phrase(TEXT, "jane roe")
    assert {r.testimony_version for r in created} == {1}
    assert {r.created_by_id for r in created} == {moderator.id}
    assert {r.created_at for r in created} == {NOW}
    assert sorted(active_spans(testimony)) == find_phrase(TEXT, "jane roe")
    # The original is kept as written: staff still see it.
    assert testimony.body == TEXT


def test_redaction_is_recorded_in_the_audit_log(db):
    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW, body=TEXT).testimony
    moderator = make_staff_user()

    redact_phrase(moderator, testimony, "617-555-0100", now=NOW)

    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.redacted")
    ).one()
    assert event.actor == f"user:{moderator.id}"
    assert (event.subject_type, event.subject_id) == ("testimonies", testimony.id)
    assert event.data == {"spans": [[11, 23]], "version": 1}
    # The hidden text itself is not copied into the log.
    assert "555" not in str(event.data)


def test_redacting_an_absent_phrase_is_refused_and_records_nothing(db):
    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW, body=TEXT).testimony
    moderator = make_staff_user()

    with pytest.raises(NothingToRedact):
        redact_phrase(moderator, testimony, "John Doe", now=NOW)

    assert count_redactions(db) == 0
    assert audit_actions(db, testimony) == ["testimony.submitted"]


def test_removing_a_redaction_shows_the_passage_again_and_is_recorded(db):
    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW, body=TEXT).testimony
    moderator, other = make_staff_user(), make_staff_user()
    first, second = redact_phrase(moderator, testimony, "jane roe", now=NOW)

    remove_redaction(other, first, now=NOW + timedelta(minutes=5))

    assert first.removed_at == NOW + timedelta(minutes=5)
    assert first.removed_by_id == other.id
    assert active_spans(testimony) == [(second.start_offset, second.end_offset)]
    assert "Jane Roe" in public_text(testimony.body, active_spans(testimony))
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.redaction_removed")
    ).one()
    assert event.actor == f"user:{other.id}"
    assert event.subject_id == testimony.id
    assert event.data == {"redaction_id": first.id}


def test_removing_a_removed_redaction_again_changes_nothing(db):
    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW, body=TEXT).testimony
    moderator = make_staff_user()
    (redaction,) = redact_phrase(moderator, testimony, "617-555-0100", now=NOW)
    remove_redaction(moderator, redaction, now=NOW)

    remove_redaction(make_staff_user(), redaction, now=NOW + timedelta(hours=1))

    assert redaction.removed_at == NOW
    assert redaction.removed_by_id == moderator.id
    assert audit_actions(db, testimony).count("testimony.redaction_removed") == 1


def test_redactions_of_an_earlier_version_stop_applying_after_an_amendment(db):
    hearing = make_hearing(now=NOW)
    testimony = make_testimony(hearing, now=NOW, body=TEXT).testimony
    moderator = make_staff_user()
    redact_phrase(moderator, testimony, "617-555-0100", now=NOW)

    amend(testimony, "Call me at 617-555-0100 please. I still support the ban.")

    assert testimony.version == 2
    # The old span (11, 23) would now cut the new text in the wrong place: it is not applied.
    assert active_spans(testimony) == []
    assert count_redactions(db) == 1, "the earlier redaction stays on record"
    (new,) = redact_phrase(moderator, testimony, "617-555-0100", now=NOW + timedelta(hours=2))
    assert new.testimony_version == 2
    assert public_text(testimony.body, active_spans(testimony)) == (
        "Call me at [redacted] please. I still support the ban."
    )


def test_active_spans_for_a_page_matches_active_spans_of_each(db):
    from app.moderation.queries import active_spans_for

    hearing = make_hearing(now=NOW)
    one = make_testimony(hearing, now=NOW, body=TEXT).testimony
    two = make_testimony(hearing, now=NOW, body="Nothing to hide here.").testimony
    three = make_testimony(hearing, now=NOW, body="Jane Roe again").testimony
    moderator = make_staff_user()
    redact_phrase(moderator, one, "jane roe", now=NOW)
    (gone,) = redact_phrase(moderator, three, "jane roe", now=NOW)
    remove_redaction(moderator, gone, now=NOW)

    spans = active_spans_for([one, two, three])

    assert {key: sorted(value) for key, value in spans.items()} == {
        one.id: sorted(active_spans(one)),
        two.id: [],
        three.id: [],
    }
    assert active_spans_for([]) == {}


# The review page


def review_url(testimony) -> str:
    return f"/staff/testimony/{testimony.id}"


def redact_through_page(browser, testimony, phrase: str):
    page = browser.get(review_url(testimony))
    return browser.post(
        f"/staff/testimony/{testimony.id}/redactions",
        data={"csrf_token": csrf_token_from(page.text), "phrase": phrase},
    )


def test_moderator_hides_a_phrase_and_still_sees_the_original(app, db):
    testimony = make_testimony(body=TEXT).testimony
    browser = signed_in_client(app)

    response = redact_through_page(browser, testimony, "JANE ROE")

    assert response.status_code == 303
    assert response.headers["Location"] == review_url(testimony)
    page = browser.get(review_url(testimony))
    assert "2 passages hidden." in page.text
    assert '<mark class="mark-redacted">Jane Roe</mark>' in page.text
    assert '<mark class="mark-redacted">JANE ROE</mark>' in page.text
    assert "617-555-0100" in page.text, "the rest of the text is shown to staff as written"
    assert sorted(active_spans(testimony)) == find_phrase(TEXT, "jane roe")
    assert "testimony.redacted" in audit_actions(db, testimony)


def test_a_phrase_that_is_not_in_the_text_is_refused_on_the_page(app, db):
    testimony = make_testimony(body=TEXT).testimony
    browser = signed_in_client(app)

    response = redact_through_page(browser, testimony, "John Doe")

    assert response.status_code == 200
    assert "That text does not appear in the testimony" in response.text
    assert 'value="John Doe"' in response.text, "the moderator keeps what they typed"
    assert count_redactions(db) == 0


BAD_PHRASES = [
    ("", "Enter the text to hide."),
    ("   ", "Enter the text to hide."),
    ("x" * 501, "Use 500 characters or fewer."),
    ("Jane\x00Roe", "Remove the control characters"),
]


def test_bad_phrases_get_a_clear_error_and_change_nothing(app, db, subtests):
    testimony = make_testimony(body=TEXT).testimony
    browser = signed_in_client(app)

    for phrase, message in BAD_PHRASES:
        with subtests.test(phrase=phrase[:20]):
            response = redact_through_page(browser, testimony, phrase)

            assert response.status_code == 200
            assert message in response.text
            assert count_redactions(db) == 0


def test_moderator_removes_a_redaction_from_the_page(app, db):
    testimony = make_testimony(body=TEXT).testimony
    moderator = make_staff_user(name="Riley Redactor")
    (redaction,) = redact_phrase(moderator, testimony, "617-555-0100", now=NOW)
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))
    assert f'action="/staff/redactions/{redaction.id}/remove"' in page.text
    assert "“617-555-0100”, by Riley Redactor" in page.text

    response = browser.post(
        f"/staff/redactions/{redaction.id}/remove",
        data={"csrf_token": csrf_token_from(page.text)},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == review_url(testimony)
    assert active_spans(testimony) == []
    page = browser.get(review_url(testimony))
    assert "Redaction removed." in page.text
    assert "mark-redacted" not in page.text
    assert "(removed " in page.text
    assert f'action="/staff/redactions/{redaction.id}/remove"' not in page.text


def test_removing_an_unknown_redaction_is_not_found(app, db):
    testimony = make_testimony(body=TEXT).testimony
    browser = signed_in_client(app)
    page = browser.get(review_url(testimony))
    response = browser.post(
        "/staff/redactions/999999/remove", data={"csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 404


def test_after_an_amendment_the_page_shows_the_new_text_unredacted(app, db):
    hearing = make_hearing()
    testimony = make_testimony(hearing, body=TEXT).testimony
    moderator = make_staff_user()
    redact_phrase(moderator, testimony, "617-555-0100", now=NOW)
    amend(testimony, "Call me at 617-555-0100 please.", now=testimony.received_at)
    browser = signed_in_client(app)

    page = browser.get(review_url(testimony))

    assert "Version 2" in page.text
    assert "mark-redacted" not in page.text
    assert "Call me at 617-555-0100 please." in page.text
    # The redaction list covers the current version only; the old one is on record.
    assert "“617-555-0100”, by" not in page.text
    assert count_redactions(db) == 1
    # The earlier version is shown to staff in full.
    assert "Earlier versions" in page.text
    assert TEXT in page.text


def test_redaction_counts_characters_not_bytes_on_the_page(app, db):
    body = "Écrivez-moi : ÉLODIE@example.org 👋 merci"
    testimony = make_testimony(body=body).testimony
    browser = signed_in_client(app)

    response = redact_through_page(browser, testimony, "élodie@example.org")

    assert response.status_code == 303
    assert public_text(testimony.body, active_spans(testimony)) == (
        "Écrivez-moi : [redacted] 👋 merci"
    )
    page = browser.get(review_url(testimony))
    assert '<mark class="mark-redacted">ÉLODIE@example.org</mark>' in page.text


def test_the_public_page_shows_the_marker_and_staff_the_original(app, db):
    hearing = make_hearing()
    testimony = make_testimony(hearing, body=TEXT).testimony
    set_review_status(testimony, ReviewStatus.APPROVED)
    (redaction,) = redact_phrase(make_staff_user(), testimony, "617-555-0100", now=NOW)
    visitor = OwnContextClient(app, app.response_class, use_cookies=True)
    browser = signed_in_client(app)

    public = visitor.get(f"/hearings/{hearing.id}")

    assert "Call me at [redacted]. My neighbour Jane Roe agrees" in public.text
    assert "617-555-0100" not in public.text
    assert "617-555-0100" in browser.get(review_url(testimony)).text

    remove_redaction(make_staff_user(), redaction, now=NOW)
    assert "617-555-0100" in visitor.get(f"/hearings/{hearing.id}").text
