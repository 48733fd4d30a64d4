"""Conditional GET: ETag and Last-Modified, and 304 when the client's copy is current."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import make_hearing


def test_a_read_sends_an_etag_and_caching_rules_and_honours_if_none_match(client, db, config):
    config["API_CACHE_SECONDS"] = 120
    hearing = make_hearing()
    db.session.commit()
    address = f"/api/v1/hearings/{hearing.id}"

    first = client.get(address)
    assert first.headers["Cache-Control"] == "public, max-age=120"
    again = client.get(address, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other = client.get(address, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_a_hearings_answer_changes_its_etag_when_only_its_tallies_change(client, db):
    """A hearing's answer carries tallies and the floor, which change without touching the
    hearing: it has no Last-Modified (which would wrongly answer 304) and its ETag follows."""
    from tests.api.helpers import publish

    hearing = make_hearing()
    db.session.commit()
    address = f"/api/v1/hearings/{hearing.id}"
    first = client.get(address)
    assert "Last-Modified" not in first.headers

    publish(hearing)
    db.session.commit()
    again = client.get(address, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 200
    assert again.get_json()["tallies"][0]["testimony"]["support"] == 1


def test_committee_actions_have_last_modified_and_honour_if_modified_since(client, db):
    from app.hearings.actions import remove_action
    from app.platform.timezones import utcnow
    from tests.factories import make_committee_action, make_measure, make_staff_user

    measure = make_measure()
    action = make_committee_action(measure, recorded_at=utcnow() - timedelta(days=2))
    db.session.commit()
    address = f"/api/v1/measures/{measure.id}/actions"

    first = client.get(address)
    since = first.headers["Last-Modified"]
    assert client.get(address, headers={"If-Modified-Since": since}).status_code == 304

    remove_action(make_staff_user(role=None), action, now=utcnow())
    db.session.commit()
    changed = client.get(address, headers={"If-Modified-Since": since})
    assert changed.status_code == 200
    assert changed.get_json()["items"] == []


def test_an_etag_changes_with_the_data(client, db):
    hearing = make_hearing()
    db.session.commit()
    address = f"/api/v1/hearings/{hearing.id}"
    tag = client.get(address).headers["ETag"]

    hearing.location = "Room 801"
    db.session.commit()

    answer = client.get(address, headers={"If-None-Match": tag})
    assert answer.status_code == 200
    assert answer.headers["ETag"] != tag
