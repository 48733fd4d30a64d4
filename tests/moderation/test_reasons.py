"""Every rejection reason has its words in the one table, in every language, and shows in every
place a reason is named: the decision form, the review page, the bulk confirmation, the
public hearing page's account of what was not published, and the CSV and XLSX spreadsheets.

A reason added to RejectionReason without a row in app/moderation/reasons.py fails here."""

from __future__ import annotations

import csv
import io

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from app.exports.spreadsheets import rows as spreadsheet_rows
from app.exports.spreadsheets.writers import to_csv, to_xlsx
from app.moderation.forms import REASON_CHOICES
from app.moderation.reasons import REASONS, reason_label
from app.moderation.services import Decision, decide
from app.platform.timezones import utcnow
from app.testimony.models import RejectionReason, ReviewStatus
from tests.factories import (
    csrf_token_from,
    make_hearing,
    make_staff_user,
    make_testimony,
    signed_in_client,
)

HEADINGS = [heading for heading, _ in spreadsheet_rows.COLUMNS]


def words(app, language: str, reason: RejectionReason) -> tuple[str, str]:
    """The reason's label and form option, as a reader of `language` sees them."""
    with app.test_request_context(), force_locale(language):
        return str(REASONS[reason].label), str(REASONS[reason].choice)


@pytest.fixture
def rejected(app, db):
    """A hearing with one testimony rejected for each reason, through the moderation service."""
    hearing = make_hearing()
    moderator = make_staff_user()
    testimonies = {}
    for reason in RejectionReason:
        testimony = make_testimony(hearing).testimony
        note = "Explained here." if reason is RejectionReason.OTHER else None
        decide(
            moderator,
            testimony,
            Decision(ReviewStatus.REJECTED, reason, note),
            expected=ReviewStatus.PENDING,
            now=utcnow(),
        )
        testimonies[reason] = testimony
    db.session.commit()
    return hearing, testimonies


def test_every_reason_has_a_label_and_a_form_option_in_every_language(app, subtests):
    for language in app.config["LANGUAGES"]:
        for reason in RejectionReason:
            with subtests.test(language=language, reason=reason.value):
                assert reason in REASONS, f"{reason!r} has no row in app/moderation/reasons.py"
                label, choice = words(app, language, reason)
                assert label.strip() and choice.strip()


def test_a_stored_code_and_the_reason_give_the_same_label(app):
    with app.test_request_context(), force_locale("es"):
        assert reason_label("other") == reason_label(RejectionReason.OTHER) == "Otro"


def test_the_decision_form_offers_every_reason_in_the_tables_order(app):
    assert [choice.value for choice in REASON_CHOICES] == [r.value for r in RejectionReason]


def test_the_review_page_offers_and_names_every_reason_in_every_language(
    app, db, rejected, subtests
):
    _hearing, testimonies = rejected
    browser = signed_in_client(app)
    for language in app.config["LANGUAGES"]:
        for reason, testimony in testimonies.items():
            with subtests.test(language=language, reason=reason.value):
                page = browser.get(
                    f"/staff/testimony/{testimony.id}", headers={"Accept-Language": language}
                )
                assert page.status_code == 200
                label, choice = words(app, language, reason)
                # The status line and the decision history both name it.
                assert page.text.count(f"({escape(label)})") == 2
                assert f'<option value="{reason.value}">{escape(choice)}</option>' in page.text


def test_the_bulk_confirmation_names_every_reason(app, db):
    hearing = make_hearing()
    testimony = make_testimony(hearing).testimony
    db.session.commit()
    browser = signed_in_client(app)
    queue = f"/staff/hearings/{hearing.id}/queue"
    for language in app.config["LANGUAGES"]:
        for reason in RejectionReason:
            page = browser.get(queue, headers={"Accept-Language": language})
            fields = {
                "csrf_token": csrf_token_from(page.text),
                "scope": "selected",
                "action": "rejected",
                "reason": reason.value,
                "note": "Explained here.",
                "ids": str(testimony.id),
            }
            confirmation = browser.post(
                f"{queue}/bulk", data=MultiDict(fields), headers={"Accept-Language": language}
            )
            assert confirmation.status_code == 200, (language, reason)
            label, _choice = words(app, language, reason)
            with app.test_request_context(), force_locale(language):
                named = f"{gettext('Reason:')} {escape(label)}</p>"
            assert named in confirmation.text, (language, reason)


def test_the_public_page_names_every_reason_something_was_not_published_for(app, db, rejected):
    hearing, _testimonies = rejected
    for language in app.config["LANGUAGES"]:
        page = app.test_client().get(
            f"/hearings/{hearing.id}", headers={"Accept-Language": language}
        )
        assert page.status_code == 200
        for reason in RejectionReason:
            label, _choice = words(app, language, reason)
            assert f"{escape(label)} 1" in page.text, (language, reason)


def test_the_spreadsheets_give_every_reasons_code_and_describe_them_all(app, db, rejected):
    hearing, testimonies = rejected
    description = dict(spreadsheet_rows.COLUMNS)["Rejection reason"]
    for reason in RejectionReason:
        assert reason.value in description

    expected = {t.tracking_number: reason.value for reason, t in testimonies.items()}
    column = HEADINGS.index("Rejection reason")
    tracking = HEADINGS.index("Tracking number")

    data, _count = to_csv(spreadsheet_rows.testimony_rows(hearing))
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert {row[tracking]: row[column] for row in lines[1:]} == expected

    data, _count = to_xlsx(spreadsheet_rows.testimony_rows(hearing), title=hearing.title)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    cells = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert {row[tracking]: row[column] for row in cells[1:]} == expected
