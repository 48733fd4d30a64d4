"""A body's setting "E-mail residents when their testimony is published or not published": on by
default (existing bodies too), changed by a clerk on the body's page, every change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from app.accounts.models import Role
from app.hearings.models import Body
from app.platform.audit import AuditEvent
from tests.factories import log_in, make_body, make_staff_user, post_form

pytestmark = pytest.mark.usefixtures("isolated_requests", "fast_hashing")

SETTING = "E-mail residents when their testimony is published or not published"
ACTION = "body.review_outcome_mail_changed"


@pytest.fixture
def clerk(db):
    user = make_staff_user(Role.CLERK)
    db.session.commit()
    return user


@pytest.fixture
def browser(client, clerk):
    assert log_in(client, clerk).status_code == 303
    return client


def fields(**overrides) -> dict:
    return {
        "name": "Boston City Council",
        "jurisdiction": "City of Boston",
        "timezone": "America/New_York",
    } | overrides


def checkbox(page: str) -> str:
    """The setting's <input> tag."""
    start = page.index('name="notify_review_outcomes"')
    return page[page.rindex("<input", 0, start) : page.index(">", start)]


def changes(db) -> list[tuple[str, dict]]:
    db.session.expire_all()
    return [
        (event.actor, event.data)
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == ACTION).order_by(AuditEvent.id)
        )
    ]


def test_a_body_stored_without_the_setting_has_it_on(db):
    # What the migration's server default gives every body that existed before it.
    body_id = db.session.execute(
        insert(Body.__table__)
        .values(slug="older", name="Older Council", jurisdiction="City", timezone="UTC")
        .returning(Body.__table__.c.id)
    ).scalar_one()
    assert db.session.get(Body, body_id).notify_review_outcomes is True


def test_a_new_body_has_it_on_unless_the_clerk_unticks_it(db, browser, clerk):
    page = browser.get("/staff/manage/bodies/new").text
    assert SETTING in page
    assert "checked" in checkbox(page), "on unless unticked"

    post_form(browser, "/staff/manage/bodies/new", fields(notify_review_outcomes="y"))
    post_form(browser, "/staff/manage/bodies/new", fields(name="Cambridge City Council"))

    bodies = {b.name: b.notify_review_outcomes for b in db.session.scalars(select(Body))}
    assert bodies == {"Boston City Council": True, "Cambridge City Council": False}
    cambridge = db.session.scalars(select(Body).filter_by(name="Cambridge City Council")).one()
    assert changes(db) == [(f"user:{clerk.id}", {"notify": False})]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == ACTION)).one()
    assert (event.subject_type, event.subject_id) == ("bodies", cambridge.id)


def test_a_clerk_turns_it_off_and_on_and_each_change_is_audited(db, browser, clerk):
    body = make_body()
    db.session.commit()
    url = f"/staff/manage/bodies/{body.id}"

    assert post_form(browser, url, fields()).status_code == 303  # unticked: off
    db.session.expire_all()
    assert db.session.get(Body, body.id).notify_review_outcomes is False
    assert "checked" not in checkbox(browser.get(url).text)

    post_form(browser, url, fields())  # saved again unchanged: nothing to record
    post_form(browser, url, fields(notify_review_outcomes="y"))

    db.session.expire_all()
    assert db.session.get(Body, body.id).notify_review_outcomes is True
    assert changes(db) == [
        (f"user:{clerk.id}", {"notify": False}),
        (f"user:{clerk.id}", {"notify": True}),
    ]


def test_a_moderator_cannot_change_it(db, client):
    body = make_body()
    moderator = make_staff_user(Role.MODERATOR)
    db.session.commit()
    assert log_in(client, moderator).status_code == 303
    # A real CSRF token (from a page moderators have): the role is what refuses.
    response = post_form(client, "/staff/account", fields(), to=f"/staff/manage/bodies/{body.id}")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Body, body.id).notify_review_outcomes is True
    assert changes(db) == []
