"""A clerk makes and downloads the sign-in spreadsheets from the exports page (made in the
background, like the packet)."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.accounts.models import Role
from app.exports.models import ExportStatus, Packet, PacketKind
from app.exports.spreadsheets.signins import SIGN_IN_COLUMNS
from app.platform.audit import AuditEvent
from app.platform.extensions import db as _db
from app.testimony.models import Position
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_sign_in,
    make_staff_user,
    signed_in_client,
)


@pytest.fixture
def scene(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    make_sign_in(
        hearing,
        full_name="Rosa Delgado",
        email="rosa@private.example.net",
        positions=((first.id, Position.SUPPORT), (second.id, Position.OPPOSE)),
    )
    make_sign_in(
        hearing,
        full_name="=1+1",
        email="formula@private.example.net",
        positions=((first.id, Position.NEUTRAL),),
    )
    clerk = make_staff_user(Role.CLERK, name="Casey Clerk")
    moderator = make_staff_user(Role.MODERATOR)
    db.session.commit()
    return {"hearing": hearing, "clerk": clerk, "moderator": moderator}


def press(client, hearing_id: int, kind: str, *, token: bool = True, measure: str = ""):
    page = client.get(f"/staff/hearings/{hearing_id}/exports")
    data = {"kind": kind, "measure": measure}
    if token:
        data["csrf_token"] = csrf_token_from(page.text)
    return page, client.post(f"/staff/hearings/{hearing_id}/exports/background", data=data)


@pytest.mark.parametrize(
    ("kind", "extension"), [("sign_ins_csv", "csv"), ("sign_ins_xlsx", "xlsx")]
)
def test_a_clerk_makes_and_downloads_the_sign_ins(app, scene, kind, extension):
    client = signed_in_client(app, scene["clerk"])
    page, response = press(client, scene["hearing"].id, kind)
    assert "Make the sign-ins (CSV)" in page.text
    assert "Make the sign-ins (XLSX)" in page.text
    assert response.status_code == 303
    _db.session.expire_all()
    packet = _db.session.scalars(select(Packet)).one()
    assert packet.kind is PacketKind(kind)
    assert packet.status is ExportStatus.READY, packet.error
    assert packet.item_count == 3  # one row per sign-in per measure
    assert response.headers["Location"].endswith(f"/staff/exports/{packet.id}?download=1")
    actions = _db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor == scene["clerk"].audit_name)
    ).all()
    assert "export.requested" in actions and "export.ready" in actions

    download = client.get(f"/staff/exports/{packet.id}/download")
    assert download.status_code == 200
    assert "-sign_ins-" in download.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"].endswith(f".{extension}")
    assert hashlib.sha256(download.data).hexdigest() == packet.sha256
    if extension == "csv":
        lines = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"), newline="")))
    else:
        sheet = load_workbook(io.BytesIO(download.data))["Sign-ins"]
        lines = [[cell.value or "" for cell in line] for line in sheet.iter_rows()]
    assert lines[0] == [heading for heading, _ in SIGN_IN_COLUMNS]
    names = [line[2] for line in lines[1:]]
    assert sorted(names) == ["'=1+1", "Rosa Delgado", "Rosa Delgado"]
    assert not any("@" in cell for line in lines for cell in line)

    history = client.get(f"/staff/hearings/{scene['hearing'].id}/exports").text
    name = "Position sign-ins, CSV" if extension == "csv" else "Position sign-ins, XLSX"
    assert name in history


def test_a_moderator_cannot_make_them(app, scene):
    client = signed_in_client(app, scene["moderator"])
    token = csrf_token_from(client.get("/staff/account").text)
    response = client.post(
        f"/staff/hearings/{scene['hearing'].id}/exports/background",
        data={"csrf_token": token, "kind": "sign_ins_csv", "measure": ""},
    )
    assert response.status_code == 403
    assert _db.session.scalar(select(func.count(Packet.id))) == 0


def test_without_the_form_token_nothing_is_made(app, scene):
    client = signed_in_client(app, scene["clerk"])
    _page, response = press(client, scene["hearing"].id, "sign_ins_csv", token=False)
    assert response.status_code in (303, 400)
    assert _db.session.scalar(select(func.count(Packet.id))) == 0


def test_they_are_not_made_during_the_request(app, scene):
    client = signed_in_client(app, scene["clerk"])
    page = client.get(f"/staff/hearings/{scene['hearing'].id}/exports")
    response = client.post(
        f"/staff/hearings/{scene['hearing'].id}/exports/sign_ins_csv",
        data={"csrf_token": csrf_token_from(page.text)},
    )
    assert response.status_code == 404
    assert _db.session.scalar(select(func.count(Packet.id))) == 0


def test_a_measures_sign_ins_hold_that_measures_positions_only(app, scene):
    client = signed_in_client(app, scene["clerk"])
    second = scene["hearing"].measures[1]
    _page, response = press(client, scene["hearing"].id, "sign_ins_csv", measure=str(second.id))
    assert response.status_code == 303
    _db.session.expire_all()
    packet = _db.session.scalars(select(Packet)).one()
    assert (packet.status, packet.measure_id, packet.item_count) == (
        ExportStatus.READY,
        second.id,
        1,
    )
    data = client.get(f"/staff/exports/{packet.id}/download").data.decode("utf-8-sig")
    [_heading, row] = list(csv.reader(io.StringIO(data, newline="")))
    assert (row[2], row[6], row[7]) == ("Rosa Delgado", second.number, "oppose")
