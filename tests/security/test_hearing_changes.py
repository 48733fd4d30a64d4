"""Changes to a hearing that e-mail every resident (closing testimony early, cancelling) need
the clerk's explicit confirmation, and deadlines after the hearing's start are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.accounts.models import Role
from app.hearings import services
from app.platform.timezones import utcnow
from tests.factories import (
    csrf_token_from,
    edit_hearing_url,
    hearing_fields,
    hearing_url,
    local,
    log_in,
    make_hearing,
    make_staff_user,
    make_testimony,
    post_form,
    snapshot,
)

pytestmark = pytest.mark.usefixtures("isolated_requests")


@pytest.fixture
def browser(client, db):
    clerk = make_staff_user(Role.CLERK, email="clerk@example.gov")
    db.session.commit()
    assert log_in(client, clerk).status_code == 303
    return client


@pytest.mark.parametrize("action", ["close", "cancel"])
@pytest.mark.parametrize("confirm", [None, "", "false"])
def test_closing_or_cancelling_with_a_plain_post_and_no_tick_changes_nothing_and_mails_no_one(
    db, browser, action, confirm
):
    """A forged or stray POST (a valid CSRF token but no confirmation tick, as the old one-click
    button sent) neither closes nor cancels the hearing, and queues no e-mail to residents."""
    hearing = make_hearing()
    make_testimony(hearing, email="resident@example.org")
    db.session.commit()
    token = csrf_token_from(browser.get(hearing_url(hearing)).text)
    before = snapshot(db)
    data = {"csrf_token": token} | ({"confirm": confirm} if confirm is not None else {})

    response = browser.post(f"{hearing_url(hearing)}/{action}", data=data)

    assert response.status_code == 422
    assert "Tick the box to confirm." in response.text
    assert snapshot(db) == before
    assert hearing.is_accepting_testimony(utcnow())


def test_closing_through_a_get_request_is_impossible(db, browser):
    """Following a link (an <img src>, a prefetch) to the action's address cannot close testimony:
    only the confirmation page is shown."""
    hearing = make_hearing()
    make_testimony(hearing)
    db.session.commit()
    before = snapshot(db)

    assert browser.get(f"{hearing_url(hearing)}/close").status_code == 405
    assert browser.get(f"{hearing_url(hearing)}/close/confirm").status_code == 200

    assert snapshot(db) == before  # the outbox included: no e-mail queued


@pytest.mark.parametrize("field", ["testimony_closes_at", "speaker_signup_closes_at"])
def test_a_deadline_after_the_hearing_has_started_is_refused(db, browser, field):
    """A clerk (or a tampered form) cannot set the testimony deadline or the speaker cut-off
    after the hearing starts, which would take testimony on a hearing already held."""
    hearing = make_hearing()
    db.session.commit()
    now = utcnow()
    fields = hearing_fields(
        [m.id for m in hearing.measures],
        starts_at=local(now + timedelta(days=2)),
        testimony_closes_at=local(now + timedelta(days=2)),
    )
    fields[field] = local(now + timedelta(days=30))
    before = snapshot(db)

    response = post_form(browser, edit_hearing_url(hearing), fields)

    assert response.status_code == 200
    assert "Error:" in response.text and f'id="{field}-error"' in response.text
    assert snapshot(db) == before


def test_the_service_refuses_a_deadline_after_the_start_whoever_calls_it(db):
    """The rule lives in the service too, so the command line or an API cannot bypass the form."""
    hearing = make_hearing()
    clerk = make_staff_user(Role.CLERK)
    db.session.commit()
    before = snapshot(db)
    starts = utcnow() + timedelta(days=2)
    details = services.HearingDetails(
        title=hearing.title,
        description="",
        starts_at=starts,
        location="",
        remote_url=None,
        testimony_opens_at=utcnow() - timedelta(days=1),
        testimony_closes_at=starts + timedelta(minutes=1),
        speaker_signup_closes_at=None,
        measure_ids=tuple(m.id for m in hearing.measures),
    )

    with pytest.raises(services.BadWindow, match="no later than the hearing's start"):
        services.save_hearing(clerk, details, hearing=hearing, now=utcnow())

    db.session.rollback()
    assert snapshot(db) == before


def _notices(db, kind: str) -> int:
    from sqlalchemy import func, select

    from app.platform.outbox import OutboxMessage

    return db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
    )


def _meanwhile(db, hearing, **values) -> None:
    """Another clerk's change, committed after this request loaded the hearing: written past
    the loaded object, which still shows the hearing as it was."""
    from sqlalchemy import update

    from app.hearings.models import Hearing

    db.session.execute(
        update(Hearing)
        .where(Hearing.id == hearing.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def test_two_clerks_cancelling_at_once_send_residents_one_notice(db):
    """The second clerk's request loaded the hearing while it was on the calendar; by the time
    it writes, the first has cancelled it (and told everyone): nothing more is written or sent."""
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    make_testimony(hearing, email="ana@example.org")
    db.session.commit()
    assert hearing.cancelled_at is None  # loaded as the second clerk saw it
    _meanwhile(db, hearing, cancelled_at=utcnow())

    told = services.cancel_hearing(clerk, hearing, now=utcnow())

    assert told == 0
    assert _notices(db, "hearing_cancelled") == 0


def test_two_clerks_closing_early_at_once_send_residents_one_notice(db):
    """The second clerk's request loaded the hearing while it was still open; by the time it
    writes, the first has closed it: refused, and nobody is told twice."""
    clerk = make_staff_user(Role.CLERK)
    hearing = make_hearing()
    make_testimony(hearing, email="ana@example.org")
    db.session.commit()
    now = utcnow()
    assert hearing.is_accepting_testimony(now)  # loaded: open, as the second clerk saw it
    _meanwhile(
        db,
        hearing,
        published_closes_at=hearing.testimony_closes_at,
        testimony_closes_at=now - timedelta(seconds=1),
        speaker_signup_closes_at=now - timedelta(seconds=1),
    )

    with pytest.raises(services.BadWindow):
        services.close_window(clerk, hearing, now=now)
    assert _notices(db, "hearing_closed_early") == 0
