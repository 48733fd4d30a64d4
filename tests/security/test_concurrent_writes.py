"""Two people writing to one testimony at once: nothing unreviewed is ever published.

Every write to a testimony (amend, withdraw, decide, bulk and campaign decisions, redact,
take-out, keep-despite-dispute) applies to the version and status its author saw, or is refused
with a message that says what changed, and changes nothing. An amendment always sends the
testimony back to review.

Two kinds of test for each pair of writers:

* two threads with their own database connections, on PostgreSQL (SQLite lets one transaction
  write at a time, so two writers there never overlap): either released together by a barrier,
  or with the second writer committing while the first is between reading and writing (the
  slow-upload moment);
* the ordering equivalent, on both databases: A loads the page, B writes, A submits.
"""

from __future__ import annotations

import io
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import StaffUser
from app.moderation import services as moderation
from app.moderation.models import Redaction, ReviewDecision
from app.moderation.services import DecidedMeanwhile, Decision
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony import identity
from app.testimony import services as testimony_services
from app.testimony.models import Position, ReviewStatus, Testimony, TestimonyVersion
from app.testimony.submissions import Amendment
from app.testimony.tallies import ReviewTally
from tests.campaigns import letters as L
from tests.factories import (
    OwnContextClient,
    csrf_token_from,
    make_hearing,
    make_pdf,
    make_staff_user,
    make_testimony,
    run_threads,
    set_review_status,
    signed_in_client,
)

S = ReviewStatus
TIMEOUT = 10
NEW_TEXT = "New words nobody has reviewed: vote for surveillance everywhere."


# Helpers


def postgresql_only(db) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time: two writers never overlap")


def row(db, testimony_id: int) -> Testimony:
    db.session.expire_all()
    return db.session.get(Testimony, testimony_id)


def assert_tallies_match_the_rows(db) -> None:
    """The running counts the public page reads agree with the rows themselves."""
    db.session.expire_all()
    tallies = {
        (t.status, t.position, t.reason): t.count
        for t in db.session.scalars(select(ReviewTally))
        if t.count
    }
    actual = {
        (status.value, position.value, reason.value if reason else ""): number
        for status, position, reason, number in db.session.execute(
            select(
                Testimony.status, Testimony.position, Testimony.rejection_reason, func.count()
            ).group_by(Testimony.status, Testimony.position, Testimony.rejection_reason)
        )
    }
    assert tallies == actual


def never_published_unreviewed(db, testimony_id: int) -> None:
    """If the testimony is approved, the approval was given to the text it has now."""
    testimony = row(db, testimony_id)
    if testimony.status is not S.APPROVED:
        return
    last_approval = db.session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.testimony_id == testimony_id, ReviewDecision.to_status == S.APPROVED)
        .order_by(ReviewDecision.id.desc())
    ).first()
    amended_at = [v.superseded_at for v in testimony.versions]
    assert last_approval is not None
    assert all(when <= last_approval.decided_at for when in amended_at), (
        "approved text was amended after the approval"
    )


def amendment_of(testimony: Testimony, body: str = NEW_TEXT, **changes) -> Amendment:
    values = {
        "measure_id": testimony.measure_id,
        "position": testimony.position,
        "body": body,
        "speaking_request": testimony.speaking_request,
        "reason": "Second thoughts",
    } | changes
    return Amendment(**values)


def in_thread(app, work):
    """Run `work()` in its own application context (own session and connection); return what
    it returns, or the DomainError it raised (after rolling back)."""
    from app.platform.errors import DomainError

    def run():
        # A request context, as the pages have: some writes build links (the dispute alert).
        with app.app_context(), app.test_request_context(method="POST"):
            try:
                result = work()
            except DomainError as error:
                _db.session.rollback()
                return error
            _db.session.commit()
            return result

    return run


class Race:
    """Two writers that each read the testimony, then write it.

    together(): both have read when a barrier releases them to write at once.
    second_first(): the first has read, the second then writes and commits, and only then does
    the first write: the moment a slow upload is checked, made certain.
    """

    def __init__(self, app, testimony_id: int) -> None:
        self.app = app
        self.testimony_id = testimony_id

    def _writer(self, write, before_write):
        def work():
            testimony = _db.session.get(Testimony, self.testimony_id)
            testimony.hearing.measures  # noqa: B018 - everything a page reads, read now
            before_write()
            return write(testimony)

        return in_thread(self.app, work)

    def together(self, first, second) -> list:
        barrier = threading.Barrier(2, timeout=TIMEOUT)
        return run_threads(
            self._writer(first, barrier.wait),
            self._writer(second, barrier.wait),
            join_seconds=TIMEOUT * 3,
        )

    def second_first(self, first, second) -> list:
        first_read, second_done = threading.Event(), threading.Event()

        def first_waits():
            first_read.set()
            assert second_done.wait(TIMEOUT), "the second writer did not finish"

        def second_waits():
            assert first_read.wait(TIMEOUT), "the first writer did not read"

        def second_then_signal():
            try:
                return self._writer(second, second_waits)()
            finally:
                second_done.set()

        return run_threads(
            self._writer(first, first_waits), second_then_signal, join_seconds=TIMEOUT * 3
        )


def staff_id(db) -> int:
    user = make_staff_user()
    db.session.commit()
    return user.id


def actor() -> StaffUser:
    return _db.session.scalars(select(StaffUser).order_by(StaffUser.id)).first()


def amend(body: str = NEW_TEXT, **changes):
    return lambda t: testimony_services.amend_testimony(
        t, amendment_of(t, body, **changes), now=utcnow()
    )


def withdraw(t):
    testimony_services.withdraw_testimony(t, now=utcnow())
    return "withdrawn"


def approve(t):
    return moderation.decide(actor(), t, Decision(S.APPROVED), expected=S.PENDING, now=utcnow()).id


def pending_testimony(db, **overrides) -> Testimony:
    hearing = make_hearing()
    testimony = make_testimony(hearing, now=utcnow() - timedelta(hours=1), **overrides).testimony
    db.session.commit()
    return testimony


def public_page(client, hearing_id: int) -> str:
    return client.get(f"/hearings/{hearing_id}").text


_HIDDEN = re.compile(r"<input\b[^>]*>")


def hidden_fields(html: str, action: str | None = None) -> dict[str, str]:
    """The hidden inputs of the (first) form posting to `action`, as the browser sends them;
    without `action`, of the page's form that posts back to the page itself."""
    if action is None:
        starts = html.split('<form method="post"')[1:]
        form = next(f for f in starts if "action=" not in f.split(">", 1)[0])
    else:
        form = html.split(f'action="{action}"', 1)[1]
    form = form.split("</form>", 1)[0]
    fields = {}
    for tag in _HIDDEN.findall(form):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        fields.setdefault(name, value.group(1) if value else "")
    return fields


def resident_browser(app) -> OwnContextClient:
    return OwnContextClient(app, app.response_class, use_cookies=True)


def amend_form(browser, token: str) -> str:
    page = browser.get(f"/receipts/{token}/amend")
    assert page.status_code == 200
    return page.text


def post_amendment(browser, token: str, page_html: str, testimony: Testimony, **changes):
    fields = hidden_fields(page_html) | {
        "csrf_token": csrf_token_from(page_html),
        "measure_id": str(testimony.measure_id),
        "position": testimony.position.value,
        "body": NEW_TEXT,
        "speaking_request": testimony.speaking_request.value,
        "reason": "I changed my mind.",
    }
    response = browser.post(f"/receipts/{token}/amend", data=fields | changes)
    # A new text with what looks like a phone number is shown back first: send it as it is.
    asked = re.search(r'name="send_as_is" value="([0-9a-f]+)"', response.text)
    if response.status_code == 200 and asked:
        confirmed = fields | changes | {"send_as_is": asked.group(1)}
        response = browser.post(f"/receipts/{token}/amend", data=confirmed)
    return response


# 1. Amendment and decision: the headline


def test_approving_while_an_amendment_uploads_a_slow_pdf_never_publishes_the_new_text(
    app, db, monkeypatch
):
    """The reported attack: start an amendment with a PDF that takes a moment to check and
    approve the pending testimony in that moment. Both may succeed, but the row must end up
    pending review with the new text, never approved, and the public page must not show it."""
    postgresql_only(db)
    from app.testimony import forms as testimony_forms

    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony, token = receipt.testimony, receipt.token
    db.session.commit()
    resident = resident_browser(app)
    moderator = signed_in_client(app)
    form_page = amend_form(resident, token)
    review_page = moderator.get(f"/staff/testimony/{testimony.id}").text
    decide_action = f"/staff/testimony/{testimony.id}/decide"

    checking, approved = threading.Event(), threading.Event()
    check = testimony_forms.check_pdf

    def slow_check(*args, **kwargs):
        checking.set()
        assert approved.wait(TIMEOUT), "the moderator never approved"
        return check(*args, **kwargs)

    monkeypatch.setattr(testimony_forms, "check_pdf", slow_check)

    def resident_amends():
        with app.app_context():
            upload = (io.BytesIO(make_pdf()), "slow.pdf", "application/pdf")
            response = post_amendment(resident, token, form_page, testimony, attachments=upload)
            return response.status_code

    def moderator_approves():
        with app.app_context():
            assert checking.wait(TIMEOUT), "the amendment never reached its upload check"
            try:
                response = moderator.post(
                    decide_action,
                    data=hidden_fields(review_page, decide_action)
                    | {"action": "approved", "then": "stay"},
                )
                return response.status_code
            finally:
                approved.set()

    amended, decided = run_threads(resident_amends, moderator_approves, join_seconds=TIMEOUT * 3)

    assert (amended, decided) == (303, 303)
    now = row(db, testimony.id)
    assert now.body == NEW_TEXT
    assert now.version == 2
    assert now.status is S.PENDING
    never_published_unreviewed(db, testimony.id)
    assert NEW_TEXT not in public_page(resident, now.hearing_id)
    assert_tallies_match_the_rows(db)


def test_an_amendment_and_an_approval_at_the_same_moment_leave_the_new_text_pending(app, db):
    """Two threads released together: whichever commits first, the new text waits for review
    and any approval recorded was of the earlier text."""
    postgresql_only(db)
    testimony = pending_testimony(db)
    staff_id(db)

    results = Race(app, testimony.id).together(amend(), approve)

    assert results[0] is True  # the amendment always goes through
    assert isinstance(results[1], int | DecidedMeanwhile)
    now = row(db, testimony.id)
    assert (now.status, now.version, now.body) == (S.PENDING, 2, NEW_TEXT)
    never_published_unreviewed(db, testimony.id)
    assert_tallies_match_the_rows(db)


def test_an_approval_committed_while_the_amendment_is_prepared_is_undone_by_the_amendment(app, db):
    """The resident's request has read the pending testimony; a moderator approves it and
    commits; the amendment is then written. It must set the status back to pending even
    though, as far as the resident's request read, it already was."""
    postgresql_only(db)
    testimony = pending_testimony(db)
    staff_id(db)

    amended, decided = Race(app, testimony.id).second_first(amend(), approve)

    assert amended is True
    assert isinstance(decided, int)
    now = row(db, testimony.id)
    assert (now.status, now.version, now.body) == (S.PENDING, 2, NEW_TEXT)
    never_published_unreviewed(db, testimony.id)
    assert_tallies_match_the_rows(db)


def test_an_approval_prepared_before_an_amendment_is_refused_after_it(app, db):
    """The moderator's request has read version 1; the resident amends and commits; the
    approval must be refused as out of date, not applied to the new text."""
    postgresql_only(db)
    testimony = pending_testimony(db)
    staff_id(db)

    decided, amended = Race(app, testimony.id).second_first(approve, amend())

    assert amended is True
    assert isinstance(decided, DecidedMeanwhile)
    assert "amended" in str(decided)
    now = row(db, testimony.id)
    assert (now.status, now.version) == (S.PENDING, 2)
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 0


def test_a_moderator_who_read_the_old_text_cannot_approve_the_amended_one(app, db):
    """Ordering: the moderator opens the review page, the resident amends, the moderator
    approves from the page: refused, with the reason, and nothing changes."""
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony = receipt.testimony
    db.session.commit()
    moderator = signed_in_client(app)
    review_page = moderator.get(f"/staff/testimony/{testimony.id}").text
    resident = resident_browser(app)
    assert post_amendment(resident, receipt.token, amend_form(resident, receipt.token), testimony)

    response = moderator.post(
        f"/staff/testimony/{testimony.id}/decide",
        data=hidden_fields(review_page, f"/staff/testimony/{testimony.id}/decide")
        | {"action": "approved", "then": "stay"},
    )

    assert response.status_code == 409
    assert "was amended while you were reviewing it" in response.text
    assert NEW_TEXT in response.text  # the page now shows the new text to review
    now = row(db, testimony.id)
    assert (now.status, now.version) == (S.PENDING, 2)
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 0


def test_a_resident_amending_after_an_approval_sends_it_back_to_review(app, db):
    """Ordering the other way: the resident opens the amend form, a moderator approves the
    text as it was, the resident sends the amendment: it is accepted and waits for review."""
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony = receipt.testimony
    db.session.commit()
    resident = resident_browser(app)
    form_page = amend_form(resident, receipt.token)
    moderator = signed_in_client(app)
    review_page = moderator.get(f"/staff/testimony/{testimony.id}").text
    approved = moderator.post(
        f"/staff/testimony/{testimony.id}/decide",
        data=hidden_fields(review_page, f"/staff/testimony/{testimony.id}/decide")
        | {"action": "approved", "then": "stay"},
    )
    assert approved.status_code == 303
    assert testimony.body in public_page(resident, testimony.hearing_id)

    response = post_amendment(resident, receipt.token, form_page, testimony)

    assert response.status_code == 303
    now = row(db, testimony.id)
    assert (now.status, now.version, now.body) == (S.PENDING, 2, NEW_TEXT)
    page = public_page(resident, now.hearing_id)
    assert NEW_TEXT not in page
    assert_tallies_match_the_rows(db)


# 2. Amendment and withdrawal (and two amendments)


def test_an_amendment_and_a_withdrawal_at_the_same_moment_exactly_one_wins(app, db):
    """Two tabs of one resident: amend in one, withdraw in the other, released together."""
    postgresql_only(db)
    testimony = pending_testimony(db)

    amended, withdrawn = Race(app, testimony.id).together(amend(), withdraw)

    winners = [r for r in (amended, withdrawn) if r in (True, "withdrawn")]
    assert len(winners) == 1, (amended, withdrawn)
    now = row(db, testimony.id)
    if amended is True:
        assert (now.status, now.version, now.body) == (S.PENDING, 2, NEW_TEXT)
        assert "amended" in str(withdrawn)
    else:
        assert (now.status, now.version) == (S.WITHDRAWN, 1)
        assert "withdrawn" in str(amended)
    assert_tallies_match_the_rows(db)


@pytest.mark.parametrize("order", ["amend first", "withdraw first"])
def test_an_amendment_and_a_withdrawal_one_after_the_other_in_one_moment(app, db, order):
    postgresql_only(db)
    testimony = pending_testimony(db)
    race = Race(app, testimony.id)

    if order == "amend first":
        withdrawn, amended = race.second_first(withdraw, amend())
        assert amended is True
        assert isinstance(withdrawn, testimony_services.AmendedMeanwhile)
        assert row(db, testimony.id).status is S.PENDING
    else:
        amended, withdrawn = race.second_first(amend(), withdraw)
        assert withdrawn == "withdrawn"
        assert isinstance(amended, testimony_services.TestimonyLocked)
        now = row(db, testimony.id)
        assert (now.status, now.version) == (S.WITHDRAWN, 1)
    assert_tallies_match_the_rows(db)


def test_two_amendments_from_the_same_version_keep_both_texts_on_record(app, db):
    """Two amendments read version 1; the second to write must not silently replace the
    first one's text: it is refused, and the resident sees the current text."""
    postgresql_only(db)
    testimony = pending_testimony(db)

    late, early = Race(app, testimony.id).second_first(amend("Second text"), amend("First text"))

    assert early is True
    assert isinstance(late, testimony_services.AmendedMeanwhile)
    now = row(db, testimony.id)
    assert (now.version, now.body) == (2, "First text")


def test_a_withdrawal_page_opened_before_an_amendment_withdraws_nothing(app, db):
    """Ordering: the resident opens "withdraw" in one tab, amends in another, then confirms
    the withdrawal from the first tab: refused, as it was about a text that is gone."""
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony, token = receipt.testimony, receipt.token
    db.session.commit()
    resident = resident_browser(app)
    withdraw_page = resident.get(f"/receipts/{token}/withdraw").text
    assert (
        post_amendment(resident, token, amend_form(resident, token), testimony).status_code == 303
    )

    response = resident.post(
        f"/receipts/{token}/withdraw",
        data=hidden_fields(withdraw_page),
        follow_redirects=True,
    )

    assert "was amended meanwhile" in response.text
    now = row(db, testimony.id)
    assert (now.status, now.version) == (S.PENDING, 2)
    assert now.withdrawn_at is None


def test_an_amend_form_opened_before_another_amendment_does_not_overwrite_it(app, db):
    """Ordering: two tabs of the amend form; the first tab's amendment is saved; sending the
    second tab (built from the first version) is refused and changes nothing."""
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony, token = receipt.testimony, receipt.token
    db.session.commit()
    resident = resident_browser(app)
    first_tab, second_tab = amend_form(resident, token), amend_form(resident, token)
    assert post_amendment(resident, token, first_tab, testimony).status_code == 303

    response = post_amendment(resident, token, second_tab, testimony, body="Other words.")

    assert response.status_code == 200
    assert "changed in another window" in response.text
    now = row(db, testimony.id)
    assert (now.version, now.body) == (2, NEW_TEXT)


def test_a_withdrawn_testimony_cannot_be_amended_from_a_form_opened_before(app, db):
    """Ordering: the amend form is open; the testimony is withdrawn from another tab; the
    amendment is refused and the testimony stays withdrawn."""
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony, token = receipt.testimony, receipt.token
    db.session.commit()
    resident = resident_browser(app)
    form_page = amend_form(resident, token)
    withdraw_page = resident.get(f"/receipts/{token}/withdraw").text
    resident.post(
        f"/receipts/{token}/withdraw",
        data=hidden_fields(withdraw_page),
    )

    post_amendment(resident, token, form_page, testimony)

    now = row(db, testimony.id)
    assert (now.status, now.version, now.body) == (S.WITHDRAWN, 1, testimony.body)


# 3. Withdrawal and decision


def test_a_withdrawal_and_an_approval_at_the_same_moment_never_approve_a_withdrawn_testimony(
    app, db
):
    postgresql_only(db)
    testimony = pending_testimony(db)
    staff_id(db)

    withdrawn, decided = Race(app, testimony.id).together(withdraw, approve)

    assert withdrawn == "withdrawn"
    now = row(db, testimony.id)
    assert now.status is S.WITHDRAWN
    if isinstance(decided, DecidedMeanwhile):
        assert "withdrew" in str(decided)
    assert_tallies_match_the_rows(db)


def test_a_withdrawal_after_an_approval_in_the_same_moment_counts_right(app, db):
    """The approval commits while the withdrawal is being prepared: the withdrawal wins and
    the public counts move from approved, not from pending."""
    postgresql_only(db)
    testimony = pending_testimony(db)
    staff_id(db)

    withdrawn, decided = Race(app, testimony.id).second_first(withdraw, approve)

    assert withdrawn == "withdrawn"
    assert isinstance(decided, int)
    assert row(db, testimony.id).status is S.WITHDRAWN
    assert_tallies_match_the_rows(db)


def test_a_moderator_who_loaded_the_page_before_a_withdrawal_is_told_it_was_withdrawn(app, db):
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony, token = receipt.testimony, receipt.token
    db.session.commit()
    moderator = signed_in_client(app)
    review_page = moderator.get(f"/staff/testimony/{testimony.id}").text
    resident = resident_browser(app)
    withdraw_page = resident.get(f"/receipts/{token}/withdraw").text
    resident.post(
        f"/receipts/{token}/withdraw",
        data=hidden_fields(withdraw_page),
    )

    response = moderator.post(
        f"/staff/testimony/{testimony.id}/decide",
        data=hidden_fields(review_page, f"/staff/testimony/{testimony.id}/decide")
        | {"action": "approved", "then": "stay"},
    )

    assert response.status_code == 409
    assert "The resident withdrew this testimony while you were reviewing it" in response.text
    assert row(db, testimony.id).status is S.WITHDRAWN


# 4. Decision and decision (single and bulk)


def test_a_bulk_decision_and_a_single_decision_at_the_same_moment_one_wins(app, db):
    postgresql_only(db)
    testimony = pending_testimony(db)
    staff_id(db)

    def reject_in_bulk(t):
        return moderation.decide_many(
            actor(),
            [t.id],
            Decision(S.REJECTED, reason=moderation.RejectionReason.SPAM),
            hearing_id=t.hearing_id,
            now=utcnow(),
            seen_status=S.PENDING,
        ).decided

    bulk, single = Race(app, testimony.id).together(reject_in_bulk, approve)

    assert (bulk == 1) != isinstance(single, int)
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 1
    assert_tallies_match_the_rows(db)


def test_a_second_moderator_deciding_from_the_same_page_load_is_refused(app, db):
    """Ordering: two moderators open the review page; one rejects; the other's approval is
    refused with the status it now has, and the rejection stands."""
    testimony = pending_testimony(db)
    first, second = signed_in_client(app), signed_in_client(app)
    action = f"/staff/testimony/{testimony.id}/decide"
    pages = [b.get(f"/staff/testimony/{testimony.id}").text for b in (first, second)]
    rejected = first.post(
        action,
        data=hidden_fields(pages[0], action)
        | {"action": "rejected", "reason": "spam", "then": "stay"},
    )
    assert rejected.status_code == 303

    response = second.post(
        action, data=hidden_fields(pages[1], action) | {"action": "approved", "then": "stay"}
    )

    assert response.status_code == 409
    assert "it is now rejected. Nothing was changed." in response.text
    assert row(db, testimony.id).status is S.REJECTED
    assert db.session.scalar(select(func.count(ReviewDecision.id))) == 1


def test_ticked_rows_amended_after_the_queue_was_loaded_are_skipped(app, db):
    """Ordering: the moderator loads the queue, a resident amends one row, the moderator
    approves the ticked rows: the amended one is skipped (it waits for review), the other is
    approved, and the message says so."""
    hearing = make_hearing()
    now = utcnow() - timedelta(hours=1)
    first = make_testimony(hearing, now=now, body="First letter, about cameras.")
    second = make_testimony(hearing, now=now, body="Second letter, about drones.")
    db.session.commit()
    moderator = signed_in_client(app)
    queue = moderator.get(f"/staff/hearings/{hearing.id}/queue?status=pending").text
    resident = resident_browser(app)
    post_amendment(resident, second.token, amend_form(resident, second.token), second.testimony)
    action = f"/staff/hearings/{hearing.id}/queue/bulk"
    fields = hidden_fields(queue, action) | {
        "action": "approved",
        "scope": "selected",
        "ids": [str(first.testimony.id), str(second.testimony.id)],
    }
    confirm = moderator.post(action, data=fields)
    assert confirm.status_code == 200

    response = moderator.post(
        action,
        data=hidden_fields(confirm.text, action) | {"ids": fields["ids"]},
        follow_redirects=True,
    )

    assert "1 testimony decided." in response.text
    assert "amended since you loaded the page" in response.text
    assert row(db, first.testimony.id).status is S.APPROVED
    assert row(db, second.testimony.id).status is S.PENDING
    never_published_unreviewed(db, second.testimony.id)


def test_everything_matching_skips_rows_amended_after_the_count_was_confirmed(app, db):
    """Ordering for "everything matching the filter": the count is shown, a row is then
    amended, the moderator confirms: that row is skipped."""
    hearing = make_hearing()
    now = utcnow() - timedelta(hours=1)
    first = make_testimony(hearing, now=now, body="First letter, about cameras.")
    second = make_testimony(hearing, now=now, body="Second letter, about drones.")
    db.session.commit()
    moderator = signed_in_client(app)
    queue = moderator.get(f"/staff/hearings/{hearing.id}/queue?status=pending").text
    action = f"/staff/hearings/{hearing.id}/queue/bulk"
    confirm = moderator.post(
        action, data=hidden_fields(queue, action) | {"action": "approved", "scope": "filter"}
    )
    assert confirm.status_code == 200
    resident = resident_browser(app)
    post_amendment(resident, second.token, amend_form(resident, second.token), second.testimony)

    moderator.post(action, data=hidden_fields(confirm.text, action))

    assert row(db, first.testimony.id).status is S.APPROVED
    assert row(db, second.testimony.id).status is S.PENDING


# 5. Redaction and amendment


def test_a_redaction_from_a_page_loaded_before_an_amendment_is_refused(app, db):
    """Ordering: the moderator reads version 1 and asks to hide a phrase; meanwhile the
    resident amended. The redaction would land on a text the moderator has not read: it is
    refused with the reason, and nothing is hidden or recorded."""
    body = "Call me on 617-555-0100 about the cameras."
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1), body=body)
    testimony = receipt.testimony
    db.session.commit()
    moderator = signed_in_client(app)
    review_page = moderator.get(f"/staff/testimony/{testimony.id}").text
    resident = resident_browser(app)
    post_amendment(
        resident,
        receipt.token,
        amend_form(resident, receipt.token),
        testimony,
        body="Call me on 617-555-0100 or 617-555-0199 about the cameras.",
    )
    action = f"/staff/testimony/{testimony.id}/redactions"

    response = moderator.post(
        action, data=hidden_fields(review_page, action) | {"phrase": "617-555-0100"}
    )

    assert response.status_code == 409
    assert "was amended while you were reviewing it" in response.text
    assert db.session.scalar(select(func.count(Redaction.id))) == 0


def test_a_redaction_and_an_amendment_at_the_same_moment(app, db):
    """Released together: either the redaction is recorded on the version it was made from
    and the amendment follows, or the redaction is refused; never a redaction of version 1
    reported as hiding text in version 2."""
    postgresql_only(db)
    testimony = pending_testimony(db, body="My number is 617-555-0100.")
    staff_id(db)

    def redact(t):
        return len(moderation.redact_phrase(actor(), t, "617-555-0100", now=utcnow()))

    amended, redacted = Race(app, testimony.id).together(
        amend("My number is 617-555-0100, call me."), redact
    )

    assert amended is True
    rows = db.session.scalars(select(Redaction)).all()
    if isinstance(redacted, DecidedMeanwhile):
        assert rows == []
    else:
        assert [r.testimony_version for r in rows] == [1]


def test_two_moderators_removing_one_redaction_at_once_record_it_once(app, db):
    postgresql_only(db)
    testimony = pending_testimony(db, body="My number is 617-555-0100.")
    staff_id(db)
    (redaction,) = moderation.redact_phrase(
        actor(), row(db, testimony.id), "617-555-0100", now=utcnow()
    )
    db.session.commit()
    redaction_id = redaction.id

    def remove(_t):
        moderation.remove_redaction(actor(), _db.session.get(Redaction, redaction_id), now=utcnow())
        return "removed"

    Race(app, testimony.id).together(remove, remove)

    removals = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "testimony.redaction_removed")
    )
    assert removals == 1


# 6. Campaign decision and amendment, and take-out and campaign decision


def campaign_with(hearing, count: int = 3) -> list:
    receipts = [
        make_testimony(
            hearing,
            now=utcnow() - timedelta(hours=1),
            body=L.CRUDE_EXPORT,
            full_name=f"Writer {n}",
            email=f"writer{n}@example.net",
        )
        for n in range(count)
    ]
    campaign_ids = {r.testimony.campaign_id for r in receipts}
    assert len(campaign_ids) == 1 and None not in campaign_ids
    return receipts


def test_a_campaign_approval_skips_a_member_amended_after_the_page_was_read(app, db):
    """Ordering: the moderator reads the campaign page; one member then changes their
    position (the words stay the same, so it stays in the campaign); approving the campaign
    must not approve the changed member."""
    hearing = make_hearing()
    receipts = campaign_with(hearing)
    db.session.commit()
    campaign_id = receipts[0].testimony.campaign_id
    moderator = signed_in_client(app)
    page = moderator.get(f"/staff/campaigns/{campaign_id}").text
    changed = receipts[1]
    resident = resident_browser(app)
    assert changed.testimony.position is Position.SUPPORT
    amended = post_amendment(
        resident,
        changed.token,
        amend_form(resident, changed.token),
        changed.testimony,
        body=L.CRUDE_EXPORT,
        position=Position.OPPOSE.value,
    )
    assert amended.status_code == 303
    assert (row(db, changed.testimony.id).campaign_id, row(db, changed.testimony.id).version) == (
        campaign_id,
        2,
    )
    action = f"/staff/campaigns/{campaign_id}/decide"

    response = moderator.post(
        action,
        data=hidden_fields(page, action) | {"members": "pending", "action": "approved"},
        follow_redirects=True,
    )

    assert "2 testimonies decided." in response.text
    assert row(db, changed.testimony.id).status is S.PENDING
    never_published_unreviewed(db, changed.testimony.id)
    assert [row(db, r.testimony.id).status for r in (receipts[0], receipts[2])] == [
        S.APPROVED,
        S.APPROVED,
    ]


def test_a_campaign_approval_and_a_member_amendment_at_the_same_moment(app, db):
    """The member amends while the campaign decision is being made; whichever goes first,
    the amended text is not approved."""
    postgresql_only(db)
    hearing = make_hearing()
    receipts = campaign_with(hearing)
    db.session.commit()
    staff_id(db)
    campaign_id = receipts[0].testimony.campaign_id
    member = receipts[1].testimony

    def approve_campaign(_t):
        from app.campaigns.models import Campaign
        from app.moderation import campaign_services as campaigns

        campaign = _db.session.get(Campaign, campaign_id)
        return campaigns.decide_campaign(
            actor(), campaign, Decision(S.APPROVED), seen_status=S.PENDING, now=utcnow()
        ).decided

    for order in ("together", "second_first"):
        set_review_status(row(db, member.id), S.PENDING)
        db.session.commit()
        getattr(Race(app, member.id), order)(
            amend(L.CRUDE_EXPORT, position=Position.OPPOSE), approve_campaign
        )
        never_published_unreviewed(db, member.id)
    assert_tallies_match_the_rows(db)


def test_a_member_taken_out_while_the_campaign_is_approved_is_not_approved_with_it(app, db):
    """One moderator takes a wrongly grouped letter out of the campaign while another
    approves the campaign: the letter taken out is left for its own review."""
    postgresql_only(db)
    from app.campaigns.models import Campaign
    from app.moderation import campaign_services as campaigns

    hearing = make_hearing()
    receipts = campaign_with(hearing)
    db.session.commit()
    staff_id(db)
    campaign_id = receipts[0].testimony.campaign_id
    member_id = receipts[2].testimony.id
    members_read, taken_out = threading.Event(), threading.Event()
    read_members = campaigns.member_ids

    def members_then_wait(*args, **kwargs):
        ids = read_members(*args, **kwargs)
        members_read.set()
        assert taken_out.wait(TIMEOUT), "the take-out did not finish"
        return ids

    def approve_campaign():
        campaign = _db.session.get(Campaign, campaign_id)
        return campaigns.decide_campaign(
            actor(), campaign, Decision(S.APPROVED), seen_status=S.PENDING, now=utcnow()
        ).decided

    def take_out():
        assert members_read.wait(TIMEOUT)
        try:
            campaign = _db.session.get(Campaign, campaign_id)
            testimony = _db.session.get(Testimony, member_id)
            return campaigns.split_member(actor(), campaign, testimony, now=utcnow())
        finally:
            _db.session.commit()
            taken_out.set()

    campaigns.member_ids = members_then_wait
    try:
        decided, _dissolved = run_threads(
            in_thread(app, approve_campaign), in_thread(app, take_out), join_seconds=TIMEOUT * 3
        )
    finally:
        campaigns.member_ids = read_members

    assert decided == 2
    now = row(db, member_id)
    assert (now.campaign_id, now.kept_apart, now.status) == (None, True, S.PENDING)


def test_two_moderators_taking_out_the_same_member_record_it_once(app, db):
    postgresql_only(db)
    from app.campaigns.models import Campaign
    from app.moderation import campaign_services as campaigns

    hearing = make_hearing()
    receipts = campaign_with(hearing)
    db.session.commit()
    staff_id(db)
    campaign_id = receipts[0].testimony.campaign_id

    def take_out(t):
        return campaigns.split_member(
            actor(), _db.session.get(Campaign, campaign_id), t, now=utcnow()
        )

    results = Race(app, receipts[1].testimony.id).together(take_out, take_out)

    assert sum(isinstance(r, campaigns.NotInCampaign) for r in results) == 1
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "campaign.member_split")
        )
        == 1
    )


def test_two_moderators_putting_a_letter_back_at_once_record_it_once(app, db):
    postgresql_only(db)
    from app.campaigns.models import Campaign
    from app.moderation import campaign_services as campaigns

    hearing = make_hearing()
    receipts = campaign_with(hearing)
    db.session.commit()
    staff_id(db)
    member_id = receipts[1].testimony.id
    campaign = db.session.get(Campaign, receipts[0].testimony.campaign_id)
    campaigns.split_member(actor(), campaign, row(db, member_id), now=utcnow())
    db.session.commit()

    def put_back(t):
        return campaigns.put_back(actor(), t, now=utcnow())

    Race(app, member_id).together(put_back, put_back)

    now = row(db, member_id)
    assert now.kept_apart is False and now.campaign_id is not None
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "campaign.member_put_back")
        )
        == 1
    )


def test_a_letter_taken_out_after_the_campaign_page_was_read_is_not_decided_with_it(app, db):
    """Ordering: a moderator reads the campaign page; another takes a letter out; the first
    approves the campaign: the letter taken out waits for its own review."""
    hearing = make_hearing()
    receipts = campaign_with(hearing)
    db.session.commit()
    campaign_id = receipts[0].testimony.campaign_id
    first, second = signed_in_client(app), signed_in_client(app)
    page = first.get(f"/staff/campaigns/{campaign_id}").text
    taken = receipts[2].testimony
    split = f"/staff/campaigns/{campaign_id}/members/{taken.id}/split"
    other_page = second.get(f"/staff/campaigns/{campaign_id}").text
    assert second.post(split, data=hidden_fields(other_page, split)).status_code == 303
    action = f"/staff/campaigns/{campaign_id}/decide"

    first.post(
        action, data=hidden_fields(page, action) | {"members": "pending", "action": "approved"}
    )

    assert row(db, taken.id).status is S.PENDING
    assert [row(db, r.testimony.id).status for r in receipts[:2]] == [S.APPROVED, S.APPROVED]


# 7. Dispute, confirm, keep


def test_a_dispute_and_an_approval_at_the_same_moment_keep_it_off_the_public_page(app, db):
    """The sender's address says "I did not send this" while a moderator approves: both are
    recorded, and the testimony stays unpublished until a moderator keeps it."""
    postgresql_only(db)
    testimony = pending_testimony(db)
    staff_id(db)

    def dispute(t):
        return identity.record(t, identity.DISPUTE, now=utcnow())

    disputed, decided = Race(app, testimony.id).together(dispute, approve)

    assert disputed is True and isinstance(decided, int)
    now = row(db, testimony.id)
    assert now.is_disputed and now.status is S.APPROVED
    assert testimony.body not in public_page(resident_browser(app), now.hearing_id)


def test_an_approval_from_a_page_loaded_before_a_dispute_does_not_publish_it(app, db):
    """Ordering: the moderator opens the review page, the sender's address disputes the
    testimony, the moderator approves: the approval is recorded, but the testimony stays off
    the public page until a moderator keeps it despite the dispute."""
    testimony = pending_testimony(db)
    moderator = signed_in_client(app)
    action = f"/staff/testimony/{testimony.id}/decide"
    page = moderator.get(f"/staff/testimony/{testimony.id}").text
    with app.test_request_context(method="POST"):
        assert identity.record(row(db, testimony.id), identity.DISPUTE, now=utcnow())
    db.session.commit()

    moderator.post(
        action, data=hidden_fields(page, action) | {"action": "approved", "then": "stay"}
    )

    now = row(db, testimony.id)
    assert (now.status, now.is_disputed) == (S.APPROVED, True)
    assert testimony.body not in public_page(resident_browser(app), now.hearing_id)


def test_two_confirmations_or_disputes_at_the_same_moment_are_recorded_once(app, db):
    postgresql_only(db)
    testimony = pending_testimony(db)

    for purpose, action in (
        (identity.CONFIRM, "testimony.email_confirmed"),
        (identity.DISPUTE, "testimony.disputed"),
    ):

        def press(t, purpose=purpose):
            return identity.record(t, purpose, now=utcnow())

        results = Race(app, testimony.id).together(press, press)

        assert sorted(results) == [False, True]
        assert (
            db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))
            == 1
        )


def test_two_moderators_keeping_a_disputed_testimony_at_once_record_it_once(app, db):
    postgresql_only(db)
    testimony = pending_testimony(db)
    with app.test_request_context(method="POST"):
        identity.record(row(db, testimony.id), identity.DISPUTE, now=utcnow())
    db.session.commit()
    staff_id(db)

    def keep(t):
        return identity.keep_disputed(actor(), t, now=utcnow())

    results = Race(app, testimony.id).together(keep, keep)

    assert sorted(results) == [False, True]
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "testimony.dispute_kept")
        )
        == 1
    )


def test_keeping_a_disputed_testimony_does_not_publish_an_amendment_made_meanwhile(app, db):
    """Ordering: the moderator reads the disputed testimony; it is amended; the moderator
    keeps it. The new text still waits for review."""
    receipt = make_testimony(make_hearing(), now=utcnow() - timedelta(hours=1))
    testimony = receipt.testimony
    set_review_status(testimony, S.APPROVED)
    with app.test_request_context(method="POST"):
        identity.record(testimony, identity.DISPUTE, now=utcnow())
    db.session.commit()
    moderator = signed_in_client(app)
    review_page = moderator.get(f"/staff/testimony/{testimony.id}").text
    resident = resident_browser(app)
    post_amendment(resident, receipt.token, amend_form(resident, receipt.token), testimony)
    action = f"/staff/testimony/{testimony.id}/dispute/keep"

    moderator.post(action, data=hidden_fields(review_page, action))

    now = row(db, testimony.id)
    assert now.status is S.PENDING
    assert NEW_TEXT not in public_page(resident, now.hearing_id)


# Nothing above may leave versions without their record


def test_every_amendment_that_went_through_kept_the_text_it_replaced(app, db):
    """Ordering on both databases, through the services: an amendment from a stale version
    number changes nothing and keeps no half-written version row."""
    testimony = pending_testimony(db)
    testimony_services.amend_testimony(
        row(db, testimony.id), amendment_of(testimony, "First text"), now=utcnow()
    )
    db.session.commit()

    with pytest.raises(testimony_services.AmendedMeanwhile):
        testimony_services.amend_testimony(
            row(db, testimony.id), amendment_of(testimony, "Second"), now=utcnow(), seen_version=1
        )
    db.session.rollback()

    now = row(db, testimony.id)
    assert (now.version, now.body) == (2, "First text")
    assert db.session.scalar(select(func.count(TestimonyVersion.id))) == 1
