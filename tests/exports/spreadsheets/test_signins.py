"""The sign-in spreadsheet: one row per sign-in per measure, every status, roster order."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from openpyxl import load_workbook

from app.accounts.models import Role
from app.exports.spreadsheets.signins import SIGN_IN_COLUMNS, sign_in_rows
from app.exports.spreadsheets.writers import to_csv, to_xlsx, write_csv
from app.platform.extensions import db as _db
from app.platform.timezones import to_local, utcnow
from app.signins import identity
from app.signins.models import SignIn
from app.signins.services import withdraw_sign_in
from app.testimony.models import Position, QuarantineReason
from tests.factories import make_hearing, make_sign_in, make_staff_user

HEADINGS = [heading for heading, _description in SIGN_IN_COLUMNS]


def sign_in(hearing, name, *positions, **overrides):
    receipt = make_sign_in(
        hearing,
        full_name=name,
        email=f"{name.split()[0].lower()}@private.example.net",
        positions=tuple(positions),
        **overrides,
    )
    return _db.session.get(SignIn, receipt.sign_in_id)


def rows_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert lines[0] == HEADINGS
    return [dict(zip(HEADINGS, line, strict=True)) for line in lines[1:]]


def test_one_row_per_sign_in_per_measure_in_roster_order_with_every_status(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    moderator = make_staff_user(Role.MODERATOR)
    now = utcnow()
    both = sign_in(
        hearing,
        "Yara Haddad",
        (first.id, Position.OPPOSE),
        (second.id, Position.SUPPORT),
        city="Roxbury",
        zip_code="02119",
        organization="Roxbury Tenants Union",
    )
    identity.record(both, identity.CONFIRM, now=now)
    gone = sign_in(hearing, "Ana Lima", (first.id, Position.SUPPORT))
    withdraw_sign_in(gone, now=now, seen_version=gone.version)
    disputed = sign_in(hearing, "Bo Chen", (first.id, Position.SUPPORT))
    identity.record(disputed, identity.DISPUTE, now=now)
    kept = sign_in(hearing, "Cy Kim", (first.id, Position.SUPPORT))
    identity.record(kept, identity.DISPUTE, now=now)
    identity.keep_disputed(moderator, kept, now=now)
    bot = sign_in(
        hearing,
        "Dee Bot",
        (second.id, Position.NEUTRAL),
        quarantine_reason=QuarantineReason.TOO_FAST,
    )
    other = make_hearing()
    sign_in(other, "Outside Person", (other.measures[0].id, Position.SUPPORT))
    _db.session.commit()

    data, count = to_csv(sign_in_rows(hearing), SIGN_IN_COLUMNS)
    rows = rows_of(data)
    assert count == len(rows) == 6
    assert [(r["Measure"], r["Position"], r["Name"]) for r in rows] == [
        (first.number, "support", "Ana Lima"),
        (first.number, "support", "Bo Chen"),
        (first.number, "support", "Cy Kim"),
        (first.number, "oppose", "Yara Haddad"),
        (second.number, "support", "Yara Haddad"),
        (second.number, "neutral", "Dee Bot"),
    ]
    by_name = {(r["Name"], r["Measure"]): r for r in rows}
    yara = by_name[("Yara Haddad", first.number)]
    assert yara["Tracking number"] == both.tracking_number
    assert yara["Received at"] == to_local(both.received_at, hearing.timezone).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert (yara["City or town"], yara["ZIP"], yara["Organization"]) == (
        "Roxbury",
        "02119",
        "Roxbury Tenants Union",
    )
    assert (yara["Status"], yara["Confirmed e-mail"], yara["Disputed"]) == (
        "published",
        "yes",
        "no",
    )
    assert by_name[("Ana Lima", first.number)]["Status"] == "withdrawn"
    assert by_name[("Bo Chen", first.number)]["Disputed"] == "yes"
    assert by_name[("Cy Kim", first.number)]["Disputed"] == "kept"
    assert by_name[("Dee Bot", second.number)]["Possibly automated"] == "too_fast"
    assert by_name[("Ana Lima", first.number)]["Possibly automated"] == ""
    # Never an e-mail address, nothing of another hearing.
    assert b"@" not in data
    assert b"Outside Person" not in data
    assert bot.tracking_number.encode() in data


def test_cells_that_would_be_formulas_are_neutralised(db):
    hearing = make_hearing()
    measure = hearing.measures[0]
    sign_in(
        hearing,
        '=HYPERLINK("http://evil.example","click")',
        (measure.id, Position.SUPPORT),
        city="+SUM(A1:A9)",
        organization="@cmd|' /C calc'!A0",
    )
    sign_in(hearing, "\uff1dcmd", (measure.id, Position.OPPOSE), city="-2+3")
    _db.session.commit()

    data, _count = to_csv(sign_in_rows(hearing), SIGN_IN_COLUMNS)
    rows = rows_of(data)
    assert rows[0]["Name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["City or town"] == "'+SUM(A1:A9)"
    assert rows[0]["Organization"] == "'@cmd|' /C calc'!A0"
    assert rows[1]["Name"] == "'\uff1dcmd"
    assert rows[1]["City or town"] == "'-2+3"

    workbook_data, count = to_xlsx(
        sign_in_rows(hearing),
        title=hearing.title,
        columns=SIGN_IN_COLUMNS,
        sheet_name="Sign-ins",
        when=utcnow(),
    )
    assert count == 2
    sheet = load_workbook(io.BytesIO(workbook_data))["Sign-ins"]
    lines = [[cell.value or "" for cell in line] for line in sheet.iter_rows()]
    assert lines[0] == HEADINGS
    assert lines[1][HEADINGS.index("Name")] == '\'=HYPERLINK("http://evil.example","click")'
    cells = [cell for line in sheet.iter_rows() for cell in line if cell.value is not None]
    assert all(cell.data_type == "s" for cell in cells)


def test_a_measure_lists_only_its_own_positions(db):
    hearing = make_hearing(measures=2)
    first, second = hearing.measures
    sign_in(hearing, "Both Measures", (first.id, Position.SUPPORT), (second.id, Position.OPPOSE))
    sign_in(hearing, "First Only", (first.id, Position.NEUTRAL))
    _db.session.commit()
    rows = rows_of(to_csv(sign_in_rows(hearing, second), SIGN_IN_COLUMNS)[0])
    assert [(r["Name"], r["Position"]) for r in rows] == [("Both Measures", "oppose")]


def test_names_sort_the_same_on_every_database(db):
    """By the lower-case name in code point order, then the sign-in's id: not the locale."""
    hearing = make_hearing()
    measure = hearing.measures[0]
    now = utcnow()
    for index, name in enumerate(["émile Zola", "Zed Adams", "adam Smith", "Ädam Early"]):
        sign_in(hearing, name, (measure.id, Position.SUPPORT), now=now + timedelta(seconds=index))
    _db.session.commit()
    rows = rows_of(to_csv(sign_in_rows(hearing), SIGN_IN_COLUMNS)[0])
    assert [r["Name"] for r in rows] == ["adam Smith", "Zed Adams", "Ädam Early", "émile Zola"]


def test_the_streamed_csv_file_is_the_same_as_the_csv_in_memory(db, tmp_path):
    hearing = make_hearing()
    sign_in(hearing, "=Formula Person", (hearing.measures[0].id, Position.SUPPORT), city="Zürich")
    _db.session.commit()
    path = tmp_path / "sign-ins.csv"
    assert write_csv(path, sign_in_rows(hearing), SIGN_IN_COLUMNS) == 1
    assert path.read_bytes() == to_csv(sign_in_rows(hearing), SIGN_IN_COLUMNS)[0]
