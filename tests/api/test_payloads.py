"""What a submitting request may carry: JSON, or multipart with the JSON in a `data` part and
PDFs in parts the items name. Files get the web form's checks (size, pages, structure, active
content, malware); a bad one refuses its item only; the body's shape is refused whole."""

from __future__ import annotations

import io
import json
import uuid

import pikepdf
import pytest
from sqlalchemy import func, select

from app.platform.storage import file_store
from app.testimony.models import Attachment, Testimony
from tests.api.submitting import closed, headers, key_for, written_item
from tests.factories import make_hearing, make_pdf
from tests.security import hostile_pdfs as hostile
from tests.security.test_hostile_uploads import clamscan, eicar_pdf, needs_clamscan  # noqa: F401


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def hearing(db):
    return make_hearing()


def _multipart(client, path: str, document, files: dict, *, key, idempotency_key=None):
    data = {"data": (io.BytesIO(json.dumps(document).encode()), "data.json", "application/json")}
    for name, (filename, content) in files.items():
        data[name] = (io.BytesIO(content), filename, "application/pdf")
    return closed(
        client.post(
            path,
            data=data,
            content_type="multipart/form-data",
            headers=headers(key, idempotency_key),
        )
    )


def test_a_testimony_with_a_pdf(client, db, hearing):
    key = key_for(hearing)
    sent = written_item(hearing, attachments=["statement"])
    answer = _multipart(
        client,
        f"/api/v1/hearings/{hearing.id}/testimony",
        sent,
        {"statement": ("My statement.pdf", make_pdf(pages=2))},
        key=key,
    )
    assert answer.status_code == 201, answer.text
    attachment = db.session.scalars(select(Attachment)).one()
    assert (attachment.original_name, attachment.page_count) == ("My statement.pdf", 2)
    assert attachment.testimony.tracking_number == answer.get_json()["tracking_number"]
    with pikepdf.open(io.BytesIO(file_store().get(attachment.sha256))) as pdf:
        assert len(pdf.pages) == 2


def test_a_hostile_file_refuses_its_item_only(client, db, hearing):
    key = key_for(hearing)
    sent = {
        "items": [
            written_item(hearing, email="a@example.org", attachments=["bomb"]),
            written_item(hearing, email="b@example.org", attachments=["active", "plain"]),
            written_item(hearing, email="c@example.org", attachments=["missing"]),
        ]
    }
    answer = _multipart(
        client,
        f"/api/v1/hearings/{hearing.id}/testimony/batch",
        sent,
        {
            "bomb": ("bomb.pdf", hostile.flate_bomb_pdf()),
            "active": ("active.pdf", hostile.active_content_pdf()),
            "plain": ("plain.pdf", make_pdf()),
        },
        key=key,
        idempotency_key=str(uuid.uuid4()),
    )
    assert answer.status_code == 200, answer.text
    items = answer.get_json()["items"]
    assert [item["status"] for item in items] == ["refused", "stored", "refused"]
    (bomb,) = items[0]["errors"]
    assert bomb["pointer"] == "/items/0/attachments"
    assert bomb["detail"].startswith("bomb.pdf: The PDF's contents expand to more than 80 MB.")
    assert items[2]["errors"] == [
        {
            "pointer": "/items/2/attachments/0",
            "detail": "The request has no file part named “missing”.",
        }
    ]
    assert _count(db, Testimony) == 1
    stored = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [a.original_name for a in stored] == ["active.pdf", "plain.pdf"]
    # The active content is gone from what is kept, as from the web form's uploads.
    assert hostile.active_content_in(file_store().get(stored[0].sha256)) == set()


def test_too_many_files_and_a_file_too_large_are_refused(client, db, hearing, config):
    config["ATTACHMENT_MAX_BYTES"] = 2_000
    key = key_for(hearing)
    sent = written_item(hearing, attachments=["big"])
    answer = _multipart(
        client,
        f"/api/v1/hearings/{hearing.id}/testimony",
        sent,
        {"big": ("big.pdf", make_pdf(pages=40))},
        key=key,
    )
    assert answer.status_code == 422
    (error,) = answer.get_json()["errors"]
    assert error["pointer"] == "/attachments" and error["detail"].startswith("big.pdf: ")
    four = written_item(hearing, attachments=["a", "b", "c", "d"])
    answer = _multipart(
        client,
        f"/api/v1/hearings/{hearing.id}/testimony",
        four,
        {name: (f"{name}.pdf", make_pdf()) for name in "abcd"},
        key=key,
    )
    assert answer.get_json()["errors"][0]["pointer"] == "/attachments"
    assert _count(db, Testimony) == 0


@needs_clamscan
def test_a_file_carrying_a_virus_is_refused(client, db, hearing, clamscan):  # noqa: F811
    key = key_for(hearing)
    answer = _multipart(
        client,
        f"/api/v1/hearings/{hearing.id}/testimony",
        written_item(hearing, attachments=["eicar"]),
        {"eicar": ("eicar.pdf", eicar_pdf())},
        key=key,
    )
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["detail"].startswith("eicar.pdf: ")
    assert _count(db, Testimony) == 0 and _count(db, Attachment) == 0


def test_a_retry_with_a_new_boundary_is_the_same_request(client, db, hearing):
    key = key_for(hearing)
    path = f"/api/v1/hearings/{hearing.id}/testimony"
    sent = written_item(hearing, attachments=["statement"])
    pdf = make_pdf()
    answers = [
        _multipart(client, path, sent, {"statement": ("s.pdf", pdf)}, key=key, idempotency_key="k")
        for _ in range(2)
    ]
    assert answers[1].headers.get("Idempotent-Replayed") == "true"
    assert answers[0].get_data() == answers[1].get_data()
    assert _count(db, Testimony) == 1
    # Another file under the same key is another request.
    other = _multipart(
        client,
        path,
        sent,
        {"statement": ("s.pdf", make_pdf(pages=3))},
        key=key,
        idempotency_key="k",
    )
    assert other.status_code == 422


@pytest.mark.parametrize(
    ("body", "content_type", "detail"),
    [
        (b'{"full_name": ', "application/json", "The request body is not valid JSON"),
        (b'{"x": NaN}', "application/json", "The request body is not valid JSON"),
        (b"\xff\xfe{}", "application/json", "The request body is not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "is not valid JSON"),
    ],
    ids=["cut-short", "nan", "not-utf8", "deep"],
)
def test_a_body_that_is_not_json_is_400(client, db, hearing, body, content_type, detail):
    key = key_for(hearing)
    answer = closed(
        client.post(
            f"/api/v1/hearings/{hearing.id}/testimony",
            data=body,
            content_type=content_type,
            headers=headers(key),
        )
    )
    assert answer.status_code == 400
    assert detail in answer.get_json()["detail"]
    assert _count(db, Testimony) == 0


def test_a_multipart_request_must_hold_its_json_in_a_data_part(client, db, hearing):
    key = key_for(hearing)
    path = f"/api/v1/hearings/{hearing.id}/testimony"
    answer = closed(
        client.post(
            path,
            data={"statement": (io.BytesIO(make_pdf()), "s.pdf")},
            content_type="multipart/form-data",
            headers=headers(key),
        )
    )
    assert answer.status_code == 400
    assert "part named `data`" in answer.get_json()["detail"]
    # Sent as a plain field rather than a file, it is read all the same.
    answer = closed(
        client.post(
            path,
            data={"data": json.dumps(written_item(hearing)), "extra": "x"},
            content_type="multipart/form-data",
            headers=headers(key),
        )
    )
    assert answer.status_code == 400
    assert answer.get_json()["errors"] == [
        {"pointer": "?extra", "detail": "Not a part this request takes."}
    ]
    answer = closed(
        client.post(
            path,
            data={"data": json.dumps(written_item(hearing))},
            content_type="multipart/form-data",
            headers=headers(key),
        )
    )
    assert answer.status_code == 201
