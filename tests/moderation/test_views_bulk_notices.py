"""A bulk decision on thousands of letters tells each resident, but not inside the request: the
request queues a job per 500 (its statements grow by the chunk, not by the letter), and the
letters are written once it has answered."""

from __future__ import annotations

from sqlalchemy import event, func, select
from werkzeug.datastructures import MultiDict

from app.platform import jobs
from app.platform.extensions import db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony import review_notices
from app.testimony.services import submit_testimony
from tests.factories import make_hearing, make_submission, signed_in_client
from tests.moderation.test_views_bulk import ask, confirmation_form

LETTERS = 2_100


def count(query) -> int:
    db.session.expire_all()
    value = db.session.scalar(query)
    db.session.commit()
    return value


def published_letters() -> int:
    return count(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == review_notices.PUBLISHED)
    )


def test_approving_two_thousand_letters_queues_their_mail_outside_the_request(app, db):
    hearing = make_hearing()
    now = utcnow()
    for n in range(LETTERS):
        submit_testimony(
            hearing, make_submission(hearing, email=f"resident{n}@example.org"), now=now
        )
    db.session.commit()
    db.session.execute(jobs.Job.__table__.delete())  # their placements and receipts
    db.session.commit()
    browser = signed_in_client(app)
    page = ask(browser, hearing, scope="filter", action="approved")
    assert f"Apply this decision to {LETTERS} testimonies?" in page.text

    statements = []

    def counted(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        response = browser.post(
            f"/staff/hearings/{hearing.id}/queue/bulk", data=MultiDict(confirmation_form(page.text))
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)

    assert response.status_code == 303
    # Five chunks of 500: a few statements each, however many letters they hold.
    assert len(statements) < 80, len(statements)
    assert published_letters() == 0, "no letter is written inside the request"
    notice_jobs = count(select(func.count(jobs.Job.id)).where(jobs.Job.kind == review_notices.JOB))
    assert notice_jobs == 5

    response.close()  # the answer has gone: the jobs run now, as they would after a request

    assert published_letters() == LETTERS
    addresses = count(
        select(func.count(func.distinct(OutboxMessage.to_address))).where(
            OutboxMessage.kind == review_notices.PUBLISHED
        )
    )
    assert addresses == LETTERS
