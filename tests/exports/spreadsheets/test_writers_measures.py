"""The testimony spreadsheet's rows for testimony on several measures: one row each, with a
column listing every measure and position."""

from __future__ import annotations

from app.exports.spreadsheets import rows as sheet
from app.testimony.models import Position
from tests.factories import make_committee, make_hearing, make_measure, make_testimony

HEADINGS = [heading for heading, _ in sheet.COLUMNS]


def cells(row) -> dict[str, str]:
    return dict(zip(HEADINGS, row.cells, strict=True))


def test_one_row_per_testimony_with_every_measure_and_position(db):
    committee = make_committee()
    house = make_measure(committee, number="H.1538")
    senate = make_measure(committee, number="S.927")
    hearing = make_hearing(committee=committee, measures=0)
    hearing.measures = [house, senate]
    db.session.flush()
    both = make_testimony(
        hearing, measures=((senate.id, Position.OPPOSE), (house.id, Position.SUPPORT))
    ).testimony
    one = make_testimony(hearing, measures=((senate.id, Position.NEUTRAL),)).testimony

    rows = [cells(row) for row in sheet.testimony_rows(hearing)]

    assert [row["Tracking number"] for row in rows] == [both.tracking_number, one.tracking_number]
    assert rows[0]["Measure"] == "H.1538"
    assert rows[0]["Position"] == "support"
    assert rows[0]["Measures"] == "H.1538: support; S.927: oppose"
    assert rows[1]["Measures"] == "S.927: neutral"
    # A measure's own spreadsheet has every testimony that addresses it.
    on_senate = [cells(row)["Tracking number"] for row in sheet.testimony_rows(hearing, senate)]
    assert on_senate == [both.tracking_number, one.tracking_number]
    on_house = [cells(row)["Tracking number"] for row in sheet.testimony_rows(hearing, house)]
    assert on_house == [both.tracking_number]
