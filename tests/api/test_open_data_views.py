"""A hearing's published testimony as whole files: CSV and JSON Lines, streamed."""

from __future__ import annotations

import csv
import io
import json

from app.platform.timezones import utcnow
from app.testimony.models import Testimony
from tests.api.helpers import publish
from tests.factories import make_hearing, make_staff_user, make_testimony


def _csv_rows(answer) -> list[dict]:
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_csv_lists_published_testimony_and_guards_formula_cells(client, db):
    hearing = make_hearing()
    publish(hearing, full_name='=HYPERLINK("http://evil.example")', body="@SUM(1,2) is text")
    make_testimony(hearing, full_name="Pending Person")
    db.session.commit()

    answer = client.get(f"/api/v1/hearings/{hearing.id}/testimony.csv")

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in answer.headers["Content-Disposition"]
    [row] = _csv_rows(answer)
    assert row["full_name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["text"] == "'@SUM(1,2) is text"
    assert row["positions"] == f"{hearing.measures[0].number}: support"
    assert "Pending Person" not in answer.text


def test_the_json_lines_file_has_one_testimony_a_line_as_the_api_shapes_it(client, db):
    hearing = make_hearing()
    shown = [publish(hearing, body=f"Statement number {n} ‏مرحبا 🙂") for n in range(3)]
    db.session.commit()

    answer = client.get(f"/api/v1/hearings/{hearing.id}/testimony.jsonl")

    lines = answer.get_data(as_text=True).splitlines()
    items = [json.loads(line) for line in lines]
    assert [i["id"] for i in items] == [t.id for t in shown]
    assert items[0]["text"] == "Statement number 0 ‏مرحبا 🙂"
    assert "email" not in items[0]
    listed = client.get(f"/api/v1/hearings/{hearing.id}/testimony").get_json()["items"]
    assert listed == items


def test_an_unchanged_file_is_not_sent_again_and_a_change_is(client, db):
    from app.moderation.services import redact_phrase

    hearing = make_hearing()
    testimony = publish(hearing, body="My number is 617-555-0100.")
    db.session.commit()
    address = f"/api/v1/hearings/{hearing.id}/testimony.jsonl"
    first = client.get(address)
    assert first.data  # read to the end, as a client does
    tag = first.headers["ETag"]

    again = client.get(address, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""

    # The stream lets go of the rows it wrote; this test shares its session, so reads again.
    testimony = db.session.get(Testimony, testimony.id)
    redact_phrase(make_staff_user(), testimony, "617-555-0100", now=utcnow())
    db.session.commit()
    changed = client.get(address, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert "617-555-0100" not in changed.text

    publish(hearing)
    db.session.commit()
    assert (
        client.get(address, headers={"If-None-Match": changed.headers["ETag"]}).status_code == 200
    )


def test_a_file_of_an_unknown_hearing_is_a_not_found_problem(client, db):
    answer = client.get("/api/v1/hearings/424242/testimony.csv")

    assert answer.status_code == 404
    assert answer.mimetype == "application/problem+json"


def test_a_moderators_decision_or_an_endorsement_changes_the_files_etag(client, db):
    """Decisions and sign-ons do not touch the testimony's own time: the ETag still follows."""
    from app.endorsements.services import endorse
    from app.testimony.models import ReviewStatus
    from tests.factories import make_organisation, set_review_status

    hearing = make_hearing()
    first = publish(hearing)
    pending = make_testimony(hearing).testimony
    db.session.commit()
    address = f"/api/v1/hearings/{hearing.id}/testimony.csv"
    ids = (first.id, pending.id)

    def tag():
        return client.get(address).headers["ETag"]

    before = tag()
    set_review_status(db.session.get(Testimony, ids[1]), ReviewStatus.APPROVED)
    set_review_status(db.session.get(Testimony, ids[0]), ReviewStatus.FLAGGED)
    db.session.commit()
    swapped = tag()
    assert swapped != before
    assert client.get(address, headers={"If-None-Match": before}).status_code == 200

    endorse(make_organisation(), db.session.get(Testimony, ids[1]), now=utcnow(), actor="t")
    db.session.commit()
    assert tag() != swapped


def test_a_file_is_streamed_not_built_before_it_is_sent(app, db, monkeypatch):
    from app.api import open_data

    hearing = make_hearing()
    publish(hearing)
    db.session.commit()
    read = []
    original = open_data.published_batches

    def watched(*args):
        read.append("started")
        yield from original(*args)

    monkeypatch.setattr(open_data, "published_batches", watched)

    with app.test_request_context(f"/api/v1/hearings/{hearing.id}/testimony.jsonl"):
        answer = app.full_dispatch_request()
        assert answer.is_streamed
        assert "Content-Length" not in answer.headers
        assert read == []  # the answer is ready to go; no row has been read yet
        body = "".join(answer.response)

    assert read == ["started"]
    assert body.count("\n") == 1


def test_the_files_download_from_a_real_server(app, db):
    """Through a real WSGI server the rows are read after the view's transaction has ended
    (the test client shares one session with the test and hid that)."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    hearing = make_hearing()
    shown = publish(hearing, body="Sent through a real server.")
    hearing_id, tracking = hearing.id, shown.tracking_number
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/api/v1/hearings/{hearing_id}/testimony"
        for kind in ("csv", "jsonl"):
            with urllib.request.urlopen(f"{base}.{kind}", timeout=10) as answer:  # noqa: S310
                body = answer.read().decode()
                assert answer.status == 200
            assert tracking in body
            assert "Sent through a real server." in body
    finally:
        server.shutdown()
        thread.join(timeout=10)
