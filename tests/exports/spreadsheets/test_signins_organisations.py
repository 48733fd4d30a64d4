"""The spreadsheets name the organisation that sent a testimony or sign-in through the API, in
their "Sent by" column (empty for the web form)."""

from __future__ import annotations

from app.exports.spreadsheets import rows as sheet
from app.exports.spreadsheets.signins import SIGN_IN_COLUMNS, sign_in_rows
from tests.factories import make_hearing, make_organisation, make_sign_in, make_testimony


def _column(columns, rows, heading: str) -> list[str]:
    place = [name for name, _description in columns].index(heading)
    return [row.cells[place] for row in rows]


def test_sent_by_names_the_organisation(db):
    hearing = make_hearing()
    organisation = make_organisation(name="Neighbours United")
    make_testimony(hearing, organisation_id=organisation.id, email="")
    make_testimony(hearing)
    make_sign_in(hearing, organisation_id=organisation.id, full_name="Ana Souza")
    make_sign_in(hearing, full_name="Bo Li")
    assert _column(sheet.COLUMNS, sheet.testimony_rows(hearing), "Sent by") == [
        "Neighbours United",
        "",
    ]
    assert sorted(_column(SIGN_IN_COLUMNS, sign_in_rows(hearing), "Sent by")) == [
        "",
        "Neighbours United",
    ]
