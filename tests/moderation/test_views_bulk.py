"""Deciding many testimonies at once from the queue: the ticked rows, or everything matching the
filter. A confirmation page states the count first; nothing changes until it is confirmed."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.moderation.forms import MAX_MATCHING, decode_ids, encode_ids
from app.moderation.models import ReviewDecision
from app.moderation.services import Decision, decide
from app.platform.audit import AuditEvent
from app.testimony.models import Position, RejectionReason, ReviewStatus, Testimony
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

S = ReviewStatus
NOW = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


def queue_url(hearing) -> str:
    return f"/staff/hearings/{hearing.id}/queue"


def bulk_url(hearing) -> str:
    return f"/staff/hearings/{hearing.id}/queue/bulk"


def submitted(hearing, status=S.PENDING, **overrides) -> Testimony:
    made = make_testimony(hearing, now=NOW, **overrides).testimony
    if status is not S.PENDING:
        set_review_status(made, status, now=NOW)
    return made


def statuses(db, *testimonies) -> list[ReviewStatus]:
    db.session.expire_all()
    return [db.session.get(Testimony, t.id).status for t in testimonies]


def snapshot(db) -> tuple:
    db.session.expire_all()
    return (
        sorted(db.session.execute(select(Testimony.id, Testimony.status))),
        db.session.scalar(select(func.count(ReviewDecision.id))),
        db.session.scalar(select(func.count(AuditEvent.id))),
    )


def queue_form(page_html: str) -> dict:
    """The hidden fields the queue's bulk form carries (CSRF token and the current filters)."""
    fields = {"csrf_token": csrf_token_from(page_html)}
    for tag in INPUT.findall(page_html):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and attributes.get("name", "").startswith("f_"):
            fields[attributes["name"]] = html.unescape(attributes["value"])
    return fields


def confirmation_form(page_html: str) -> list[tuple[str, str]]:
    """Every field the confirmation page would post when its button is pressed."""
    form = next(f for f in page_html.split("<form")[1:] if 'name="confirmed"' in f)
    form = form.split("</form>", 1)[0]
    fields = []
    for tag in INPUT.findall(form):
        attributes = dict(ATTRIBUTE.findall(tag))
        if "name" in attributes:
            fields.append((attributes["name"], html.unescape(attributes.get("value", ""))))
    return fields


def ask(browser, hearing, *, query: str = "", ids=(), **fields):
    """Load the queue (with `query`), tick `ids`, choose a decision and press the button."""
    page = browser.get(queue_url(hearing) + (f"?{query}" if query else ""))
    assert page.status_code == 200
    data = queue_form(page.text) | {"scope": "selected", "reason": "", "note": ""} | fields
    pairs = [*data.items(), *(("ids", str(i)) for i in ids)]
    return browser.post(bulk_url(hearing), data=MultiDict(pairs))


def confirm(browser, hearing, confirmation_page):
    return browser.post(
        bulk_url(hearing), data=MultiDict(confirmation_form(confirmation_page.text))
    )


def flashed(browser, response) -> str:
    assert response.status_code == 303
    return browser.get(response.headers["Location"]).text


# The ticked rows


def test_ticked_rows_are_decided_after_the_count_is_confirmed(app, db):
    hearing = make_hearing(now=NOW)
    one, two, three = (submitted(hearing) for _ in range(3))
    moderator = make_staff_user()
    browser = signed_in_client(app, moderator)
    before = snapshot(db)

    page = ask(browser, hearing, ids=[one.id, two.id], action="approved")

    assert page.status_code == 200
    assert "Apply this decision to 2 testimonies?" in page.text
    assert "Decision: <strong>Approve</strong>" in page.text
    assert "Yes, decide 2 testimonies" in page.text
    assert f'href="{queue_url(hearing)}"' in page.text, "a way back without deciding"
    assert snapshot(db) == before, "nothing changes before the confirmation"

    response = confirm(browser, hearing, page)

    assert response.headers["Location"] == queue_url(hearing)
    assert "2 testimonies decided." in flashed(browser, response)
    assert statuses(db, one, two, three) == [S.APPROVED, S.APPROVED, S.PENDING]
    rows = db.session.scalars(select(ReviewDecision).order_by(ReviewDecision.testimony_id)).all()
    assert [(r.testimony_id, r.actor_id, r.from_status, r.to_status) for r in rows] == [
        (one.id, moderator.id, S.PENDING, S.APPROVED),
        (two.id, moderator.id, S.PENDING, S.APPROVED),
    ]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "testimony.bulk_decided")
    ).one()
    assert event.actor == f"user:{moderator.id}"
    assert event.data == {
        "hearing_id": hearing.id,
        "to_status": "approved",
        "decided": 2,
        "skipped": 0,
    }


def test_one_ticked_row_is_counted_in_the_singular(app, db):
    hearing = make_hearing(now=NOW)
    only = submitted(hearing)
    browser = signed_in_client(app)

    page = ask(browser, hearing, ids=[only.id], action="flagged")

    assert "Apply this decision to 1 testimony?" in page.text
    assert "1 testimony decided." in flashed(browser, confirm(browser, hearing, page))
    assert statuses(db, only) == [S.FLAGGED]


def test_ids_of_another_hearing_are_ignored_and_left_untouched(app, db):
    hearing, other = make_hearing(now=NOW), make_hearing(now=NOW)
    mine = submitted(hearing)
    theirs = submitted(other)
    browser = signed_in_client(app)

    page = ask(browser, hearing, ids=[mine.id, theirs.id], action="approved")
    response = confirm(browser, hearing, page)

    assert "1 testimony decided. 1 skipped: already decided or not allowed." in flashed(
        browser, response
    )
    assert statuses(db, mine, theirs) == [S.APPROVED, S.PENDING]
    assert db.session.scalars(select(ReviewDecision.testimony_id)).all() == [mine.id]


def test_rows_that_cannot_take_the_decision_are_skipped_and_counted(app, db):
    hearing = make_hearing(now=NOW)
    pending = submitted(hearing)
    flagged = submitted(hearing, S.FLAGGED)
    already = submitted(hearing, S.APPROVED)
    withdrawn = submitted(hearing, S.WITHDRAWN)
    browser = signed_in_client(app)

    page = ask(
        browser,
        hearing,
        query="status=",  # the queue of every status, where all four are shown
        ids=[pending.id, flagged.id, already.id, withdrawn.id],
        action="approved",
    )
    assert "Apply this decision to 4 testimonies?" in page.text
    response = confirm(browser, hearing, page)

    assert "2 testimonies decided. 2 skipped: already decided or not allowed." in flashed(
        browser, response
    )
    assert statuses(db, pending, flagged, already, withdrawn) == [
        S.APPROVED,
        S.APPROVED,
        S.APPROVED,
        S.WITHDRAWN,
    ]


def test_a_row_decided_by_someone_else_before_the_confirmation_is_skipped(app, db):
    hearing = make_hearing(now=NOW)
    first, second = submitted(hearing), submitted(hearing)
    browser = signed_in_client(app)
    page = ask(browser, hearing, ids=[first.id, second.id], action="approved")
    # Another moderator rejects one while this one reads the confirmation page.
    decide(
        make_staff_user(),
        second,
        Decision(S.REJECTED, RejectionReason.SPAM),
        expected=S.PENDING,
        now=NOW,
    )

    response = confirm(browser, hearing, page)

    # The pending queue showed it as pending: a colleague's rejection is not overruled.
    assert "1 testimony decided. 1 skipped" in flashed(browser, response)
    assert statuses(db, first, second) == [S.APPROVED, S.REJECTED]


def test_rejecting_in_bulk_needs_a_reason_and_applies_it_to_each(app, db):
    hearing = make_hearing(now=NOW)
    one, two = submitted(hearing), submitted(hearing)
    browser = signed_in_client(app)
    before = snapshot(db)

    refused = ask(browser, hearing, ids=[one.id, two.id], action="rejected")

    assert "Choose a reason for rejecting." in flashed(browser, refused)
    assert snapshot(db) == before

    page = ask(browser, hearing, ids=[one.id, two.id], action="rejected", reason="duplicate")
    assert "Decision: <strong>Reject</strong> · Reason: Duplicate" in page.text
    assert snapshot(db) == before
    confirm(browser, hearing, page)

    db.session.expire_all()
    assert {(t.status, t.rejection_reason) for t in (one, two)} == {
        (S.REJECTED, RejectionReason.DUPLICATE)
    }


def test_rejecting_as_other_carries_the_note_through_the_confirmation(app, db):
    hearing = make_hearing(now=NOW)
    one = submitted(hearing)
    browser = signed_in_client(app)
    note = 'Posted to the wrong hearing; see "Docket #0683"'

    missing = ask(browser, hearing, ids=[one.id], action="rejected", reason="other")
    assert "Add a note explaining the reason." in flashed(browser, missing)

    page = ask(browser, hearing, ids=[one.id], action="rejected", reason="other", note=note)
    confirm(browser, hearing, page)

    row = db.session.scalars(select(ReviewDecision)).one()
    assert (row.reason, row.note) == (RejectionReason.OTHER, note)


def test_returning_flagged_rows_to_pending(app, db):
    hearing = make_hearing(now=NOW)
    flagged, pending = submitted(hearing, S.FLAGGED), submitted(hearing)
    browser = signed_in_client(app)

    page = ask(browser, hearing, query="status=", ids=[flagged.id, pending.id], action="pending")
    response = confirm(browser, hearing, page)

    assert "1 testimony decided. 1 skipped" in flashed(browser, response)
    assert statuses(db, flagged, pending) == [S.PENDING, S.PENDING]


def test_nothing_ticked_is_refused_with_a_message(app, db):
    hearing = make_hearing(now=NOW)
    submitted(hearing)
    browser = signed_in_client(app)
    before = snapshot(db)

    response = ask(browser, hearing, action="approved")

    assert "Tick at least one testimony, or choose everything matching the filter." in flashed(
        browser, response
    )
    assert snapshot(db) == before


def test_no_decision_chosen_is_refused_with_a_message(app, db):
    hearing = make_hearing(now=NOW)
    one = submitted(hearing)
    browser = signed_in_client(app)
    before = snapshot(db)

    response = ask(browser, hearing, ids=[one.id], action="")

    assert "Choose a decision." in flashed(browser, response)
    assert snapshot(db) == before


# Superscript and Arabic-Indic digits pass str.isdigit(); the last two overflow an id column.
BAD_IDS = ["²", "\u0661", "abc", "-1", "1.5", "", " 1", "1e3", "9" * 30, "9" * 18, "2147483648"]


def test_ids_that_are_not_numbers_are_no_error(app, db, subtests):
    hearing = make_hearing(now=NOW)
    one = submitted(hearing)
    browser = signed_in_client(app)
    before = snapshot(db)

    for bad in BAD_IDS:
        with subtests.test(bad=bad):
            response = ask(browser, hearing, ids=[bad], action="approved", confirmed="yes")

            assert response.status_code == 303
            assert snapshot(db)[:2] == before[:2]  # (a bulk attempt may be on record)

    with subtests.test("a good id among bad ones"):
        response = ask(browser, hearing, ids=["²", "x", one.id, "9" * 30], action="approved")
        assert "Apply this decision to 1 testimony?" in response.text


def test_an_unknown_hearing_is_not_found(app, db):
    hearing = make_hearing(now=NOW)
    browser = signed_in_client(app)
    page = browser.get(queue_url(hearing))

    response = browser.post(
        "/staff/hearings/999999/queue/bulk",
        data={"csrf_token": csrf_token_from(page.text), "action": "approved", "ids": "1"},
    )

    assert response.status_code == 404


# Everything matching the filter


def test_everything_matching_the_filter_states_the_count_then_decides_exactly_those(app, db):
    hearing, other = make_hearing(now=NOW), make_hearing(now=NOW)
    opposed = [submitted(hearing, position=Position.OPPOSE) for _ in range(3)]
    supporting = submitted(hearing, position=Position.SUPPORT)
    opposed_but_approved = submitted(hearing, S.APPROVED, position=Position.OPPOSE)
    elsewhere = submitted(other, position=Position.OPPOSE)
    browser = signed_in_client(app)
    before = snapshot(db)

    page = ask(browser, hearing, query="position=oppose", scope="filter", action="flagged")

    assert page.status_code == 200
    assert "Apply this decision to 3 testimonies?" in page.text
    assert ("f_position", "oppose") in confirmation_form(page.text)
    assert snapshot(db) == before

    response = confirm(browser, hearing, page)

    assert response.headers["Location"] == queue_url(hearing) + "?position=oppose"
    assert "3 testimonies decided." in flashed(browser, response)
    assert statuses(db, *opposed) == [S.FLAGGED] * 3
    assert statuses(db, supporting, opposed_but_approved, elsewhere) == [
        S.PENDING,
        S.APPROVED,
        S.PENDING,
    ]


def test_everything_matching_any_status_counts_the_ones_it_will_skip(app, db):
    hearing = make_hearing(now=NOW)
    pending = submitted(hearing)
    approved = submitted(hearing, S.APPROVED)
    withdrawn = submitted(hearing, S.WITHDRAWN)
    browser = signed_in_client(app)

    page = ask(browser, hearing, query="status=", scope="filter", action="approved")
    assert "Apply this decision to 3 testimonies?" in page.text
    response = confirm(browser, hearing, page)

    assert "1 testimony decided. 2 skipped" in flashed(browser, response)
    assert statuses(db, pending, approved, withdrawn) == [S.APPROVED, S.APPROVED, S.WITHDRAWN]


def test_everything_on_the_default_queue_means_this_hearings_pending_testimony(app, db):
    hearing, other = make_hearing(now=NOW), make_hearing(now=NOW)
    pending = [submitted(hearing) for _ in range(2)]
    flagged = submitted(hearing, S.FLAGGED)
    elsewhere = submitted(other)
    browser = signed_in_client(app)

    page = ask(browser, hearing, scope="filter", action="approved")
    assert "Apply this decision to 2 testimonies?" in page.text
    confirm(browser, hearing, page)

    assert statuses(db, *pending, flagged, elsewhere) == [
        S.APPROVED,
        S.APPROVED,
        S.FLAGGED,
        S.PENDING,
    ]


def test_search_and_date_filters_carry_through_the_confirmation(app, db):
    hearing = make_hearing(now=NOW)
    match = submitted(hearing, body="Form letter: against face surveillance")
    other_text = submitted(hearing, body="Form letter: keep the library open")
    browser = signed_in_client(app)

    page = ask(
        browser,
        hearing,
        query="q=surveillance&received_from=2025-01-15&received_to=2025-01-15",
        scope="filter",
        action="flagged",
    )
    assert "Apply this decision to 1 testimony?" in page.text
    confirm(browser, hearing, page)

    assert statuses(db, match, other_text) == [S.FLAGGED, S.PENDING]


def test_a_filter_matching_nothing_is_refused_with_a_message(app, db):
    hearing = make_hearing(now=NOW)
    submitted(hearing)
    browser = signed_in_client(app)
    before = snapshot(db)

    response = ask(browser, hearing, query="q=nobody", scope="filter", action="approved")

    assert "Tick at least one testimony" in flashed(browser, response)
    assert snapshot(db) == before


def test_tampered_filter_fields_are_ignored_not_an_error(app, db, subtests):
    hearing = make_hearing(now=NOW)
    submitted(hearing)
    submitted(hearing, S.APPROVED)
    browser = signed_in_client(app)
    before = snapshot(db)

    for fields in [
        {"f_hearing_id": "2"},
        {"f__external": "1"},
        {"f__anchor": "x"},
        {"f_received_from": "garbage", "f_received_to": "9999-12-31"},
        {"f_status": "bogus"},
        {"f_measure": "999999"},
        {"f_q": "\x00"},
        {"f_sort": "id desc"},
    ]:
        with subtests.test(fields=fields):
            page = ask(browser, hearing, scope="filter", action="flagged", **fields)

            assert page.status_code == 200
            assert "Apply this decision to" in page.text
            assert snapshot(db) == before
            back = page.text.split("Cancel", 1)[0].rsplit("href=", 1)[1]
            assert back.startswith(f'"{queue_url(hearing)}'), back


def test_testimony_arriving_after_the_count_is_not_decided_with_it(app, db):
    hearing = make_hearing(now=NOW)
    counted = submitted(hearing)
    browser = signed_in_client(app)
    page = ask(browser, hearing, scope="filter", action="approved")
    assert "Apply this decision to 1 testimony?" in page.text
    newcomer = make_testimony(hearing, now=NOW + timedelta(minutes=5)).testimony

    response = confirm(browser, hearing, page)

    assert "1 testimony decided." in flashed(browser, response)
    assert statuses(db, counted, newcomer) == [S.APPROVED, S.PENDING]


def test_a_row_that_came_to_match_after_the_count_is_not_decided_even_with_a_lower_id(app, db):
    """What is confirmed is the set counted, not "everything up to the newest id": a letter
    that existed but did not match (flagged) and was returned to pending after the count is
    left for its own decision, though its id is lower than the counted ones."""
    hearing = make_hearing(now=NOW)
    returned = submitted(hearing, S.FLAGGED)
    counted = [submitted(hearing) for _ in range(2)]
    browser = signed_in_client(app)
    page = ask(browser, hearing, scope="filter", action="approved")
    assert "Apply this decision to 2 testimonies?" in page.text
    decide(make_staff_user(), returned, Decision(S.PENDING), expected=S.FLAGGED, now=NOW)
    assert returned.id < min(t.id for t in counted)

    response = confirm(browser, hearing, page)

    assert "2 testimonies decided." in flashed(browser, response)
    assert statuses(db, returned, *counted) == [S.PENDING, S.APPROVED, S.APPROVED]


def test_a_counted_row_that_no_longer_matches_is_left_alone_and_counted(app, db):
    hearing = make_hearing(now=NOW)
    first, second, third = (submitted(hearing) for _ in range(3))
    browser = signed_in_client(app)
    page = ask(browser, hearing, query="identity=unconfirmed", scope="filter", action="flagged")
    assert "Apply this decision to 3 testimonies?" in page.text
    # The sender of one confirms their address while the moderator reads the count.
    second.email_confirmed_at = NOW
    db.session.commit()

    response = confirm(browser, hearing, page)

    message = flashed(browser, response)
    assert "2 testimonies decided. 1 skipped: already decided or not allowed." in message
    assert "1 of them no longer matched the filters when you confirmed." in message
    assert statuses(db, first, second, third) == [S.FLAGGED, S.PENDING, S.FLAGGED]


def test_the_confirmation_states_the_filters_it_covers(app, db):
    hearing = make_hearing(now=NOW)
    submitted(hearing, position=Position.OPPOSE, body="Against the <b>surveillance</b> plan")
    browser = signed_in_client(app)

    page = ask(
        browser,
        hearing,
        query="position=oppose&q=surveillance&received_from=2025-01-15&sort=-received",
        scope="filter",
        action="flagged",
    )

    listed = re.findall(r"<dt>([^<]+)</dt><dd><bdi>([^<]*)</bdi></dd>", page.text)
    assert listed == [
        ("Status", "Pending"),
        ("Position", "Oppose"),
        ("Received from", "2025-01-15"),
        ("Search name, organization and text", "surveillance"),
    ]
    assert "Testimony that arrives after this count is not included" in page.text


def test_filters_naming_html_are_stated_as_text(app, db):
    hearing = make_hearing(now=NOW)
    submitted(hearing, body="Written by Tom & Jerry, neighbours")
    browser = signed_in_client(app)

    page = ask(
        browser, hearing, query="q=%3CTom%3E+%26+Jerry&status=", scope="filter", action="flagged"
    )

    assert "<dd><bdi>&lt;Tom&gt; &amp; Jerry</bdi></dd>" in page.text
    assert "<dd><bdi>Any status</bdi></dd>" in page.text


def test_every_row_of_the_page_is_decided_and_only_those(app, db):
    hearing = make_hearing(now=NOW)
    rows = [submitted(hearing) for _ in range(52)]
    browser = signed_in_client(app)
    page = browser.get(queue_url(hearing))
    on_page = [int(i) for i in re.findall(r'name="page_ids" value="(\d+)"', page.text)]
    assert len(on_page) == 50
    fields = queue_form(page.text) | {"scope": "page", "action": "approved"}
    pairs = [*fields.items(), *(("page_ids", str(i)) for i in on_page)]
    # A row ticked as well changes nothing: "this page" is the page's rows.
    pairs.append(("ids", str(rows[-1].id)))

    confirmation = browser.post(bulk_url(hearing), data=MultiDict(pairs))

    assert "Apply this decision to 50 testimonies?" in confirmation.text
    assert "Every testimony that was on the queue page you were reading." in confirmation.text
    response = confirm(browser, hearing, confirmation)
    assert "50 testimonies decided." in flashed(browser, response)
    decided = {t.id for t in rows if statuses(db, t) == [S.APPROVED]}
    assert decided == set(on_page)


DAMAGED_COUNTS = ["", "x!", "0", "1.0", "-5", "zzzzzzz-zzzzzzz", "1..2", "A", "1-", "9" * 40]


def test_a_damaged_count_is_counted_again_never_applied(app, db, subtests):
    hearing = make_hearing(now=NOW)
    pending = [submitted(hearing) for _ in range(2)]
    browser = signed_in_client(app)
    page = ask(browser, hearing, scope="filter", action="approved")
    fields = [(k, v) for k, v in confirmation_form(page.text) if k != "counted"]
    before = snapshot(db)

    for damaged in DAMAGED_COUNTS:
        with subtests.test(counted=damaged):
            response = browser.post(
                bulk_url(hearing), data=MultiDict([*fields, ("counted", damaged)])
            )

            assert response.status_code == 200
            assert "Apply this decision to 2 testimonies?" in response.text
            assert snapshot(db) == before

    assert statuses(db, *pending) == [S.PENDING, S.PENDING]


def test_counted_ids_outside_the_filter_or_the_hearing_are_not_decided(app, db):
    hearing, other = make_hearing(now=NOW), make_hearing(now=NOW)
    mine = submitted(hearing)
    approved = submitted(hearing, S.APPROVED)
    theirs = submitted(other)
    browser = signed_in_client(app)
    page = ask(browser, hearing, scope="filter", action="flagged")
    forged = encode_ids([mine.id, approved.id, theirs.id])
    fields = [(k, forged if k == "counted" else v) for k, v in confirmation_form(page.text)]

    response = browser.post(bulk_url(hearing), data=MultiDict(fields))

    assert "1 testimony decided. 2 skipped" in flashed(browser, response)
    assert statuses(db, mine, approved, theirs) == [S.FLAGGED, S.APPROVED, S.PENDING]


def test_more_than_one_decision_may_cover_asks_to_narrow_the_filters(app, db, monkeypatch):
    monkeypatch.setattr("app.moderation.views.MAX_MATCHING", 2)
    monkeypatch.setattr("app.moderation.forms.MAX_MATCHING", 2)
    hearing = make_hearing(now=NOW)
    rows = [submitted(hearing) for _ in range(3)]
    browser = signed_in_client(app)
    before = snapshot(db)

    page = ask(browser, hearing, scope="filter", action="approved")

    assert "3 testimonies match these filters" in page.text
    assert "One decision can cover at most 2 testimonies." in page.text
    assert 'name="confirmed"' not in page.text, "nothing to confirm"
    # Nor does a forged count of them all get through.
    forged = [*queue_form(page.text).items(), ("scope", "filter"), ("action", "approved")]
    forged += [("confirmed", "yes"), ("counted", encode_ids(t.id for t in rows))]
    again = browser.post(bulk_url(hearing), data=MultiDict(forged))
    assert "One decision can cover at most 2 testimonies." in again.text
    assert snapshot(db) == before


def test_ids_are_carried_compactly_and_read_back_exactly():
    cases = [
        [1],
        [1, 2, 3, 4, 5, 7],
        [5, 3, 9, 9, 2**31 - 1],
        list(range(1000, 21000, 3)),
        [*range(10, 5000), *range(9000, 9100, 7)],
    ]
    for ids in cases:
        encoded = encode_ids(ids)
        assert decode_ids(encoded, limit=MAX_MATCHING) == sorted(set(ids))
        assert re.fullmatch(r"[0-9a-z.-]+", encoded)
    # 20,000 scattered ids fit comfortably in the form's memory limit.
    assert len(encode_ids(range(1, 60_000, 3))) < 100_000
    assert decode_ids(encode_ids(range(1, 10)), limit=5) is None, "more than the limit"
