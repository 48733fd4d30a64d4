"""Conditional GET: ETag and Last-Modified, and 304 when the client's copy is current."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

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


def test_a_hearing_has_last_modified_and_honours_if_modified_since(client, db):
    hearing = make_hearing()
    db.session.commit()
    address = f"/api/v1/hearings/{hearing.id}"

    first = client.get(address)
    since = first.headers["Last-Modified"]
    assert client.get(address, headers={"If-Modified-Since": since}).status_code == 304

    earlier = format_datetime(hearing.updated_at - timedelta(hours=1), usegmt=True)
    assert client.get(address, headers={"If-Modified-Since": earlier}).status_code == 200


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
