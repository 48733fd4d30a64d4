"""A clerk makes and downloads testimony spreadsheets through the real pages."""

from __future__ import annotations

import csv
import hashlib
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.accounts.models import Role
from app.exports.models import Packet, PacketKind
from app.exports.spreadsheets.rows import COLUMNS
from app.moderation import services as moderation
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.platform.timezones import utcnow
from app.testimony.models import ReviewStatus
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    set_review_status,
    signed_in_client,
)

HIDDEN = "my neighbour Jo Bloggs"
TITLE = "Hearing on a ban of face surveillance"


@pytest.fixture
def scene(db):
    """A hearing with one testimony in every review status, one redacted; another hearing."""
    hearing = make_hearing(title=TITLE)
    other = make_hearing(title="Another hearing entirely")
    testimonies = []
    for number, status in enumerate(ReviewStatus):
        receipt = make_testimony(
            hearing,
            full_name=f"Resident {status.value}",
            email=f"resident-{status.value}@mailbox.example.net",
            street_address=f"{100 + number} Secret Lane",
            body=f"Testimony {status.value}: I write about {HIDDEN} and the cameras.",
        )
        testimonies.append(receipt.testimony)
    moderator = make_staff_user(Role.MODERATOR, name="Morgan Moderator")
    for testimony in testimonies:
        moderation.redact_phrase(moderator, testimony, HIDDEN, now=utcnow())
    for testimony, status in zip(testimonies, ReviewStatus, strict=True):
        set_review_status(testimony, status)
    outsider = make_testimony(
        other,
        full_name="Outside Person",
        email="outsider@elsewhere.example.net",
        street_address="9 Elsewhere Road",
        body="This belongs to another hearing.",
    ).testimony
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    db.session.commit()
    return {
        "hearing_id": hearing.id,
        "clerk_id": clerk.id,
        "clerk": clerk,
        "tracking": {t.tracking_number: t.status.value for t in testimonies},
        "private": [t.email for t in testimonies] + [t.street_address for t in testimonies],
        "outsider": (outsider.tracking_number, outsider.full_name, outsider.body),
    }


def make_export(app, scene, kind: str):
    """Sign in, press the button on the history page, and return the client and the packet."""
    client = signed_in_client(app, scene["clerk"])
    page = client.get(f"/staff/hearings/{scene['hearing_id']}/exports")
    assert page.status_code == 200
    response = client.post(
        f"/staff/hearings/{scene['hearing_id']}/exports/{kind}",
        data={"csrf_token": csrf_token_from(page.text)},
    )
    assert response.status_code == 303
    _db.session.expire_all()
    packets = _db.session.scalars(select(Packet)).all()
    assert len(packets) == 1
    # To the export's own page, which starts the download.
    assert response.headers["Location"].endswith(f"/staff/exports/{packets[0].id}?download=1")
    return client, packets[0]


def download(client, packet: Packet, extension: str) -> bytes:
    response = client.get(f"/staff/exports/{packet.id}/download")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(
        rf"filename=\"?hearing-on-a-ban-of-face-surveillance-testimony-\d{{8}}-\d{{6}}\.{extension}\"?$",
        disposition,
    ), disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(response.data).hexdigest() == packet.sha256
    assert len(response.data) == packet.size_bytes
    return response.data


def check_rows(rows: list[list[str]], scene) -> None:
    headings = [heading for heading, _ in COLUMNS]
    assert rows[0] == headings
    body = rows[1:]
    column = {heading: index for index, heading in enumerate(headings)}
    # One row per testimony of this hearing, every status included, nothing from the other.
    assert {r[column["Tracking number"]]: r[column["Status"]] for r in body} == scene["tracking"]
    assert len(body) == len(scene["tracking"])
    assert {r[column["Status"]] for r in body} == {status.value for status in ReviewStatus}
    for r in body:
        assert len(r) == len(headings)
        assert "[redacted]" in r[column["Text"]]
        assert HIDDEN not in r[column["Text"]]
        assert r[column["City or town"]] == "Dorchester"
        assert r[column["ZIP"]] == "02124"
    rejected = next(r for r in body if r[column["Status"]] == "rejected")
    assert rejected[column["Rejection reason"]] == "spam"
    everything = "\n".join("\t".join(r) for r in rows)
    assert HIDDEN not in everything
    for private in scene["private"]:
        assert private not in everything
    assert "Secret Lane" not in everything
    assert "@" not in everything
    for outsider in scene["outsider"]:
        assert outsider not in everything


def test_a_clerk_makes_and_downloads_a_csv(app, db, scene):
    client, packet = make_export(app, scene, "testimony_csv")
    assert packet.kind is PacketKind.TESTIMONY_CSV
    assert packet.item_count == len(scene["tracking"])
    assert packet.created_by_id == scene["clerk_id"]
    assert packet.hearing_id == scene["hearing_id"]

    response = client.get(f"/staff/exports/{packet.id}/download")
    assert response.mimetype == "text/csv"
    data = download(client, packet, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    check_rows(list(csv.reader(io.StringIO(text, newline=""))), scene)
    assert HIDDEN.encode() not in data
    assert b"[redacted]" in data


def test_a_clerk_makes_and_downloads_an_xlsx(app, db, scene):
    client, packet = make_export(app, scene, "testimony_xlsx")
    assert packet.kind is PacketKind.TESTIMONY_XLSX
    assert packet.item_count == len(scene["tracking"])

    response = client.get(f"/staff/exports/{packet.id}/download")
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    data = download(client, packet, "xlsx")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.properties.title == TITLE
    sheet = workbook["Testimony"]
    cells = [cell for line in sheet.iter_rows() for cell in line]
    # An empty text cell is written as an empty inline string; openpyxl reads it back as None.
    assert all(cell.data_type == "s" for cell in cells if cell.value is not None)
    assert all(cell.data_type == "inlineStr" for cell in cells if cell.value is None)
    assert not any(isinstance(cell.value, str) and cell.value.startswith("=") for cell in cells)
    check_rows([[cell.value or "" for cell in line] for line in sheet.iter_rows()], scene)


def test_the_history_lists_each_export_and_matches_the_download(app, db, scene):
    client, packet = make_export(app, scene, "testimony_csv")
    page = client.get(f"/staff/hearings/{scene['hearing_id']}/exports").text
    assert "Testimony, CSV" in page
    assert "Casey Clerk" in page
    assert f'<td class="num">{packet.item_count}</td>' in page
    assert f"<code>{packet.sha256}</code>" in page
    assert f"/staff/exports/{packet.id}/download" in page
    assert re.fullmatch(r"[0-9a-f]{64}", packet.sha256)
    assert hashlib.sha256(download(client, packet, "csv")).hexdigest() == packet.sha256

    # A second export, of the other kind, is listed first.
    response = client.post(
        f"/staff/hearings/{scene['hearing_id']}/exports/testimony_xlsx",
        data={"csrf_token": csrf_token_from(page)},
    )
    assert response.status_code == 303
    page = client.get(f"/staff/hearings/{scene['hearing_id']}/exports").text
    assert page.index("Testimony, XLSX") < page.index("Testimony, CSV")
    db.session.expire_all()
    xlsx = db.session.scalar(select(Packet).where(Packet.kind == PacketKind.TESTIMONY_XLSX))
    assert f"<code>{xlsx.sha256}</code>" in page
    assert xlsx.sha256 != packet.sha256
    assert hashlib.sha256(download(client, xlsx, "xlsx")).hexdigest() == xlsx.sha256


def test_an_empty_history_says_so(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    page = client.get(f"/staff/hearings/{scene['hearing_id']}/exports")
    assert page.status_code == 200
    assert "Nothing exported yet." in page.text


def test_an_export_writes_an_audit_row(app, db, scene):
    _, packet = make_export(app, scene, "testimony_xlsx")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export.created")
    ).all()
    assert len(events) == 1
    event = events[0]
    assert event.actor == f"user:{scene['clerk_id']}"
    assert (event.subject_type, event.subject_id) == ("packets", packet.id)
    assert event.data == {"kind": "testimony_xlsx", "items": len(scene["tracking"])}


@pytest.mark.parametrize("kind", ["testimony_csv", "testimony_xlsx"])
@pytest.mark.parametrize("token", [None, "not-a-real-token"])
def test_a_post_without_a_valid_csrf_token_changes_nothing(app, db, scene, kind, token):
    client = signed_in_client(app, scene["clerk"])
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    data = {} if token is None else {"csrf_token": token}
    response = client.post(f"/staff/hearings/{scene['hearing_id']}/exports/{kind}", data=data)
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Packet)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before


def test_unknown_packets_and_hearings_are_404(app, db, scene):
    client = signed_in_client(app, scene["clerk"])
    assert client.get("/staff/exports/999999/download").status_code == 404
    assert client.get("/staff/hearings/999999/exports").status_code == 404
    token = csrf_token_from(client.get(f"/staff/hearings/{scene['hearing_id']}/exports").text)
    response = client.post(
        "/staff/hearings/999999/exports/testimony_csv", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert client.post(
        f"/staff/hearings/{scene['hearing_id']}/exports/testimony_pdf", data={"csrf_token": token}
    ).status_code in {404, 405}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Packet)) == 0


def test_a_stored_file_that_no_longer_matches_its_checksum_is_not_served(app, db, scene):
    client, packet = make_export(app, scene, "testimony_csv")
    packet.sha256 = "0" * 64
    db.session.commit()
    assert client.get(f"/staff/exports/{packet.id}/download").status_code == 404
