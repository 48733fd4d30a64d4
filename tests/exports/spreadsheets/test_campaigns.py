"""The campaigns spreadsheets in the hearing's bundle: one row per campaign with its provenance
card, and its letters per hour; cells a spreadsheet could run are neutralised."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from app.exports.spreadsheets.campaigns import ARRIVAL_COLUMNS, CAMPAIGN_COLUMNS
from app.testimony.models import ReviewStatus
from tests.campaigns.test_provenance import OTHER_LETTER, START, campaign
from tests.exports.test_bundle import make_bundle
from tests.factories import make_testimony, set_review_status


def sheet(bundle, name: str) -> list[list[str]]:
    with zipfile.ZipFile(bundle) as archive:
        text = archive.read(name).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_bundle_has_a_row_per_campaign_and_its_arrivals_per_hour(db, tmp_path):
    hearing, members = campaign(db)
    others = [
        make_testimony(
            hearing,
            now=START + timedelta(minutes=5 * n),
            body=OTHER_LETTER,
            full_name=f"Other {n}",
            email=f"o{n}@example.org",
            city='=HYPERLINK("http://evil.example")',
        ).testimony
        for n in range(2)
    ]
    set_review_status(others[0], ReviewStatus.APPROVED)

    bundle = make_bundle(hearing, tmp_path / "work")

    rows = sheet(bundle, "campaigns.csv")
    assert rows[0] == [heading for heading, _ in CAMPAIGN_COLUMNS]
    big, small = (dict(zip(rows[0], row, strict=True)) for row in rows[1:])
    assert big["Campaign"] == f"C-{members[0].campaign_id}" and len(rows) == 3
    assert (big["Letters"], big["Approved"], big["Confirmed e-mail"]) == ("6", "1", "1")
    assert (big["Residents"], big["Towns"], big["Most letters from"]) == (
        "4",
        "3",
        "Boston: 4; Cambridge: 1; Quincy: 1",
    )
    assert (big["Possibly automated"], big["Throwaway e-mail"]) == ("1", "1")
    assert (big["First letter"], big["Latest letter"]) == ("2026-03-03 08:10", "2026-03-04 08:40")
    assert big["Hours from first to latest"] == "25"
    assert big["Summary"] == "6 letters, 1 confirmed their e-mail, 3 towns, all within 25 hours"
    assert big["Shared text from"].startswith("OT-")
    # A town a spreadsheet would run as a formula is written as text.
    assert small["Most letters from"].startswith("'=HYPERLINK")
    assert small["Letters"] == "2" and small["Approved"] == "1"

    hours = sheet(bundle, "campaign_arrivals.csv")
    assert hours[0] == [heading for heading, _ in ARRIVAL_COLUMNS]
    mine = [row[1:] for row in hours[1:] if row[0] == big["Campaign"]]
    assert mine == [
        ["2026-03-03 08:00", "2"],
        ["2026-03-03 10:00", "1"],
        ["2026-03-03 11:00", "1"],
        ["2026-03-03 13:00", "1"],
        ["2026-03-04 08:00", "1"],
    ]
    with zipfile.ZipFile(bundle) as archive:
        manifest = archive.read("manifest.json").decode()
    assert "campaigns.csv" in manifest and "campaign_arrivals.csv" in manifest


def test_a_hearing_without_campaigns_has_no_campaign_sheets(db, tmp_path):
    hearing, members = campaign(db)
    for member in members:
        set_review_status(member, ReviewStatus.WITHDRAWN)

    bundle = make_bundle(hearing, tmp_path / "work")

    with zipfile.ZipFile(bundle) as archive:
        assert "campaigns.csv" not in archive.namelist()
