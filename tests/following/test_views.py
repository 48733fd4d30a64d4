"""The resident's pages: follow and remind forms, double opt-in, manage, one-click unsubscribe,
the receipt's opt-out of committee news, and what invalid links and bots get."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.following import links, notices
from app.following.models import Follow, Follower, Frequency, OutcomeOptOut
from app.platform.extensions import db as _db
from app.platform.outbox import OutboxMessage
from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.factories import (
    csrf_token_from,
    make_follower,
    make_hearing,
    make_measure,
    make_testimony,
    post_form,
)

CHECK = "Check your e-mail"


def messages(db, kind=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def follow(client, hearing, **fields):
    data = {"subject": f"hearing:{hearing.id}", "email": "rosa@example.org"}
    data |= {"frequency": "immediate"} | fields
    return post_form(client, f"/hearings/{hearing.id}/follow", data, follow_redirects=True)


def path_of(url: str) -> str:
    return url.removeprefix("https://testimony.example.org")


def confirm_path(email: str = "rosa@example.org") -> str:
    """The link of the confirmation just sent (the outbox keeps no copy once it is sent)."""
    follower = _db.session.scalars(select(Follower).where(Follower.email == email)).one()
    follow = follower.follows[-1]
    return path_of(links.confirm_url(follow, "opening" if follow.opening_only else "all"))


def link_in(body: str, path: str) -> str:
    match = re.search(rf"https://testimony\.example\.org(/following/{path}/\S+)", body)
    assert match, f"no {path} link in the message"
    return match.group(1)


def test_the_hearing_page_offers_to_follow_and_to_be_reminded(client, db):
    now = utcnow()
    hearing = make_hearing(
        testimony_opens_at=now + timedelta(days=2),
        testimony_closes_at=now + timedelta(days=5),
        speaker_signup_closes_at=now + timedelta(days=4),
    )
    db.session.commit()
    page = client.get(f"/hearings/{hearing.id}").text
    assert 'id="follow-heading"' in page
    assert f'action="/hearings/{hearing.id}/follow"' in page
    assert f"/hearings/{hearing.id}/remind" in page
    for value in ("hearing", "measure", "committee", "body"):
        assert f'value="{value}:' in page


def test_double_opt_in_nothing_is_sent_but_the_confirmation(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = follow(client, hearing)
    assert response.status_code == 200 and CHECK in response.text

    (confirmation,) = messages(db)
    assert confirmation.kind == "following_confirm"
    assert confirmation.to_address == "rosa@example.org"
    follower = db.session.scalars(select(Follower)).one()
    assert follower.confirmed_at is None
    # Not confirmed: a notice reaches no one.
    notices.hearing_changed([{"hearing_id": hearing.id, "change": "cancelled"}])
    hearing.cancelled_at = utcnow()
    notices.hearing_changed([{"hearing_id": hearing.id, "change": "cancelled"}])
    assert len(messages(db)) == 1

    assert "[private link removed after sending]" in confirmation.body_text
    path = confirm_path()
    page = client.get(path)  # a mail scanner opening the link changes nothing
    assert "Yes, send me e-mail" in page.text
    db.session.expire_all()
    assert db.session.get(Follower, follower.id).confirmed_at is None

    done = client.post(path, data={"csrf_token": csrf_token_from(page.text)})
    assert "you are now following" in done.text
    db.session.expire_all()
    follower = db.session.get(Follower, follower.id)
    assert follower.is_active and follower.follows[0].confirmed_at is not None
    again = client.post(path, data={"csrf_token": csrf_token_from(page.text)})
    assert "already confirmed" in again.text


def test_the_page_is_the_same_for_known_and_unknown_addresses(client, db):
    hearing = make_hearing()
    make_follower(hearing, email="known@example.org")
    db.session.commit()
    known = follow(client, hearing, email="known@example.org")
    unknown = follow(client, hearing, email="unknown@example.org")
    assert known.status_code == unknown.status_code == 200

    def main(page):
        return page.text[page.text.index("<main") :]

    assert main(known) == main(unknown)


def test_bad_input_changes_nothing_and_says_why(client, db):
    hearing = make_hearing()
    db.session.commit()
    for fields, error in (
        ({"email": "not an address"}, "Enter an e-mail address like"),
        ({"email": ""}, "Enter your e-mail address."),
        ({"email": "a" * 250 + "@example.org"}, "Use 254 characters or fewer."),
        ({"subject": "measure:999999"}, "Not a valid choice"),
        ({"frequency": "hourly"}, "Not a valid choice"),
    ):
        response = follow(client, hearing, **fields)
        assert response.status_code == 200
        assert error in response.text
        assert "There is a problem" in response.text
    assert count(db, Follower) == 0 and messages(db) == []


def test_a_post_without_its_csrf_token_is_refused(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = client.post(
        f"/hearings/{hearing.id}/follow",
        data={"subject": f"hearing:{hearing.id}", "email": "x@example.org", "frequency": "daily"},
    )
    assert response.status_code == 400
    assert count(db, Follower) == 0 and messages(db) == []


def test_the_trap_field_gets_the_same_answer_and_sends_nothing(client, db):
    hearing = make_hearing()
    db.session.commit()
    response = follow(client, hearing, website="https://spam.example")
    assert CHECK in response.text
    assert count(db, Follower) == 0 and messages(db) == []


def test_requests_are_limited_per_network_address_and_per_email(client, db, config):
    hearing = make_hearing()
    db.session.commit()
    config["FOLLOW_LIMIT_PER_EMAIL"] = "2 per hour"
    config["FOLLOW_LIMIT_PER_ADDRESS"] = "4 per hour"
    for _ in range(3):
        assert CHECK in follow(client, hearing).text
    # The third confirmation to one address is not sent, and the page does not say so.
    assert len(messages(db)) == 2
    assert CHECK in follow(client, hearing, email="other@example.org").text
    limited = follow(client, hearing, email="third@example.org")
    assert limited.status_code == 429
    assert "Please wait about" in limited.text
    assert len(messages(db)) == 3


def test_remind_me_when_testimony_opens(client, db):
    now = utcnow()
    hearing = make_hearing(
        testimony_opens_at=now + timedelta(days=2),
        testimony_closes_at=now + timedelta(days=5),
        speaker_signup_closes_at=now + timedelta(days=4),
    )
    db.session.commit()
    response = post_form(
        client,
        f"/hearings/{hearing.id}/remind",
        {"email": "soon@example.org"},
        follow_redirects=True,
    )
    assert CHECK in response.text
    (confirmation,) = messages(db)
    assert "once when testimony opens" in confirmation.body_text
    path = confirm_path("soon@example.org")
    assert "/confirm/opening/" in path
    page = client.get(path)
    client.post(path, data={"csrf_token": csrf_token_from(page.text)})
    db.session.expire_all()
    (row,) = db.session.scalars(select(Follow)).all()
    assert row.opening_only and row.confirmed_at is not None


def test_no_reminder_for_a_hearing_already_open(client, db):
    hearing = make_hearing()
    db.session.commit()
    page = client.get(f"/hearings/{hearing.id}/remind")
    assert "not waiting for testimony to open" in page.text
    response = post_form(client, f"/hearings/{hearing.id}/remind", {"email": "x@example.org"})
    assert response.status_code == 200
    assert count(db, Follower) == 0


def test_unsubscribe_page_then_one_click_post_without_csrf(client, db):
    hearing = make_hearing()
    follower = make_follower(hearing, make_measure())
    db.session.commit()
    path = links.follower_url(follower, links.UNSUBSCRIBE).removeprefix(
        "https://testimony.example.org"
    )
    page = client.get(path)
    assert page.status_code == 200 and "Stop all e-mail updates" in page.text
    # The page's address is a key: no shared cache keeps it.
    assert page.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    assert db.session.get(Follower, follower.id).unsubscribed_at is None

    # RFC 8058: the mail client posts List-Unsubscribe=One-Click, with no token of ours.
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in response.text
    db.session.expire_all()
    follower = db.session.get(Follower, follower.id)
    assert follower.unsubscribed_at is not None and follower.follows == []
    assert "already unsubscribed" in client.post(path).text
    assert "already unsubscribed" in client.get(path).text


@pytest.mark.parametrize(
    "path",
    [
        "/following/unsubscribe/1-" + "0" * 40,
        "/following/unsubscribe/nonsense",
        "/following/manage/1-" + "f" * 40,
        "/following/confirm/all/1-" + "a" * 40,
        "/following/confirm/everything/1-" + "a" * 40,
        "/following/no-outcomes/1-" + "a" * 40,
        "/following/unsubscribe/" + "9" * 30 + "-" + "a" * 40,
    ],
)
def test_invalid_links_say_so_and_change_nothing(client, db, path):
    follower = make_follower(make_hearing())
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 404
    assert "This link is not valid" in response.text
    # A POST is refused too: without its CSRF token where the page has one.
    assert client.post(path).status_code in (400, 404)
    db.session.expire_all()
    assert db.session.get(Follower, follower.id).unsubscribed_at is None
    assert count(db, OutcomeOptOut) == 0


def test_a_link_for_one_purpose_does_not_open_another(client, db):
    follower = make_follower(make_hearing())
    db.session.commit()
    manage_token = links.follower_token(follower, links.MANAGE)
    response = client.post(f"/following/unsubscribe/{manage_token}")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Follower, follower.id).unsubscribed_at is None


def test_manage_changes_frequency_and_stops_one_follow(client, db):
    hearing = make_hearing()
    other = make_measure()
    follower = make_follower(hearing, other)
    stranger = make_follower(make_measure(), email="stranger@example.org")
    db.session.commit()
    path = links.follower_url(follower, links.MANAGE).removeprefix("https://testimony.example.org")
    page = client.get(path)
    assert hearing.title in page.text and other.number in page.text

    saved = post_form(client, path, {"frequency": "daily"})
    assert "Saved." in saved.text
    db.session.expire_all()
    assert db.session.get(Follower, follower.id).frequency is Frequency.DAILY

    # Another follower's follow id changes nothing.
    token = re.search(r'name="stop-csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert 'id="stop-csrf_token"' not in page.text  # one per follow: no repeated id
    client.post(path, data={"stop-csrf_token": token.group(1), "follow_id": stranger.follows[0].id})
    db.session.expire_all()
    assert len(db.session.get(Follower, stranger.id).follows) == 1

    target = db.session.get(Follower, follower.id).follows[1]
    stopped = client.post(path, data={"stop-csrf_token": token.group(1), "follow_id": target.id})
    assert "You no longer follow that." in stopped.text
    db.session.expire_all()
    assert len(db.session.get(Follower, follower.id).follows) == 1


def test_the_receipt_offers_to_stop_committee_news_and_the_link_works(client, db):
    hearing = make_hearing()
    make_testimony(hearing, email="Quiet@Example.org")
    db.session.commit()
    (receipt,) = messages(db, "testimony_received")
    assert "what the committee does with the measures you testified on" in receipt.body_text
    testimony = _db.session.scalars(select(Testimony)).one()
    path = path_of(links.outcomes_url(testimony))
    assert "Stop these messages" in client.get(path).text
    assert count(db, OutcomeOptOut) == 0
    done = client.post(path)  # one-click, as from a List-Unsubscribe header: no token
    assert "Done:" in done.text
    assert db.session.scalar(select(OutcomeOptOut.email_key)) == "quiet@example.org"
    assert "already done" in client.post(path).text
    assert count(db, OutcomeOptOut) == 1


def test_following_mail_arrives_with_its_unsubscribe_headers_over_smtp(client, db, smtp):
    smtp.start()
    hearing = make_hearing()
    db.session.commit()
    response = follow(client, hearing)
    response.close()
    (confirmation,) = smtp.handler.messages
    path = link_in(confirmation.get_content(), "confirm")
    page = client.get(path)
    client.post(path, data={"csrf_token": csrf_token_from(page.text)}).close()

    follower = db.session.scalars(select(Follower)).one()
    notices.publish(
        notices.NoticeKind.HEARING_CANCELLED,
        f"cancelled:{hearing.id}",
        [(notices.SubjectKind.HEARING, hearing.id)],
        now=utcnow(),
        hearing_id=hearing.id,
    )
    db.session.commit()
    from app.platform import outbox

    assert outbox.deliver_pending() == 1
    notice = smtp.handler.messages[-1]
    url = links.follower_url(follower, links.UNSUBSCRIBE)
    assert notice["To"] == "rosa@example.org"
    assert notice["List-Unsubscribe"] == f"<{url}>"
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_guessing_at_private_links_is_rate_limited(client, db):
    follower = make_follower(make_hearing())
    db.session.commit()
    statuses = [
        client.post(f"/following/unsubscribe/{follower.id}-{n:040x}").status_code for n in range(31)
    ]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429
    db.session.expire_all()
    assert db.session.get(Follower, follower.id).unsubscribed_at is None
