"""Residents hear back when their testimony is published or not published: one e-mail per
outcome, written once the decision commits, over a real SMTP server; the receipt page says the
same; a reversal before the letter goes out takes the stale letter back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.moderation import services as moderation
from app.moderation.reasons import reason_label
from app.moderation.services import DecidedMeanwhile, Decision
from app.platform import jobs, outbox
from app.platform.extensions import db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import local_time, utcnow
from app.testimony import identity, review_notices
from app.testimony.models import RejectionReason, ReviewStatus, Testimony
from app.testimony.services import amend_testimony, withdraw_testimony
from app.testimony.submissions import Amendment
from tests.factories import (
    make_hearing,
    make_organisation,
    make_staff_user,
    make_testimony,
    run_threads,
)

S = ReviewStatus
LETTERS = (review_notices.PUBLISHED, review_notices.NOT_PUBLISHED)


def settle() -> None:
    """Run what the commits so far left to do (the notice job, then its mail), as the job
    runner does after each request."""
    while jobs.run_committed().done:
        pass


def decide(moderator, testimony, to, reason=None, note=None):
    """A moderator's decision, committed, and its after-commit work run."""
    moderation.decide(
        moderator,
        testimony,
        Decision(to, reason, note),
        expected=testimony.status,
        now=utcnow(),
    )
    db.session.commit()
    settle()


def letters(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.in_(LETTERS)).order_by(OutboxMessage.id)
        )
    )


def delivered(smtp) -> list:
    return [m for m in smtp.handler.messages if "published" in m["Subject"]]


@pytest.fixture
def quiet_mail(config):
    """Letters stay in the outbox until a test delivers them (as when the mail server is
    slow), so a reversal can meet a letter that has not gone out."""
    config["MAIL_DELIVER_AFTER_RESPONSE"] = False


def receipt_path(url: str) -> str:
    return url.removeprefix("https://testimony.example.org")


def link_in(text: str) -> str:
    return next(line for line in text.splitlines() if "/receipts/" in line).strip()


def test_every_reason_has_words_for_the_resident():
    assert set(review_notices.RESIDENT_REASONS) == set(RejectionReason)


def test_published_testimony_is_told_once_over_smtp_and_the_receipt_says_the_same(client, db, smtp):
    smtp.start()
    hearing = make_hearing()
    receipt = make_testimony(hearing, email="denise@example.org")
    moderator = make_staff_user()
    db.session.commit()
    smtp.handler.envelopes.clear()  # the receipt e-mail

    decide(moderator, receipt.testimony, S.APPROVED)

    (message,) = delivered(smtp)
    text = message.get_content()
    testimony = db.session.get(Testimony, receipt.testimony_id)
    assert message["To"] == "denise@example.org"
    assert message["Subject"] == f"Your testimony is published: {testimony.tracking_number}"
    assert "Your testimony is published." in text
    assert "It is on the hearing's public page" in text
    assert hearing.title in text
    deadline = local_time(hearing.testimony_closes_at, hearing.timezone)
    assert f"You can still amend or withdraw it until {deadline}" in text
    link = link_in(text)
    assert link == f"https://testimony.example.org/receipts/{receipt.token}"
    # The private link is kept only until the message is sent.
    assert receipt.token not in letters(db)[0].body_text

    page = client.get(receipt_path(link))
    assert page.status_code == 200
    assert "Your testimony is published." in page.text
    assert f"You can still amend or withdraw it until {deadline}" in page.text


@pytest.mark.parametrize("reason", list(RejectionReason))
def test_a_rejection_gives_the_reason_in_plain_words_and_what_to_do(client, db, smtp, reason):
    smtp.start()
    hearing = make_hearing()
    receipt = make_testimony(hearing)
    db.session.commit()
    smtp.handler.envelopes.clear()

    decide(make_staff_user(), receipt.testimony, S.REJECTED, reason, note="Staff-only note.")

    (message,) = delivered(smtp)
    text = message.get_content()
    words = review_notices.resident_reason(reason)
    assert message["Subject"].startswith("Your testimony was not published: OT-")
    assert "Your testimony was not published." in text
    assert f"It was not published because {words}" in " ".join(text.split())
    deadline = local_time(hearing.testimony_closes_at, hearing.timezone)
    assert f"You can amend it and send it again until {deadline}" in " ".join(text.split())
    assert "Staff-only note." not in text, "the moderator's note stays with staff"
    assert f"reason: {reason_label(reason)}" not in text.lower()

    page = client.get(receipt_path(link_in(text)))
    assert "Your testimony was not published." in page.text
    assert words.replace("'", "&#39;") in page.text
    assert f"/receipts/{receipt.token}/amend" in page.text


def test_after_the_deadline_the_letter_says_so_and_offers_no_amendment(client, db, smtp):
    smtp.start()
    now = utcnow()
    hearing = make_hearing()
    receipt = make_testimony(hearing, now=now)
    hearing.speaker_signup_closes_at = now - timedelta(hours=2)
    hearing.testimony_closes_at = now - timedelta(hours=1)
    db.session.commit()
    smtp.handler.envelopes.clear()

    decide(make_staff_user(), receipt.testimony, S.REJECTED, RejectionReason.OFF_TOPIC)

    text = " ".join(delivered(smtp)[0].get_content().split())
    deadline = local_time(hearing.testimony_closes_at, hearing.timezone)
    assert f"The deadline for testimony passed on {deadline}" in text
    assert "amend it and send it again" not in text
    page = client.get(f"/receipts/{receipt.token}")
    assert "can no longer be amended or sent again" in page.text
    assert f"/receipts/{receipt.token}/amend" not in page.text


def test_deciding_again_to_the_same_end_tells_nothing_more(db, smtp):
    smtp.start()
    receipt = make_testimony(make_hearing())
    moderator = make_staff_user()
    db.session.commit()
    testimony = receipt.testimony

    decide(moderator, testimony, S.APPROVED)
    decide(moderator, testimony, S.FLAGGED)
    decide(moderator, testimony, S.APPROVED)
    # The job run again (a retry after a crash) writes nothing either.
    review_notices.tell([testimony.id], now=utcnow())
    db.session.commit()
    settle()

    assert [m.kind for m in letters(db)] == [review_notices.PUBLISHED]
    assert len(delivered(smtp)) == 1


def test_two_moderators_deciding_at_once_tell_the_resident_once(db, smtp):
    smtp.start()
    receipt = make_testimony(make_hearing())
    first, second = make_staff_user(), make_staff_user()
    db.session.commit()
    testimony = receipt.testimony
    # Both pages showed it pending: the second decision finds it decided and changes nothing.
    moderation.decide(first, testimony, Decision(S.APPROVED), expected=S.PENDING, now=utcnow())
    db.session.commit()
    with pytest.raises(DecidedMeanwhile):
        moderation.decide(second, testimony, Decision(S.APPROVED), expected=S.PENDING, now=utcnow())
    db.session.rollback()
    settle()

    assert len(delivered(smtp)) == 1


def test_a_reversal_before_the_letter_goes_out_takes_it_back(db, smtp, quiet_mail):
    smtp.start()
    receipt = make_testimony(make_hearing())
    moderator = make_staff_user()
    db.session.commit()
    testimony = receipt.testimony

    decide(moderator, testimony, S.APPROVED)
    (approval,) = letters(db)
    assert approval.kind == review_notices.PUBLISHED and approval.sent_at is None
    decide(moderator, testimony, S.REJECTED, RejectionReason.DUPLICATE)
    outbox.deliver_pending()

    assert [m.kind for m in letters(db)] == [review_notices.NOT_PUBLISHED]
    (message,) = delivered(smtp)
    assert "Your testimony was not published." in message.get_content()


@pytest.mark.parametrize("change", ["withdraw", "dispute"])
def test_a_resident_who_withdraws_or_disputes_before_the_letter_goes_out_is_not_told_published(
    app, db, smtp, quiet_mail, change
):
    smtp.start()
    receipt = make_testimony(make_hearing())
    moderator = make_staff_user()
    db.session.commit()
    testimony = receipt.testimony

    decide(moderator, testimony, S.APPROVED)
    (approval,) = letters(db)
    assert approval.sent_at is None
    if change == "withdraw":
        withdraw_testimony(testimony, now=utcnow())
    else:
        with app.test_request_context():  # the moderators' alert links to the review page
            identity.record(testimony, identity.DISPUTE, now=utcnow())
    db.session.commit()
    settle()
    outbox.deliver_pending()

    assert letters(db) == []
    assert delivered(smtp) == []
    if change == "dispute":
        # A moderator keeping it after all: the resident is told then, once.
        identity.keep_disputed(moderator, db.session.get(Testimony, testimony.id), now=utcnow())
        db.session.commit()
        settle()
        outbox.deliver_pending()
        assert [m.kind for m in letters(db)] == [review_notices.PUBLISHED]
        assert len(delivered(smtp)) == 1


def test_sent_back_for_review_before_the_letter_goes_out_tells_nothing(db, smtp, quiet_mail):
    smtp.start()
    receipt = make_testimony(make_hearing())
    moderator = make_staff_user()
    db.session.commit()

    decide(moderator, receipt.testimony, S.REJECTED, RejectionReason.SPAM)
    decide(moderator, receipt.testimony, S.FLAGGED)
    outbox.deliver_pending()

    assert letters(db) == []
    assert delivered(smtp) == []
    # Decided the same way again later, the resident is told then, once.
    decide(moderator, receipt.testimony, S.REJECTED, RejectionReason.SPAM)
    outbox.deliver_pending()
    assert len(delivered(smtp)) == 1


def test_a_letter_already_sent_stays_sent_and_the_next_one_corrects_it(db, smtp):
    smtp.start()
    receipt = make_testimony(make_hearing())
    moderator = make_staff_user()
    db.session.commit()

    decide(moderator, receipt.testimony, S.APPROVED)
    decide(moderator, receipt.testimony, S.REJECTED, RejectionReason.PERSONAL_INFORMATION)

    subjects = [m["Subject"].split(":")[0] for m in delivered(smtp)]
    assert subjects == ["Your testimony is published", "Your testimony was not published"]


def test_a_decision_rolled_back_tells_nobody(db):
    receipt = make_testimony(make_hearing())
    moderator = make_staff_user()
    db.session.commit()
    moderation.decide(
        moderator, receipt.testimony, Decision(S.APPROVED), expected=S.PENDING, now=utcnow()
    )
    db.session.rollback()
    settle()

    assert letters(db) == []
    assert (
        db.session.scalar(
            select(func.count(jobs.Job.id)).where(jobs.Job.kind == review_notices.JOB)
        )
        == 0
    )


def test_an_amended_testimony_decided_again_is_told_again(db, smtp):
    smtp.start()
    receipt = make_testimony(make_hearing())
    moderator = make_staff_user()
    db.session.commit()
    testimony = receipt.testimony

    decide(moderator, testimony, S.APPROVED)
    amend_testimony(
        testimony,
        Amendment(
            measure_id=testimony.measure_id,
            position=testimony.position,
            body="A clearer version.",
            speaking_request=testimony.speaking_request,
            reason="Clearer.",
        ),
        now=utcnow(),
    )
    db.session.commit()
    settle()
    decide(moderator, db.session.get(Testimony, testimony.id), S.APPROVED)

    assert [m.kind for m in letters(db)] == [review_notices.PUBLISHED] * 2


def test_only_residents_who_gave_an_address_of_their_own_are_written_to(db, smtp):
    smtp.start()
    hearing = make_hearing()
    organisation = make_organisation()
    for_the_organisation = make_testimony(hearing, email="", organisation_id=organisation.id)
    sent_with_address = make_testimony(
        hearing, email="rosa@example.org", organisation_id=organisation.id
    )
    removed = make_testimony(hearing, email="gone@example.org")
    disowned = make_testimony(hearing, email="owner@example.org")
    db.session.commit()
    # Retention took the address away (its key stays behind).
    db.session.execute(
        update(Testimony).where(Testimony.id == removed.testimony_id).values(email="")
    )
    disowned.testimony.disputed_at = utcnow()  # "I did not send this"
    db.session.commit()
    smtp.handler.envelopes.clear()

    moderation.decide_many(
        make_staff_user(),
        [r.testimony_id for r in (for_the_organisation, sent_with_address, removed, disowned)],
        Decision(S.APPROVED),
        hearing_id=hearing.id,
        now=utcnow(),
    )
    db.session.commit()
    settle()

    (message,) = delivered(smtp)
    assert message["To"] == "rosa@example.org"
    assert f"{organisation.name} sent this for you through OpenTestimony." in message.get_content()


def test_a_body_that_turned_the_letters_off_sends_none_but_the_receipt_still_says(client, db, smtp):
    smtp.start()
    hearing = make_hearing()
    hearing.committee.body.notify_review_outcomes = False
    receipt = make_testimony(hearing)
    db.session.commit()
    smtp.handler.envelopes.clear()

    decide(make_staff_user(), receipt.testimony, S.REJECTED, RejectionReason.ABUSIVE)

    assert delivered(smtp) == []
    page = client.get(f"/receipts/{receipt.token}")
    assert review_notices.resident_reason(RejectionReason.ABUSIVE) in page.text


def test_a_campaign_decision_tells_each_member(db, smtp):
    from app.moderation.campaign_services import decide_campaign

    smtp.start()
    hearing = make_hearing()
    letter = "Please ban face surveillance in Boston now. " * 5
    members = [
        make_testimony(hearing, body=letter, email=f"member{n}@example.org") for n in range(3)
    ]
    db.session.commit()
    campaign = db.session.get(Testimony, members[0].testimony_id).campaign
    assert campaign is not None
    smtp.handler.envelopes.clear()

    decide_campaign(
        make_staff_user(),
        campaign,
        Decision(S.REJECTED, RejectionReason.DUPLICATE),
        seen_status=S.PENDING,
        now=utcnow(),
    )
    db.session.commit()
    settle()

    assert sorted(m["To"] for m in delivered(smtp)) == [f"member{n}@example.org" for n in range(3)]


def test_two_notice_jobs_at_the_same_moment_write_one_letter(app, db):
    """Two processes running the job for one decision (a lapsed claim taken again while the
    first still runs): the testimony's row lock makes the second see what the first told."""
    receipt = make_testimony(make_hearing())
    db.session.commit()
    set_status = update(Testimony).where(Testimony.id == receipt.testimony_id)
    db.session.execute(set_status.values(status=S.APPROVED))
    db.session.commit()
    start = threading.Barrier(2, timeout=20)

    def job():
        with app.app_context():
            start.wait()
            written = review_notices.tell([receipt.testimony_id], now=utcnow())
            db.session.commit()
            return written

    assert sorted(run_threads(job, job, join_seconds=40)) == [0, 1]
    assert [m.kind for m in letters(db)] == [review_notices.PUBLISHED]
